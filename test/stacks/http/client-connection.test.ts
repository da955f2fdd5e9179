/** stacks/http/client-connection.ts (and framing.ts's response rules) against hand-written servers on a stacks/net peer. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClientConnection, type ClientRequest } from "../../../stacks/http/client-connection.ts";
import { HttpParseError } from "../../../stacks/http/errors.ts";
import { TcpStream } from "../../../stacks/http/tcp-stream.ts";
import { drive, ip, makePair, runUntil, SERVER_IP, type Pair } from "../../support/http/pair.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A server that answers each request (one read is one request here) with the next canned text. */
function canned(p: Pair, answers: string[]): string[] {
  const requests: string[] = [];
  p.server.tcpListen({
    port: 80,
    onConnection: (c) => {
      c.events.onReadable = () => {
        requests.push(dec(c.read()));
        const a = answers.shift();
        if (a === undefined) return;
        c.write(enc(a.replace(/<close>$/, "")));
        if (a.endsWith("<close>")) c.close();
      };
      c.events.onEnd = () => c.close();
    },
  });
  return requests;
}

/** A fresh pair whose server answers with `answers`, and a client connected to it. */
async function connectTo(answers: string[]): Promise<{ p: Pair; c: ClientConnection; requests: string[] }> {
  const p = makePair();
  const requests = canned(p, answers);
  return { p, c: await open(p), requests };
}

/** One test per [what, answer] row, each on a fresh connection to a server giving that answer. */
function forEachAnswer(table: [string, string][], title: (what: string) => string, check: (p: Pair, c: ClientConnection) => Promise<void>): void {
  for (const [what, answer] of table) {
    test(title(what), async () => {
      const { p, c } = await connectTo([answer]);
      await check(p, c);
    });
  }
}

const GET_ROOT: ClientRequest = { method: "GET", target: "/", fields: [], body: null };

async function open(p: Pair): Promise<ClientConnection> {
  const s = new TcpStream(p.client.tcpConnect({ address: ip(SERVER_IP), port: 80 }));
  await drive(p.time, s.connected());
  return new ClientConnection(s);
}

async function text(p: Pair, body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (body === null) return "<none>";
  let out = "";
  await drive(p.time, (async () => {
    for await (const c of body) out += dec(c);
  })());
  return out;
}

test("keep-alive: interim 100 skipped, a chunked body with trailers, then a Content-Length one, on one connection", async () => {
  const { p, c, requests } = await connectTo([
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n0\r\nX-T: 1\r\n\r\n",
    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
  ]);
  const r1 = await drive(p.time, c.request({ method: "PUT", target: "/a", fields: [["host", "d"]], body: { kind: "bytes", bytes: enc("xyz") } }));
  assert.is(r1.head.status, 200);
  assert.not.ok(c.reusable, "not before the body is read");
  assert.is(await text(p, r1.body), "abcd");
  assert.ok(c.reusable);
  const r2 = await drive(p.time, c.request({ method: "POST", target: "/b", fields: [["host", "d"]], body: null }));
  assert.equal([r2.head.status, r2.head.reason], [201, "Created"]);
  assert.is(await text(p, r2.body), "ok");
  assert.equal(requests, ["PUT /a HTTP/1.1\r\nhost: d\r\ncontent-length: 3\r\n\r\nxyz", "POST /b HTTP/1.1\r\nhost: d\r\ncontent-length: 0\r\n\r\n"]);
});

test("a stream body goes chunked; HEAD and 304 have no body whatever their headers say", async () => {
  const { p, c, requests } = await connectTo(["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"]);
  const chunks = (async function* () {
    yield enc("ab");
    yield enc("");
    yield enc("c");
  })();
  const r1 = await drive(p.time, c.request({ method: "HEAD", target: "/", fields: [], body: null }));
  assert.is(r1.body, null);
  const r2 = await drive(p.time, c.request({ method: "POST", target: "/", fields: [], body: { kind: "stream", chunks } }));
  assert.is(r2.head.status, 304);
  assert.is(r2.body, null);
  await runUntil(p.time, () => requests.join("").endsWith("0\r\n\r\n"), 100);
  assert.is(requests.slice(1).join(""), "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
});

const NOT_REUSABLE: [string, string][] = [
  ["HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"],
  ["Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"],
  ["a body delimited by the close", "HTTP/1.1 200 OK\r\n\r\nx<close>"],
  ["chunked with a Content-Length too (RFC 9112 6.3 item 3)", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"],
];

forEachAnswer(NOT_REUSABLE, (what) => `not reusable after ${what}`, async (p, c) => {
  const r = await drive(p.time, c.request(GET_ROOT));
  assert.is(await text(p, r.body), "x");
  assert.not.ok(c.reusable);
  let refused: unknown = null;
  await c.request(GET_ROOT).catch((e: unknown) => (refused = e));
  assert.match(String(refused), /cannot take another request/);
});

const BROKEN: [string, string][] = [
  ["a garbled status line", "HTTP/1.1 OK\r\n\r\n"],
  ["an invalid Content-Length (RFC 9112 6.3 item 5)", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"],
  ["a coding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"],
  ["101 Switching Protocols that nobody asked for", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
  ["a close before any response", "<close>"],
];

forEachAnswer(BROKEN, (what) => `an HttpParseError for ${what}`, async (p, c) => {
  let error: unknown = null;
  await drive(p.time, c.request(GET_ROOT).catch((e: unknown) => (error = e)));
  assert.instance(error, HttpParseError);
});

test("a body cut short by the close is an error, not a short body", async () => {
  const { p, c } = await connectTo(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc<close>"]);
  const r = await drive(p.time, c.request(GET_ROOT));
  let error: unknown = null;
  await text(p, r.body).catch((e: unknown) => (error = e));
  assert.instance(error, HttpParseError);
});

test.run();
