/**
 * An HTTP/1.1 server on the board's network (configured by DHCP): a status page, an echo, a
 * byte generator and the server's counters. Prints "http-server listening on http://<address>:80"
 * once it answers. Under QEMU: `npm run qemu -- --board microvm --app examples/http-server/main.ts
 * --forward tcp:8080:80`, then `curl http://127.0.0.1:8080/` (README.md).
 */
import { board, network, serve } from "tsmetal";
import { cpu, mem } from "hal";

/** The most /bytes?n= sends: as much as the server takes in a request body (1 MiB). */
const MAX_BYTES = 1024 * 1024;

const limits = {
  // A connection with no request in progress is closed after this long (the default)...
  idleTimeoutMs: 5_000,
  // ...and one whose request head has begun but not ended is answered 408 and closed after this
  // long from its first byte (stacks/http/limits.ts; the default is 10 s).
  headerTimeoutMs: 5_000,
  // /echo takes bodies up to 1 MiB: the body is read whole before the handler runs.
  maxBodyBytes: MAX_BYTES,
};

interface Route {
  readonly method: "GET" | "POST";
  handle(req: Request, url: URL): Response | Promise<Response>;
}

async function main(): Promise<void> {
  const net = await network();
  // A Map, not an object: a path such as /constructor must not find Object.prototype's members.
  const routes = new Map<string, Route>([
    ["/", { method: "GET", handle: () => new Response(statusPage(net.address), { headers: { "content-type": "text/html;charset=utf-8" } }) }],
    // The body back as it came, byte for byte.
    ["/echo", { method: "POST", handle: async (req) => new Response(await req.arrayBuffer(), { headers: { "content-type": req.headers.get("content-type") ?? "application/octet-stream" } }) }],
    ["/bytes", { method: "GET", handle: (_req, url) => bytes(url.searchParams.get("n")) }],
    // What the tests read to see the connections being served (the one asking among them).
    ["/stats", { method: "GET", handle: () => Response.json({ connections: server.connections, server: server.stats, heap: mem.stats(), net: net.stack.counters.snapshot() }) }],
  ]);

  const server = serve({ port: 80, limits }, async (req) => {
    const url = new URL(req.url);
    const route = routes.get(url.pathname);
    if (route === undefined) return text(404, `no such page: ${url.pathname}\n`);
    // HEAD is GET without the body (the server drops it).
    if (req.method !== route.method && !(route.method === "GET" && req.method === "HEAD")) {
      return new Response(`${url.pathname} takes ${route.method}\n`, { status: 405, headers: { allow: route.method, "content-type": "text/plain;charset=utf-8" } });
    }
    return route.handle(req, url);
  });

  console.log(`http-server listening on http://${net.address}:80`);
}

/** /bytes?n=N: N bytes, byte i being i % 251 (a prime, so a shifted or dropped run shows). */
function bytes(n: string | null): Response {
  if (n === null || !/^\d{1,7}$/.test(n) || Number(n) > MAX_BYTES) {
    return text(400, `/bytes needs n, a whole number from 0 to ${MAX_BYTES}; got ${n === null ? "none" : JSON.stringify(n)}\n`);
  }
  const out = new Uint8Array(Number(n));
  // One period of the pattern, then copies of it: a call per 251 bytes, not a store per byte.
  for (let i = 0; i < Math.min(251, out.length); i++) out[i] = i;
  for (let at = 251; at < out.length; at += 251) out.copyWithin(at, 0, Math.min(251, out.length - at));
  return new Response(out, { headers: { "content-type": "application/octet-stream" } });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain;charset=utf-8" } });
}

/** The page at /: uptime, the engine's heap (hal.mem: the only memory figure the runtime has), the board and the address. */
function statusPage(address: string): string {
  const services = board();
  const info = services.info?.();
  const heap = mem.stats();
  const rows: [string, string][] = [
    ["board", services.name],
    ["address", address],
    ["uptime", `${(performance.now() / 1000).toFixed(1)} s`],
    ["heap in use", `${kib(heap.used)} (peak ${kib(heap.peak)}, limit ${kib(heap.limit)})`],
  ];
  if (info?.memory) rows.push(["RAM", `${kib(info.memory.size)} at 0x${info.memory.base.toString(16)}`]);
  if (info?.serial !== undefined) rows.push(["serial", info.serial]);
  for (const [name, hz] of Object.entries(info?.clocks ?? {})) rows.push([`${name} clock`, `${(hz / 1e6).toFixed(1)} MHz`]);
  const cells = rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>tsmetal on ${escape(services.name)}</title></head>
<body><h1>tsmetal on ${escape(services.name)}</h1>
<table>
${cells}
</table>
<p>POST /echo returns its body; GET /bytes?n=N returns N bytes; GET /stats the counters (JSON).</p>
</body></html>
`;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

// No network (no device, no DHCP answer) or no port 80: the reason, and exit 1. Without this the
// firmware would also exit 1 (an unhandled rejection), but the open NIC keeps it running until then.
main().catch((error: unknown) => {
  console.error("http-server:", error);
  cpu.exit(1);
});
