/** stacks/http/server.ts over two stacks/net instances on a fake link: byte-exact requests, keep-alive, limits, timeouts. */
import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Response } from "../../../stacks/http/response.ts";
import { serve, type HttpServer, type ServeOptions } from "../../../stacks/http/server.ts";
import type { Request } from "../../../stacks/http/request.ts";
import { ClientConnection } from "../../../stacks/http/client-connection.ts";
import { TcpStream } from "../../../stacks/http/tcp-stream.ts";
import { drive, ip, makePair, runUntil, SERVER_IP, type Pair } from "../../support/http/pair.ts";

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array) => String.fromCharCode(...b);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A raw TCP client: sends bytes, gathers everything the server sends until it closes. */
function raw(p: Pair, port = 80) {
  const conn = p.client.tcpConnect({ address: ip(SERVER_IP), port, noDelay: true });
  const got = { text: "", closed: false, reset: false };
  conn.events = {
    onReadable: () => (got.text += dec(conn.read())),
    onEnd: () => {
      got.closed = true;
      conn.close();
    },
    onClose: (why) => {
      got.closed = true;
      got.reset = why === "reset";
    },
  };
  return { conn, got, send: (s: string) => conn.write(enc(s)) };
}

async function exchange(p: Pair, request: string, limitMs = 1000): Promise<string> {
  const c = raw(p);
  c.send(request);
  await runUntil(p.time, () => c.got.closed, limitMs);
  return c.got.text;
}

function start(p: Pair, handler: (r: Request) => Response | Promise<Response>, o: Partial<ServeOptions> = {}): HttpServer {
  return serve({ net: p.server, port: 80, ...o }, handler);
}

const echo = async (req: Request) => new Response(`${req.method} ${req.url} [${await req.text()}]`);

test("GET, byte-exact: status line, computed Content-Length, no Date without a clock", async () => {
  const p = makePair();
  start(p, echo);
  const text = await exchange(p, "GET /a?b HTTP/1.1\r\nHost: dev\r\nConnection: close\r\n\r\n");
  assert.is(text, "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 21\r\nconnection: close\r\n\r\nGET http://dev/a?b []");
});

test("a Date header from the clock, when one is given (RFC 9110 6.6.1)", async () => {
  const p = makePair();
  start(p, () => new Response(null, { status: 204 }), { clock: () => Date.UTC(1994, 10, 6, 8, 49, 37) });
  const text = await exchange(p, "GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
  assert.is(text, "HTTP/1.1 204 No Content\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\nconnection: close\r\n\r\n");
});

test("pipelined requests answered in order on one connection; chunked request body with extensions and trailers", async () => {
  const p = makePair();
  start(p, echo);
  const text = await exchange(
    p,
    "GET /1 HTTP/1.1\r\nHost: d\r\n\r\n" +
      "POST /2 HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n" +
      "HEAD /3 HTTP/1.1\r\nHost: d\r\n\r\n" +
      "POST /4 HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\nConnection: close\r\n\r\nxy",
  );
  const answers = text.split("HTTP/1.1 ").slice(1);
  assert.is(answers.length, 4);
  assert.ok(answers[0].endsWith("GET http://d/1 []"));
  assert.ok(answers[1].endsWith("POST http://d/2 [abcde]"));
  assert.is(answers[2], "200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 18\r\n\r\n", "HEAD: the length, no body");
  assert.ok(answers[3].includes("connection: close") && answers[3].endsWith("POST http://d/4 [xy]"));
});

const BAD: [string, string, number][] = [
  ["a bad request line", "GET / HTTP/1.1 x\r\nHost: d\r\n\r\n", 400],
  ["bad header syntax", "GET / HTTP/1.1\r\nHost d\r\n\r\n", 400],
  ["Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 400],
  ["an invalid Content-Length", "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: +1\r\n\r\na", 400],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: d\r\nX: a\r\n\tb\r\n\r\n", 400],
  ["no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400],
  ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
  ["a head over the limit", `GET / HTTP/1.1\r\nHost: d\r\nX: ${"a".repeat(600)}\r\n\r\n`, 431],
  ["a Content-Length over the body limit", "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 2000\r\n\r\n", 413],
  ["a chunked body over the body limit", `POST / HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n${"400\r\n" + "a".repeat(1024) + "\r\n"}400\r\n${"b".repeat(1024)}\r\n0\r\n\r\n`, 413],
  ["an unknown expectation", "GET / HTTP/1.1\r\nHost: d\r\nExpect: magic\r\n\r\n", 417],
  ["an unknown transfer coding", "POST / HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501],
  ["HTTP/3.0", "GET / HTTP/3.0\r\nHost: d\r\n\r\n", 505],
  ["credentials in an absolute-form target", "GET http://u:p@d/ HTTP/1.1\r\nHost: d\r\n\r\n", 400],
  ["CONNECT", "CONNECT d:443 HTTP/1.1\r\nHost: d:443\r\n\r\n", 501],
];

for (const [what, request, code] of BAD) {
  test(`${code} for ${what}, then the connection closes; the handler never runs`, async () => {
    const p = makePair();
    let calls = 0;
    const s = start(p, () => (calls++, new Response("x")), { limits: { maxHeadBytes: 512, maxBodyBytes: 1500 } });
    const text = await exchange(p, request, 2000);
    assert.ok(text.startsWith(`HTTP/1.1 ${code} `), text.slice(0, 60));
    assert.ok(text.includes("connection: close\r\n"));
    assert.is(calls, 0);
    assert.is(s.connections, 0);
  });
}

test("Expect: 100-continue gets an interim 100 before the body is sent", async () => {
  const p = makePair();
  start(p, echo);
  const c = raw(p);
  c.send("PUT /u HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  await runUntil(p.time, () => c.got.text.length > 0, 500);
  assert.is(c.got.text, "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("abc");
  await runUntil(p.time, () => c.got.closed, 500);
  assert.ok(c.got.text.endsWith("PUT http://d/u [abc]"));
});

test("HTTP/1.0: answered and closed; a stream body goes close-delimited, in HTTP/1.1 chunked", async () => {
  const p = makePair();
  start(p, () => new Response((async function* () { yield "ab"; yield new Uint8Array([0x63]); })()));
  const old = await exchange(p, "GET / HTTP/1.0\r\n\r\n");
  assert.is(old, "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nabc");
  const now = await exchange(p, "GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
  assert.is(now, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
});

test("a handler that throws: 500, the error reported once, the connection kept alive", async () => {
  const p = makePair();
  const reported: unknown[] = [];
  let n = 0;
  const s = start(p, () => {
    if (n++ === 0) throw new Error("boom");
    return new Response("fine");
  }, { onError: (e) => (reported.push(e), new Response("sorry", { status: 500 })) });
  const text = await exchange(p, "GET / HTTP/1.1\r\nHost: d\r\n\r\nGET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
  assert.ok(text.startsWith("HTTP/1.1 500 Internal Server Error\r\n"));
  assert.ok(text.includes("sorry") && text.endsWith("fine"));
  assert.is(reported.length, 1);
  assert.is((reported[0] as Error).message, "boom");
  assert.is(s.stats.errors, 1);
});

test("the default onError reports with console.error once and answers 500; a non-Response too", async () => {
  const p = makePair();
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void logged.push(a);
  try {
    start(p, async () => ({ not: "a response" }) as unknown as Response);
    const text = await exchange(p, "GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
    assert.ok(text.startsWith("HTTP/1.1 500 "));
  } finally {
    console.error = original;
  }
  assert.is(logged.length, 1);
  assert.match(String(logged[0][1]), /not a Response/);
});

test("1 MiB POST echoed: SHA-256 equal both ways", async () => {
  const p = makePair();
  start(p, async (req) => new Response(await req.arrayBuffer()));
  const data = new Uint8Array(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) >>> 5;
  const res = await drive(p.time, p.fetch(`http://${SERVER_IP}/echo`, { method: "POST", body: data }));
  assert.is(res.headers.get("content-length"), String(1 << 20));
  const back = new Uint8Array(await drive(p.time, res.arrayBuffer()));
  assert.is(back.length, data.length);
  assert.is(sha(back), sha(data));
});

test("20 concurrent keep-alive clients x 50 requests each, all answered on 20 connections", async () => {
  const p = makePair({ tcp: { maxConnections: 40, maxHalfOpen: 20 } });
  const s = start(p, async (req) => new Response(`${new URL(req.url).pathname}:${(await req.text()).length}`));
  let answered = 0;
  const client = async (id: number) => {
    const stream = new TcpStream(p.client.tcpConnect({ address: ip(SERVER_IP), port: 80, noDelay: true }));
    await stream.connected();
    const c = new ClientConnection(stream);
    for (let i = 0; i < 50; i++) {
      const body = new Uint8Array(i * 10);
      const r = await c.request({ method: "POST", target: `/c${id}/r${i}`, fields: [["host", "d"]], body: { kind: "bytes", bytes: body } });
      let text = "";
      for await (const chunk of r.body!) text += dec(chunk);
      assert.is(text, `/c${id}/r${i}:${i * 10}`);
      assert.ok(c.reusable);
      answered++;
    }
    stream.close();
  };
  const all = Promise.all(Array.from({ length: 20 }, (_, i) => client(i)));
  await drive(p.time, all, 60_000);
  assert.is(answered, 1000);
  assert.is(s.stats.accepted, 20);
  assert.is(s.stats.requests, 1000);
  await runUntil(p.time, () => s.connections === 0 && p.server.tcp.connectionCount === 0, 10_000, 10);
});

test("a half-sent request is timed out (408) and the connection count returns to zero", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { headerTimeoutMs: 3000 } });
  const c = raw(p);
  c.send("GET / HTTP/1.1\r\nHost: d\r\nX-Half: ");
  await runUntil(p.time, () => s.connections === 1, 100);
  await runUntil(p.time, () => c.got.closed, 5000, 10);
  assert.ok(p.time.now() >= 3000);
  assert.ok(c.got.text.startsWith("HTTP/1.1 408 Request Timeout\r\n"), c.got.text);
  assert.is(s.connections, 0);
  await runUntil(p.time, () => p.server.tcp.connectionCount === 0 && p.client.tcp.connectionCount === 0, 10_000, 10);
});

test("a pipelined request cut short after a full one: the first answered, the rest timed out by the header timeout", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { headerTimeoutMs: 2000, idleTimeoutMs: 60_000 } });
  const c = raw(p);
  c.send("GET /1 HTTP/1.1\r\nHost: d\r\n\r\nGET /2 HTTP/1.1\r\nHo");
  await runUntil(p.time, () => c.got.closed, 5000, 10);
  assert.ok(p.time.now() < 3000, "the header timeout, not the idle one");
  assert.ok(c.got.text.includes("GET http://d/1 []") && c.got.text.includes("HTTP/1.1 408 "));
  assert.is(s.connections, 0);
});

test("a half-sent body is timed out; a silent client that never closes is aborted after the linger", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { bodyTimeoutMs: 2000, lingerMs: 1000 } });
  const conn = p.client.tcpConnect({ address: ip(SERVER_IP), port: 80 });
  let text = "";
  let reason = "";
  // This client reads but never closes its side.
  conn.events = { onReadable: () => (text += dec(conn.read())), onClose: (r) => (reason = r) };
  conn.events.onConnect = () => void conn.write(enc("POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 10\r\n\r\nabc"));
  await runUntil(p.time, () => text.length > 0, 3000, 10);
  assert.ok(text.startsWith("HTTP/1.1 408 "));
  assert.is(s.connections, 0);
  await runUntil(p.time, () => reason !== "", 3000, 10);
  assert.is(reason, "reset", "aborted once the linger ran out");
  await runUntil(p.time, () => p.server.tcp.connectionCount === 0, 5000, 10);
});

test("an idle keep-alive connection is closed after idleTimeoutMs", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { idleTimeoutMs: 1500 } });
  const c = raw(p);
  c.send("GET / HTTP/1.1\r\nHost: d\r\n\r\n");
  await runUntil(p.time, () => c.got.text.endsWith("[]"), 100);
  const answered = p.time.now();
  await runUntil(p.time, () => c.got.closed, 3000, 10);
  assert.ok(p.time.now() - answered >= 1500);
  assert.not.ok(c.got.text.includes("408"), "no 408 for an idle connection");
  assert.is(s.connections, 0);
});

test("connections over maxConnections get a 503 and are closed", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { maxConnections: 2 } });
  const a = raw(p);
  const b = raw(p);
  await runUntil(p.time, () => s.connections === 2, 100);
  const text = await exchange(p, "GET / HTTP/1.1\r\nHost: d\r\n\r\n");
  assert.ok(text.startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
  assert.is(s.stats.rejected, 1);
  a.conn.close();
  b.conn.close();
  await runUntil(p.time, () => s.connections === 0, 1000);
});

test("shutdown(): stops listening, closes idle connections, lets a busy one answer with Connection: close; finished resolves", async () => {
  const p = makePair();
  let release: () => void = () => undefined;
  const s = start(p, (req) => (new URL(req.url).pathname === "/slow" ? new Promise<Response>((r) => (release = () => r(new Response("late")))) : new Response("x")));
  const idle = raw(p);
  const busy = raw(p);
  busy.send("GET /slow HTTP/1.1\r\nHost: d\r\n\r\n");
  await runUntil(p.time, () => s.connections === 2 && s.stats.requests === 1, 100);
  let finished = false;
  void s.shutdown().then(() => (finished = true));
  await runUntil(p.time, () => idle.got.closed, 100);
  assert.is(idle.got.text, "");
  assert.not.ok(finished);
  release();
  await runUntil(p.time, () => finished && busy.got.closed, 1000);
  assert.ok(busy.got.text.includes("connection: close\r\n") && busy.got.text.endsWith("late"));
  const refused = raw(p);
  await runUntil(p.time, () => refused.got.closed, 1000);
  assert.is(refused.got.text, "");
});

test("shutdown() from the handler resolves only once the answer and the FIN are through: a firmware may power off then", async () => {
  // 20 ms each way, and a link that loses what is still on its way when shutdown() resolves, as
  // QEMU's slirp loses what it has not yet written to the host's socket when the firmware exits.
  const p = makePair({ link: { delayMs: 20 } });
  let poweredOff = false;
  const s = start(p, () => {
    void s.shutdown().then(() => {
      poweredOff = true;
      p.link.cut();
    });
    return new Response("y".repeat(3000));
  });
  const c = raw(p);
  c.send("GET / HTTP/1.1\r\nHost: d\r\n\r\n");
  await runUntil(p.time, () => poweredOff, 2000);
  await runUntil(p.time, () => c.got.closed, 2000);
  assert.ok(c.got.text.startsWith("HTTP/1.1 200 OK\r\n") && c.got.text.includes("connection: close\r\n"), c.got.text.slice(0, 200));
  assert.ok(c.got.text.endsWith("y".repeat(3000)), `the client got ${c.got.text.length} bytes before the power went`);
  assert.not.ok(c.got.reset);
});

test("an AbortSignal shuts the server down; options are checked", async () => {
  const p = makePair();
  const ac = new AbortController();
  const s = start(p, echo, { signal: ac.signal });
  ac.abort();
  await drive(p.time, s.finished, 100);
  assert.throws(() => start(p, echo, { limits: { maxBodyBytes: -1 } }), /maxBodyBytes must be a positive integer/);
  assert.throws(() => start(p, echo, { hostname: "10.0.0.9" }), /not this host's address/);
  assert.throws(() => start(p, echo, { limits: { maxBody: 1 } as never }), /unknown HTTP server limit/);
  start(p, echo, { port: 81 });
  assert.throws(() => start(p, echo, { port: 81 }), /already listening/);
});

test("garbage and mangled requests: a 4xx or a close each, never a crash; nothing left open", async () => {
  const p = makePair();
  const s = start(p, echo, { limits: { headerTimeoutMs: 500, idleTimeoutMs: 500, bodyTimeoutMs: 500 } });
  const valid = "POST /x HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\n\r\n";
  let x = 12345;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % n;
  for (let round = 0; round < 60; round++) {
    let msg: string;
    if (round % 3 === 0) msg = Array.from({ length: 1 + rnd(200) }, () => String.fromCharCode(rnd(4) === 0 ? 10 : rnd(256))).join("");
    else {
      const chars = valid.split("");
      for (let k = 0; k < 1 + rnd(4); k++) chars[rnd(chars.length)] = String.fromCharCode(rnd(256));
      msg = chars.join("");
    }
    const c = raw(p);
    c.send(msg);
    await runUntil(p.time, () => c.got.closed || c.got.text.length > 0, 2000, 5);
    const code = /^HTTP\/1\.1 (\d{3}) /.exec(c.got.text)?.[1];
    assert.ok(code === undefined || code === "200" || code.startsWith("4") || code.startsWith("5"), JSON.stringify(c.got.text.slice(0, 40)));
    c.conn.close();
  }
  await runUntil(p.time, () => s.connections === 0 && p.server.tcp.connectionCount === 0, 20_000, 10);
  assert.is(s.stats.errors, 0);
});

test.run();
