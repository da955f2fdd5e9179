/** stacks/http/parser.ts against byte-exact messages (RFC 9112). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HttpParseError } from "../../../stacks/http/errors.ts";
import { requestFraming } from "../../../stacks/http/framing.ts";
import { MessageReader, type BodyPiece } from "../../../stacks/http/parser.ts";

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array) => String.fromCharCode(...b);
const LIMITS = { maxHeadBytes: 256, maxFields: 8 };

function reader(...parts: string[]): MessageReader {
  const r = new MessageReader(LIMITS);
  for (const p of parts) r.push(enc(p));
  return r;
}

/** Reads a whole body: its text and trailers. */
function body(r: MessageReader): { text: string; trailers: readonly (readonly [string, string])[] } | null {
  let text = "";
  for (;;) {
    const p: BodyPiece | null = r.readBody();
    if (p === null) return null;
    if (p.kind === "end") return { text, trailers: p.trailers };
    text += dec(p.bytes);
  }
}

function status(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpParseError) return e.status;
    throw e;
  }
  return 0;
}

test("a request head, fields as sent; bare LF line ends and leading empty lines accepted (RFC 9112 2.2)", () => {
  const r = reader("\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A:  v  w \r\n\r\n");
  const h = r.readRequestHead();
  assert.equal(h, { method: "GET", target: "/a?b=1", minor: 1, fields: [["Host", "x"], ["X-A", "v  w"]] });
  const lf = reader("POST / HTTP/1.0\nHost: y\n\n").readRequestHead();
  assert.is(lf?.minor, 0);
  assert.equal(lf?.fields, [["Host", "y"]]);
});

test("a head split anywhere waits for its end", () => {
  const text = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  for (let cut = 1; cut < text.length; cut++) {
    const r = reader(text.slice(0, cut));
    assert.is(r.readRequestHead(), null, `cut at ${cut}`);
    r.push(enc(text.slice(cut)));
    assert.is(r.readRequestHead()?.target, "/");
  }
});

test("pipelined requests come out one by one, bodies between", () => {
  const r = reader("POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\nHost: x\r\n\r\nPOST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
  const h1 = r.readRequestHead()!;
  r.beginBody(requestFraming(h1.fields, h1.minor));
  assert.is(body(r)?.text, "abc");
  const h2 = r.readRequestHead()!;
  assert.is(h2.target, "/2");
  r.beginBody(requestFraming(h2.fields, h2.minor));
  assert.is(body(r)?.text, "");
  const h3 = r.readRequestHead()!;
  r.beginBody(requestFraming(h3.fields, h3.minor));
  assert.is(body(r)?.text, "hi");
  assert.is(r.buffered, 0);
  assert.is(r.readRequestHead(), null);
});

test("chunked: extensions skipped, trailers returned, sizes in hex, split anywhere", () => {
  const msg = '5;name=value;quoted="a \\"b\\""\r\nhello\r\nA ; x\r\n0123456789\r\n0;last\r\nExpires: never\r\nX-Sum: 1\r\n\r\n';
  for (let cut = 0; cut <= msg.length; cut += 7) {
    const r = new MessageReader(LIMITS);
    r.beginBody({ kind: "chunked" });
    r.push(enc(msg.slice(0, cut)));
    let text = "";
    let end: BodyPiece | null = null;
    for (;;) {
      const p = r.readBody();
      if (p === null) {
        if (cut >= msg.length) break;
        r.push(enc(msg.slice(cut)));
        cut = msg.length;
        continue;
      }
      if (p.kind === "end") {
        end = p;
        break;
      }
      text += dec(p.bytes);
    }
    assert.is(text, "hello0123456789");
    assert.equal(end, { kind: "end", trailers: [["Expires", "never"], ["X-Sum", "1"]] });
  }
});

test("broken chunked bodies are 400s; a huge chunk size is 413", () => {
  const bad = ["x\r\n", "5\r\nhelloX\r\n0\r\n\r\n", "5;=v\r\nhello\r\n", "5 ; a b\r\n", "-1\r\n", "0\r\nBad Trailer\r\n\r\n"];
  for (const b of bad) {
    const r = new MessageReader(LIMITS);
    r.beginBody({ kind: "chunked" });
    r.push(enc(b));
    assert.is(status(() => body(r)), 400, JSON.stringify(b));
  }
  const r = new MessageReader(LIMITS);
  r.beginBody({ kind: "chunked" });
  r.push(enc("1000000000000000\r\n"));
  assert.is(status(() => body(r)), 413);
});

test("the connection closing inside a body or head is an error, not an end", () => {
  const r = new MessageReader(LIMITS);
  r.beginBody({ kind: "length", length: 10 });
  r.push(enc("abc"));
  assert.is(body(r), null);
  r.finish();
  assert.is(status(() => body(r)), 400);
  const h = reader("GET / HTTP/1.1\r\nHost:");
  h.finish();
  assert.is(status(() => h.readRequestHead()), 400);
  const close = new MessageReader(LIMITS);
  close.beginBody({ kind: "close" });
  close.push(enc("all of it"));
  close.finish();
  assert.is(body(close)?.text, "all of it");
});

const REJECTED: [string, string, number][] = [
  ["a malformed request line", "GET /\r\n\r\n", 400],
  ["two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400],
  ["a space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400],
  ["a lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", 400],
  ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505],
  ["a field without colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400],
  ["whitespace before the colon (RFC 9112 5.1)", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400],
  ["obs-fold (RFC 9112 5.2)", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  b\r\n\r\n", 400],
  ["a bare CR", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400],
  ["a NUL in a value", "GET / HTTP/1.1\r\nHost: x\x00\r\n\r\n", 400],
  ["a head over maxHeadBytes", `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(300)}\r\n\r\n`, 431],
  ["a head over maxHeadBytes without its end yet", `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(300)}`, 431],
  ["more fields than maxFields", `GET / HTTP/1.1\r\n${"A: b\r\n".repeat(9)}\r\n`, 431],
];

for (const [what, msg, code] of REJECTED) {
  test(`${code} for ${what}`, () => {
    assert.is(status(() => reader(msg).readRequestHead()), code);
  });
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

test("obs-fold and a bare CR are named in the error (RFC 9112 5.2, 2.2)", () => {
  assert.match(message(() => reader("GET / HTTP/1.1\r\nHost: x\r\n Y: z\r\n\r\n").readRequestHead()), /obs-fold/);
  assert.match(message(() => reader("GET / HTTP/1.1\r\nHost: x\ry: z\r\n\r\n").readRequestHead()), /bare CR/);
});

const FRAMING: [string, string, number | string][] = [
  ["Content-Length and Transfer-Encoding together", "Content-Length: 3\r\nTransfer-Encoding: chunked", 400],
  ["an invalid Content-Length", "Content-Length: 3x", 400],
  ["a negative Content-Length", "Content-Length: -1", 400],
  ["conflicting Content-Lengths", "Content-Length: 3\r\nContent-Length: 4", 400],
  ["a final coding that is not chunked", "Transfer-Encoding: chunked, gzip", 400],
  ["an unknown coding before chunked", "Transfer-Encoding: gzip, chunked", 501],
  ["a repeated identical Content-Length (RFC 9110 8.6)", "Content-Length: 3, 3", "length 3"],
  ["chunked", "Transfer-Encoding: Chunked", "chunked"],
  ["no framing field", "X: y", "none"],
];

for (const [what, fields, want] of FRAMING) {
  test(`request framing: ${what}`, () => {
    const h = reader(`POST / HTTP/1.1\r\nHost: x\r\n${fields}\r\n\r\n`).readRequestHead()!;
    if (typeof want === "number") assert.is(status(() => requestFraming(h.fields, h.minor)), want);
    else {
      const f = requestFraming(h.fields, h.minor);
      assert.is(f.kind === "length" ? `length ${f.length}` : f.kind, want);
    }
  });
}

test("Transfer-Encoding in HTTP/1.0 is faulty framing (RFC 9112 6.1)", () => {
  const h = reader("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n").readRequestHead()!;
  assert.is(status(() => requestFraming(h.fields, h.minor)), 400);
});

test("status lines: reason optional; interim and odd versions", () => {
  assert.equal(reader("HTTP/1.1 204 No Content\r\n\r\n").readResponseHead(), { minor: 1, status: 204, reason: "No Content", fields: [] });
  assert.is(reader("HTTP/1.1 200\r\n\r\n").readResponseHead()?.reason, "");
  assert.is(reader("HTTP/1.0 404 Not  Found\r\n\r\n").readResponseHead()?.reason, "Not  Found");
  assert.is(status(() => reader("HTTP/1.1 20 OK\r\n\r\n").readResponseHead()), 400);
  assert.is(status(() => reader("ICY 200 OK\r\n\r\n").readResponseHead()), 400);
});

test.run();
