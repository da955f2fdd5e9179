/**
 * What test/qemu/network-examples.test.ts asks of examples/http-server through a forwarded port
 * (127.0.0.1:port on the host): each check sends real HTTP/1.1 with Node's client and asserts on
 * what comes back. The same checks ran against a Node stand-in of the example while the firmware
 * API was being written.
 */
import * as assert from "uvu/assert";
import http from "node:http";
import net from "node:net";
import { createHash, randomBytes } from "node:crypto";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Whether the request went on a socket a previous request had used (keep-alive). */
  reused: boolean;
}

/** One request; `agent` false means a connection of its own, closed after the answer. */
export function request(port: number, path: string, o: { method?: string; body?: Buffer; agent?: http.Agent | false; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: o.method ?? "GET", agent: o.agent ?? false, headers: o.body ? { "content-type": "application/octet-stream" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reused: req.reusedSocket }));
      res.on("error", reject);
    });
    req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error(`${o.method ?? "GET"} ${path}: no answer in ${o.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    req.end(o.body);
  });
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/** GET /: 200, an HTML page naming the board and the firmware's address. */
export async function checkPage(port: number, board: string, address: string): Promise<void> {
  const r = await request(port, "/");
  assert.is(r.status, 200, r.body.toString());
  assert.match(String(r.headers["content-type"]), /^text\/html/);
  const page = r.body.toString("utf8");
  assert.match(page, new RegExp(`<title>tsmetal on ${board}</title>`));
  assert.ok(page.includes(address), page);
  assert.match(page, /uptime<\/th><td>\d+\.\d s/);
  assert.match(page, /heap in use<\/th><td>\d+\.\d KiB \(peak \d+\.\d KiB, limit \d+\.\d KiB\)/);
}

/** GET /bytes?n=: byte i is i % 251; bad or too large n is a 400; other paths 404, a wrong method 405. */
export async function checkBytes(port: number): Promise<void> {
  for (const n of [0, 1, 251, 1460, 65_537, 1024 * 1024]) {
    const r = await request(port, `/bytes?n=${n}`);
    assert.is(r.status, 200, `n=${n}: ${r.body.toString().slice(0, 200)}`);
    assert.is(r.body.length, n);
    assert.is(r.headers["content-length"], String(n));
    const bad = r.body.findIndex((b, i) => b !== i % 251);
    assert.is(bad, -1, `n=${n}: byte ${bad} is ${r.body[bad]}, not ${bad % 251}`);
  }
  for (const q of ["", "?n=", "?n=-1", "?n=1.5", "?n=abc", "?n=1048577", "?n=99999999999", "?m=3"]) {
    const r = await request(port, `/bytes${q}`);
    assert.is(r.status, 400, `/bytes${q}`);
    assert.match(r.body.toString(), /\/bytes needs n, a whole number from 0 to 1048576/);
  }
  for (const path of ["/nowhere", "/constructor", "/__proto__", "/echo/"]) assert.is((await request(port, path)).status, 404, path);
  const wrong = await request(port, "/echo");
  assert.is(wrong.status, 405);
  assert.is(wrong.headers.allow, "POST");
}

/** POST /echo with 1 MiB: the same bytes back (SHA-256 compared, and the length). */
export async function checkEcho(port: number): Promise<void> {
  const body = randomBytes(1024 * 1024);
  const r = await request(port, "/echo", { method: "POST", body, timeoutMs: 60_000 });
  assert.is(r.status, 200, r.body.toString().slice(0, 200));
  assert.is(r.body.length, body.length);
  assert.is(sha256(r.body), sha256(body));
  // One byte over the server's limit: 413 from the Content-Length alone, before any body byte
  // (sending the body too would race the server's close: RFC 9112 9.6 lets it reset then).
  const head = await rawExchange(port, "POST /echo HTTP/1.1\r\nHost: tsmetal\r\nContent-Length: 1048577\r\n\r\n");
  assert.match(head, /^HTTP\/1\.1 413 /, head);
}

/** Sends `text` on a connection of its own and returns everything received until the server closes (at most 30 s). */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("connect", () => sock.write(text));
    sock.on("data", (c) => (got += c.toString("latin1")));
    sock.on("error", reject);
    sock.on("close", () => resolve(got));
    sock.setTimeout(30_000, () => sock.destroy(new Error(`no close from the server in 30 s after: ${JSON.stringify(got.slice(0, 200))}`)));
  });
}

/** Runs one named check: its name leads the message of whatever it throws. */
export async function step<T>(name: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof Error) e.message = `${name}: ${e.message}`;
    throw e;
  }
}

/**
 * 20 keep-alive clients (an Agent with keepAlive and maxSockets 20), 50 requests each, all at
 * once: every request answered with its own body, over at most 20 connections, reused.
 */
export async function checkKeepAlive(port: number): Promise<{ sockets: number; reused: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const sockets = new Set<net.Socket>();
  agent.on("free", (s: net.Socket) => sockets.add(s));
  let reused = 0;
  try {
    await Promise.all(
      Array.from({ length: 20 }, async (_, client) => {
        for (let i = 0; i < 50; i++) {
          const n = 1 + ((client * 50 + i) % 997);
          const r = await request(port, `/bytes?n=${n}`, { agent });
          assert.is(r.status, 200);
          assert.is(r.body.length, n);
          assert.is(r.body[n - 1], (n - 1) % 251);
          if (r.reused) reused++;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  assert.ok(sockets.size >= 1 && sockets.size <= 20, `${sockets.size} connections`);
  // 1000 requests on at most 20 connections: all but the first on each were reused.
  assert.ok(reused >= 1000 - sockets.size, `only ${reused} of 1000 requests reused a connection (${sockets.size} connections)`);
  return { sockets: sockets.size, reused };
}

/** The firmware's /stats. */
export async function stats(port: number): Promise<{ connections: number; server: { accepted: number; rejected: number; requests: number; errors: number } }> {
  const r = await request(port, "/stats");
  assert.is(r.status, 200, r.body.toString());
  assert.match(String(r.headers["content-type"]), /^application\/json/);
  return JSON.parse(r.body.toString("utf8"));
}

/**
 * A client that sends half a request head and goes silent: the server answers 408 (or just
 * closes) after its header timeout, not before it, and at the latest `idleTimeoutMs +
 * headerTimeoutMs + slackMs` after the connect: the header timer starts at the first byte the
 * server sees, and until then the idle timer runs (a first segment that slirp has to resend
 * reaches the firmware late). /stats then counts one connection, the one asking (polled for a
 * few seconds while the keep-alive clients' closes arrive).
 */
export async function checkSilentClient(port: number, t: { headerTimeoutMs: number; idleTimeoutMs: number; slackMs: number }): Promise<{ closedAfterMs: number; answer: string }> {
  const { headerTimeoutMs, idleTimeoutMs, slackMs } = t;
  const latest = idleTimeoutMs + headerTimeoutMs + slackMs;
  const started = Date.now();
  const answer = await new Promise<string>((resolve, reject) => {
    // What the firmware counts, in the message, if it does not end the connection.
    const fail = (why: string) => void stats(port).then((s) => reject(new Error(`${why}; /stats: ${JSON.stringify(s)}`)), () => reject(new Error(why)));
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("connect", () => sock.write("GET /bytes?n=10 HTTP/1.1\r\nHost: tsmetal\r\nX-Half"));
    sock.on("data", (c) => (got += c.toString("latin1")));
    sock.on("error", reject);
    sock.on("close", () => resolve(got));
    sock.setTimeout(latest, () => {
      sock.removeAllListeners("close");
      sock.destroy();
      fail(`the server kept a silent client for more than ${latest} ms`);
    });
  });
  const closedAfterMs = Date.now() - started;
  assert.ok(answer === "" || /^HTTP\/1\.1 408 /.test(answer), `answer to a silent client: ${JSON.stringify(answer.slice(0, 200))}`);
  assert.ok(closedAfterMs >= headerTimeoutMs - 500, `closed after ${closedAfterMs} ms, before the header timeout of ${headerTimeoutMs} ms`);
  let s = await stats(port);
  for (let i = 0; i < 20 && s.connections !== 1; i++) {
    await new Promise((r) => setTimeout(r, 250));
    s = await stats(port);
  }
  assert.is(s.connections, 1, JSON.stringify(s));
  return { closedAfterMs, answer: answer.split("\r\n")[0] };
}
