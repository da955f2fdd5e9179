/** stacks/http/fetch.ts back to back with stacks/http/server.ts over two stacks/net instances. */
import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createFetch, MAX_REDIRECTS } from "../../../stacks/http/fetch.ts";
import { Response } from "../../../stacks/http/response.ts";
import { serve } from "../../../stacks/http/server.ts";
import type { Request, RequestInit } from "../../../stacks/http/request.ts";
import { drive, makePair, runUntil, SERVER_IP, type Pair } from "../../support/http/pair.ts";

const BASE = `http://${SERVER_IP}`;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function failure(p: Pair, promise: Promise<unknown>, limitMs = 60_000): Promise<unknown> {
  try {
    await drive(p.time, promise, limitMs, 10);
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

function fetchFailed(e: unknown, cause: RegExp): void {
  assert.instance(e, TypeError);
  assert.match((e as Error).message, /^fetch failed/);
  assert.match(String(((e as { cause?: Error }).cause)?.message), cause);
}

/** Records each request the server saw: method, path, body, content-type, authorization. */
function recorder(p: Pair, route: (req: Request, path: string) => Response | null) {
  const seen: string[] = [];
  serve({ net: p.server, port: 80 }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = await req.text();
    seen.push(`${req.method} ${path} [${body}] ${req.headers.get("content-type") ?? "-"} ${req.headers.get("authorization") ?? "-"}`);
    return route(req, path) ?? new Response(`done ${req.method} ${body}`);
  });
  return seen;
}

test("GET: status, headers (immutable), url, body; a DNS name goes through the resolver", async () => {
  const p = makePair();
  serve({ net: p.server, port: 80 }, (req) => new Response(`host=${req.headers.get("host")} accept=${req.headers.get("accept")}`, { status: 201, statusText: "Made", headers: { "x-a": "1" } }));
  const r = await drive(p.time, p.fetch("http://device.test/p?q"));
  assert.is(r.status, 201);
  assert.is(r.statusText, "Made");
  assert.ok(r.ok);
  assert.is(r.url, "http://device.test/p?q");
  assert.not.ok(r.redirected);
  assert.is(r.headers.get("x-a"), "1");
  assert.throws(() => r.headers.set("x-a", "2"), TypeError);
  assert.is(await drive(p.time, r.text()), "host=device.test accept=*/*");
  assert.equal(p.resolved, ["device.test"]);
  assert.ok(r.bodyUsed);
  await runUntil(p.time, () => p.client.tcp.connectionCount === 0, 10_000, 10);
});

test("POST 1 MiB, echoed back: SHA-256 equal both ways; chunked both ways for a stream body", async () => {
  const p = makePair();
  const seen: string[] = [];
  serve({ net: p.server, port: 80 }, async (req) => {
    seen.push(`${req.headers.get("transfer-encoding")} ${req.headers.get("content-length")}`);
    const bytes = await req.bytes();
    seen.push(sha(bytes));
    return new Response((async function* () {
      for (let i = 0; i < bytes.length; i += 40_000) yield bytes.subarray(i, i + 40_000);
    })());
  });
  const data = new Uint8Array(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 255;
  const upload = (async function* () {
    for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
  })();
  const r = await drive(p.time, p.fetch(`${BASE}/echo`, { method: "POST", body: upload }));
  assert.is(r.headers.get("transfer-encoding"), "chunked");
  const back = await drive(p.time, r.bytes());
  assert.equal(seen, ["chunked null", sha(data)]);
  assert.is(sha(back), sha(data));
});

test("a 256 KiB echo over a link losing 3 % and reordering: intact both ways", async () => {
  const p = makePair({ link: { loss: 0.03, reorder: 0.03, delayMs: 2, seed: 9 } });
  serve({ net: p.server, port: 80 }, async (req) => new Response(await req.arrayBuffer()));
  const data = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 13) ^ (i >> 8));
  const r = await drive(p.time, p.fetch(`${BASE}/echo`, { method: "POST", body: data }), 600_000, 10);
  const back = await drive(p.time, r.bytes(), 600_000, 10);
  assert.is(sha(back), sha(data));
  assert.ok(p.link.stats.lost > 5, `lost ${p.link.stats.lost}`);
});

const REWRITES: [number, string, string][] = [
  [301, "POST", "GET"],
  [302, "POST", "GET"],
  [303, "POST", "GET"],
  [303, "PUT", "GET"],
  [301, "PUT", "PUT"],
  [302, "DELETE", "DELETE"],
  [307, "POST", "POST"],
  [308, "PUT", "PUT"],
];

for (const [status, method, after] of REWRITES) {
  test(`a ${status} redirect of a ${method} is followed as ${after} (Fetch 4.4 step 12)`, async () => {
    const p = makePair();
    const seen = recorder(p, (_req, path) => (path === "/from" ? new Response(null, { status, headers: { location: "/to" } }) : null));
    const r = await drive(p.time, p.fetch(`${BASE}/from`, { method, body: "payload", headers: { "content-type": "text/x" } }));
    assert.is(r.status, 200);
    assert.ok(r.redirected);
    assert.is(r.url, `${BASE}/to`);
    const kept = after !== "GET";
    assert.equal(seen, [`${method} /from [payload] text/x -`, `${after} /to [${kept ? "payload" : ""}] ${kept ? "text/x" : "-"} -`]);
    assert.is(await drive(p.time, r.text()), `done ${after} ${kept ? "payload" : ""}`);
  });
}

test("Authorization does not follow a redirect to another origin", async () => {
  const p = makePair();
  p.names.set("other.test", SERVER_IP);
  const seen = recorder(p, (req, path) => (path === "/a" ? Response.redirect(`http://other.test/b`, 307) : null));
  await drive(p.time, p.fetch(`${BASE}/a`, { headers: { authorization: "Bearer x" } }).then((r) => r.text()));
  assert.equal(seen, ["GET /a [] - Bearer x", "GET /b [] - -"]);
});

test(`at most ${MAX_REDIRECTS} redirects; redirect: "manual" and "error"`, async () => {
  const p = makePair();
  recorder(p, (req, path) => {
    const n = Number(path.slice(1));
    return n > 0 ? new Response(null, { status: 302, headers: { location: `/${n - 1}` } }) : null;
  });
  const ok = await drive(p.time, p.fetch(`${BASE}/${MAX_REDIRECTS}`));
  assert.is(ok.status, 200);
  assert.is(ok.url, `${BASE}/0`);
  fetchFailed(await failure(p, p.fetch(`${BASE}/${MAX_REDIRECTS + 1}`)), /more than 20 redirects/);
  const manual = await drive(p.time, p.fetch(`${BASE}/3`, { redirect: "manual" }));
  assert.is(manual.status, 302);
  assert.is(manual.headers.get("location"), "/2");
  fetchFailed(await failure(p, p.fetch(`${BASE}/3`, { redirect: "error" })), /redirect: "error"/);
});

test("307 with a stream body: a network error (it cannot be sent twice)", async () => {
  const p = makePair();
  recorder(p, (_r, path) => (path === "/a" ? new Response(null, { status: 307, headers: { location: "/b" } }) : null));
  const body = (async function* () {
    yield "once";
  })();
  fetchFailed(await failure(p, p.fetch(`${BASE}/a`, { method: "POST", body })), /stream/);
});

test("abort: before the start, while waiting for the answer, while reading the body; the connection goes", async () => {
  const p = makePair();
  let hold: () => void = () => undefined;
  serve({ net: p.server, port: 80 }, (req) =>
    new URL(req.url).pathname === "/slow"
      ? new Promise((r) => (hold = () => r(new Response("late"))))
      : new Response((async function* () {
          yield "first";
          await new Promise(() => undefined);
        })()),
  );
  const pre = new AbortController();
  pre.abort();
  const e0 = await failure(p, p.fetch(`${BASE}/slow`, { signal: pre.signal }));
  assert.is((e0 as Error).name, "AbortError");
  const ac = new AbortController();
  const pending = p.fetch(`${BASE}/slow`, { signal: ac.signal });
  let served = false;
  await runUntil(p.time, () => (served = p.server.tcp.connectionCount === 1 && p.time.now() > 20), 100);
  assert.ok(served);
  ac.abort();
  const e1 = await failure(p, pending);
  assert.is((e1 as Error).name, "AbortError");
  hold();
  const reading = new AbortController();
  const r = await drive(p.time, p.fetch(`${BASE}/stream`, { signal: reading.signal }));
  const it = r.body![Symbol.asyncIterator]();
  const first = await drive(p.time, it.next());
  assert.is(new TextDecoder().decode(first.value), "first");
  const next = it.next();
  reading.abort(new Error("changed my mind"));
  const e2 = await failure(p, next);
  assert.is((e2 as Error).message, "changed my mind");
  await runUntil(p.time, () => p.client.tcp.connectionCount === 0, 10_000, 10);
});

test("a timeout through AbortSignal.timeout()-style signals rejects with its reason", async () => {
  const p = makePair();
  serve({ net: p.server, port: 80 }, () => new Promise<Response>(() => undefined));
  const ac = new AbortController();
  p.time.set(5000, () => ac.abort(new DOMException("timed out", "TimeoutError")));
  const e = await failure(p, p.fetch(`${BASE}/`, { signal: ac.signal }));
  assert.is((e as Error).name, "TimeoutError");
  assert.ok(p.time.now() >= 5000);
});

test("a server that never answers, or stops sending the body: the head and body timeouts end the wait", async () => {
  const p = makePair();
  const slow = createFetch({ timers: p.time, connect: (a, port) => p.client.tcpConnect({ address: a, port }), resolve: async () => SERVER_IP, headersTimeoutMs: 4000, bodyTimeoutMs: 2000 });
  serve({ net: p.server, port: 80, limits: { idleTimeoutMs: 600_000 } }, (req) =>
    new URL(req.url).pathname === "/silent"
      ? new Promise<Response>(() => undefined)
      : new Response((async function* () {
          yield "some";
          await new Promise(() => undefined);
        })()),
  );
  fetchFailed(await failure(p, slow(`${BASE}/silent`)), /no response head within 4000 ms/);
  assert.ok(p.time.now() >= 4000 && p.time.now() < 5000);
  const r = await drive(p.time, slow(`${BASE}/stalls`));
  const t0 = p.time.now();
  const e = await failure(p, r.text());
  assert.is((e as Error).message, "terminated");
  assert.match(String((e as { cause?: Error }).cause?.message), /no response body data for 2000 ms/);
  assert.ok(p.time.now() - t0 >= 2000);
  assert.throws(() => createFetch({ timers: p.time, connect: () => { throw new Error(); }, resolve: async () => "", bodyTimeoutMs: 0 }), /bodyTimeoutMs must be a positive integer/);
  const deaf = createFetch({ timers: p.time, connect: () => { throw new Error("not reached"); }, resolve: () => new Promise(() => undefined), headersTimeoutMs: 1000 });
  fetchFailed(await failure(p, deaf("http://stuck.test/")), /no response head within 1000 ms/);
  const ac = new AbortController();
  const started = p.time.now();
  const pending = deaf("http://stuck.test/", { signal: ac.signal });
  p.time.set(100, () => ac.abort());
  assert.is(((await failure(p, pending)) as Error).name, "AbortError");
  assert.ok(p.time.now() - started < 1000, "the abort, not the head timeout, ended the wait for a resolver that ignores the signal");
});

test("clear errors: https:, other schemes, an unknown name, a refused port, a reset mid-body", async () => {
  const p = makePair();
  const https = await failure(p, p.fetch("https://device.test/"));
  assert.instance(https, TypeError);
  assert.match((https as Error).message, /https: is not supported/);
  fetchFailed(await failure(p, p.fetch("ftp://device.test/")), /ftp: URLs are not supported/);
  fetchFailed(await failure(p, p.fetch("http://nowhere.test/")), /no A record for nowhere\.test/);
  fetchFailed(await failure(p, p.fetch(`${BASE}:81/`)), /connection refused/);
  serve({ net: p.server, port: 80 }, () => new Response((async function* () {
    yield "part";
    throw new Error("handler stream broke");
  })()));
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void logged.push(a);
  try {
    const r = await drive(p.time, p.fetch(`${BASE}/`));
    const e = await failure(p, r.text());
    assert.instance(e, TypeError);
    assert.is((e as Error).message, "terminated");
  } finally {
    console.error = original;
  }
  assert.is(logged.length, 1, "the server reported the broken stream once");
});

test("responses framed by close, by length, and none for HEAD and 204", async () => {
  const p = makePair();
  // A hand-written HTTP/1.0 server: the body runs until the close.
  p.server.tcpListen({
    port: 8080,
    onConnection: (c) => {
      c.events.onReadable = () => {
        c.read();
        c.write(new TextEncoder().encode("HTTP/1.0 200 OK\r\nX: y\r\n\r\nuntil the end"));
        c.close();
      };
    },
  });
  const r = await drive(p.time, p.fetch(`${BASE}:8080/`));
  assert.is(await drive(p.time, r.text()), "until the end");
  serve({ net: p.server, port: 80 }, (req) => new Response(req.method === "DELETE" ? null : "body", { status: req.method === "DELETE" ? 204 : 200 }));
  const head = await drive(p.time, p.fetch(BASE, { method: "HEAD" }));
  assert.is(head.headers.get("content-length"), "4");
  assert.is(head.body, null);
  const none = await drive(p.time, p.fetch(BASE, { method: "DELETE" }));
  assert.is(none.status, 204);
  assert.is(await drive(p.time, none.text()), "");
});

// ---- The connection pool (stacks/http/fetch-pool.ts) ----

const enc = (t: string) => new TextEncoder().encode(t);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/**
 * A hand-written server on `port`: each read is one request, answered with `answer(connection,
 * request on it)`; a trailing "<abort>" resets the connection after writing the rest, "<close>"
 * closes it. `seen` lists "connection.request METHOD /path".
 */
function scripted(p: Pair, port: number, answer: (conn: number, n: number) => string): { seen: string[] } {
  const seen: string[] = [];
  let conns = 0;
  p.server.tcpListen({
    port,
    onConnection: (c) => {
      const id = conns++;
      let n = 0;
      c.events.onReadable = () => {
        const line = dec(c.read()).split("\r\n")[0];
        seen.push(`${id}.${n} ${line.slice(0, line.lastIndexOf(" "))}`);
        const a = answer(id, n++);
        const text = a.replace(/<(abort|close)>$/, "");
        if (text !== "") c.write(enc(text));
        if (a.endsWith("<abort>")) c.abort();
        else if (a.endsWith("<close>")) c.close();
      };
      c.events.onEnd = () => c.close();
    },
  });
  return { seen };
}

const poolView = (f: Pair["fetch"]) => ({ opened: f.pool.opened, reused: f.pool.reused, retried: f.pool.retried, idle: f.pool.idle });

test("pool: two sequential requests to one origin share one TCP connection (no Connection: close); closed after 4 s idle", async () => {
  const p = makePair();
  const seen: string[] = [];
  const server = serve({ net: p.server, port: 80 }, (req) => {
    seen.push(`${new URL(req.url).pathname} ${req.headers.get("connection")}`);
    return new Response("r");
  });
  assert.is(await drive(p.time, p.fetch(`${BASE}/1`).then((r) => r.text())), "r");
  // device.test resolves to the same address: the same origin after resolution.
  assert.is(await drive(p.time, p.fetch("http://device.test/2").then((r) => r.text())), "r");
  assert.equal(seen, ["/1 null", "/2 null"]);
  assert.is(server.stats.accepted, 1);
  assert.equal(poolView(p.fetch), { opened: 1, reused: 1, retried: 0, idle: 1 });
  const idleSince = p.time.now();
  await runUntil(p.time, () => p.fetch.pool.idle === 0, 10_000, 10);
  const idleFor = p.time.now() - idleSince;
  assert.ok(idleFor >= 4000 && idleFor < 4100, `closed after ${idleFor} ms idle`);
  await runUntil(p.time, () => server.connections === 0, 1000, 10);
  assert.is(server.stats.accepted, 1, "the client closed it (FIN), before the server's own 5 s");
});

test("pool: a redirect without a body (HEAD) leaves its connection to the next hop; one with a body is not read and its connection goes", async () => {
  const p = makePair();
  const server = serve({ net: p.server, port: 80 }, (req) => (new URL(req.url).pathname === "/from" ? Response.redirect(`${BASE}/to`, 302) : new Response("r")));
  const head = await drive(p.time, p.fetch(`${BASE}/from`, { method: "HEAD" }));
  assert.ok(head.redirected);
  assert.equal(poolView(p.fetch), { opened: 1, reused: 1, retried: 0, idle: 1 });
  assert.is(await drive(p.time, p.fetch(`${BASE}/from`).then((r) => r.text())), "r");
  assert.equal(poolView(p.fetch), { opened: 2, reused: 2, retried: 0, idle: 1 });
  assert.is(server.stats.accepted, 2);
});

test("pool: an idle connection the server closed is forgotten at once and never reused", async () => {
  const p = makePair();
  const server = serve({ net: p.server, port: 80, limits: { idleTimeoutMs: 1000 } }, () => new Response("r"));
  await drive(p.time, p.fetch(`${BASE}/1`).then((r) => r.text()));
  assert.is(p.fetch.pool.idle, 1);
  const t = p.time.now();
  await runUntil(p.time, () => p.fetch.pool.idle === 0, 3000, 10);
  assert.ok(p.time.now() - t < 1500, "dropped on the server's FIN, not at the pool's 4 s");
  assert.is(await drive(p.time, p.fetch(`${BASE}/2`).then((r) => r.text())), "r");
  assert.equal(poolView(p.fetch), { opened: 2, reused: 0, retried: 0, idle: 1 });
  assert.is(server.stats.accepted, 2);
});

test("pool: a reused connection that fails before any response byte: an idempotent request goes once more on a new connection", async () => {
  for (const [method, body] of [["GET", undefined], ["PUT", "data"], ["DELETE", undefined]] as const) {
    const p = makePair();
    // The server resets the kept connection at the next request (as one that had just closed it).
    const { seen } = scripted(p, 80, (conn, n) => (conn === 0 && n === 1 ? "<abort>" : OK));
    await drive(p.time, p.fetch(`${BASE}/a`).then((r) => r.text()));
    const r = await drive(p.time, p.fetch(`${BASE}/b`, { method, body }));
    assert.is(await drive(p.time, r.text()), "ok", method);
    assert.equal(seen, ["0.0 GET /a", `0.1 ${method} /b`, `1.0 ${method} /b`], method);
    assert.equal(poolView(p.fetch), { opened: 2, reused: 1, retried: 1, idle: 1 }, method);
  }
  // The server closes (FIN) instead of answering: the same.
  const p = makePair();
  const { seen } = scripted(p, 80, (conn, n) => (conn === 0 && n === 1 ? "<close>" : OK));
  await drive(p.time, p.fetch(`${BASE}/a`).then((r) => r.text()));
  assert.is(await drive(p.time, p.fetch(`${BASE}/b`).then((r) => r.text())), "ok");
  assert.equal(seen, ["0.0 GET /a", "0.1 GET /b", "1.0 GET /b"]);
});

test("pool: no retry for POST, for a stream body, after a response byte, or a second time", async () => {
  const cases: [string, RequestInit | undefined, string, RegExp][] = [
    ["POST (not idempotent, RFC 9110 9.2.2)", { method: "POST", body: "x" }, "<abort>", /connection (reset|aborted)/],
    ["PUT with a stream body (it cannot be sent again)", { method: "PUT", body: (async function* () { yield "x"; })() }, "<abort>", /connection (reset|aborted)/],
    ["GET answered in part", undefined, "HTTP/1.1 20<abort>", /connection (reset|aborted)|closed/],
  ];
  for (const [what, init, second, cause] of cases) {
    const p = makePair();
    const { seen } = scripted(p, 80, (conn, n) => (conn === 0 && n === 1 ? second : OK));
    await drive(p.time, p.fetch(`${BASE}/a`).then((r) => r.text()));
    fetchFailed(await failure(p, p.fetch(`${BASE}/b`, init)), cause);
    assert.is(seen.length, 2, `${what}: sent once (${seen.join(", ")})`);
    assert.is(p.fetch.pool.retried, 0, what);
  }
  // Every connection but the first fails: one retry, then the error.
  const p = makePair();
  const { seen } = scripted(p, 80, (conn, n) => (conn === 0 && n === 0 ? OK : "<abort>"));
  await drive(p.time, p.fetch(`${BASE}/a`).then((r) => r.text()));
  fetchFailed(await failure(p, p.fetch(`${BASE}/b`)), /connection (reset|aborted)/);
  assert.equal(seen, ["0.0 GET /a", "0.1 GET /b", "1.0 GET /b"]);
  assert.equal(poolView(p.fetch), { opened: 2, reused: 1, retried: 1, idle: 0 });
});

test("pool: Connection: close and HTTP/1.0 without keep-alive end the connection; HTTP/1.0 with keep-alive keeps it", async () => {
  for (const [answer, kept] of [
    ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", false],
    ["HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false],
    ["HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok", true],
  ] as const) {
    const p = makePair();
    // The server leaves the connection open: closing it is the client's decision.
    scripted(p, 80, () => answer);
    await drive(p.time, p.fetch(`${BASE}/a`).then((r) => r.text()));
    await drive(p.time, p.fetch(`${BASE}/b`).then((r) => r.text()));
    assert.equal(poolView(p.fetch), kept ? { opened: 1, reused: 1, retried: 0, idle: 1 } : { opened: 2, reused: 0, retried: 0, idle: 0 }, answer);
  }
});

test("pool: a body not read to its end, or not read at all, is never reused; the reader leaving early resets it", async () => {
  const p = makePair();
  const server = serve({ net: p.server, port: 80 }, () => new Response((async function* () {
    yield "one";
    yield "two";
  })()));
  const r = await drive(p.time, p.fetch(`${BASE}/left`));
  const it = r.body![Symbol.asyncIterator]();
  await drive(p.time, it.next());
  await drive(p.time, it.return!(undefined));
  await drive(p.time, p.fetch(`${BASE}/unread`));
  assert.is(await drive(p.time, p.fetch(`${BASE}/read`).then((x) => x.text())), "onetwo");
  assert.equal(poolView(p.fetch), { opened: 3, reused: 0, retried: 0, idle: 1 });
  await runUntil(p.time, () => server.connections === 2, 2000, 10);
});

test("pool: bounds: at most maxIdlePerOrigin per origin (default 2) and maxIdle in all, the oldest closed for room", async () => {
  const p = makePair({ fetch: { maxIdle: 3 } });
  const a = serve({ net: p.server, port: 80 }, () => new Response("a"));
  const b = serve({ net: p.server, port: 8080 }, () => new Response("b"));
  const three = [1, 2, 3].map(() => p.fetch(`${BASE}/`).then((r) => r.text()));
  assert.equal(await drive(p.time, Promise.all(three)), ["a", "a", "a"]);
  assert.equal(poolView(p.fetch), { opened: 3, reused: 0, retried: 0, idle: 2 });
  const two = [1, 2].map(() => p.fetch(`${BASE}:8080/`).then((r) => r.text()));
  assert.equal(await drive(p.time, Promise.all(two)), ["b", "b"]);
  assert.is(p.fetch.pool.idle, 3);
  await runUntil(p.time, () => a.connections + b.connections === 3, 2000, 10);
  assert.is(b.connections, 2, "the oldest idle one (port 80's) made room");
  assert.is(p.fetch.pool.discarded, 2);
  assert.throws(() => makePair({ fetch: { maxIdle: -1 } }), /maxIdle must be an integer from 0, not -1/);
  assert.throws(() => makePair({ fetch: { maxIdlePerOrigin: 1.5 } }), /maxIdlePerOrigin must be an integer from 0/);
  assert.throws(() => makePair({ fetch: { idleTimeoutMs: 0 } }), /idleTimeoutMs must be a positive integer/);
});

test("pool: maxIdlePerOrigin 0, or after close(): every request says Connection: close and nothing is kept", async () => {
  const p = makePair();
  const seen: (string | null)[] = [];
  serve({ net: p.server, port: 80 }, (req) => {
    seen.push(req.headers.get("connection"));
    return new Response("r");
  });
  await drive(p.time, p.fetch(`${BASE}/`).then((r) => r.text()));
  assert.is(p.fetch.pool.idle, 1);
  p.fetch.close();
  assert.is(p.fetch.pool.idle, 0);
  await drive(p.time, p.fetch(`${BASE}/`).then((r) => r.text()));
  assert.is(p.fetch.pool.idle, 0);
  const none = makePair({ fetch: { maxIdlePerOrigin: 0 } });
  serve({ net: none.server, port: 80 }, (req) => {
    seen.push(req.headers.get("connection"));
    return new Response("r");
  });
  await drive(none.time, none.fetch(`${BASE}/`).then((r) => r.text()));
  assert.equal(seen, [null, "close", "close"]);
  assert.equal(poolView(none.fetch), { opened: 1, reused: 0, retried: 0, idle: 0 });
});

test("pool: an abort while the request is out closes the reused connection; the pool goes on with a new one", async () => {
  const p = makePair();
  let hold = false;
  const server = serve({ net: p.server, port: 80 }, () => (hold ? new Promise<Response>(() => undefined) : new Response("r")));
  await drive(p.time, p.fetch(`${BASE}/`).then((r) => r.text()));
  hold = true;
  const ac = new AbortController();
  const pending = p.fetch(`${BASE}/slow`, { signal: ac.signal });
  p.time.set(50, () => ac.abort());
  assert.is(((await failure(p, pending)) as Error).name, "AbortError");
  assert.equal(poolView(p.fetch), { opened: 1, reused: 1, retried: 0, idle: 0 });
  hold = false;
  assert.is(await drive(p.time, p.fetch(`${BASE}/`).then((r) => r.text())), "r");
  assert.is(server.stats.accepted, 2);
});

test.run();
