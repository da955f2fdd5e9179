/** stacks/http/response.ts (and body.ts through it), case by case against Node's own Response. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Response } from "../../../stacks/http/response.ts";
import { Headers } from "../../../stacks/http/headers.ts";
import { Request } from "../../../stacks/http/request.ts";
import { node, outcome, type Impl, type ResponseLike } from "../../support/http/compare.ts";

const ours = { Headers, Request, Response } as unknown as Impl;

const summary = async (r: ResponseLike) => ({ status: r.status, statusText: r.statusText, ok: r.ok, headers: [...r.headers], text: await r.text(), used: r.bodyUsed });

const CASES: [string, (I: Impl) => unknown][] = [
  ["defaults", (I) => summary(new I.Response())],
  ["a string body: text/plain;charset=UTF-8", (I) => summary(new I.Response("héllo"))],
  ["status, statusText, headers", (I) => summary(new I.Response("x", { status: 404, statusText: "Nope", headers: { "X-A": "1" } }))],
  ["ok is 200..299", (I) => [199 + 1, 299, 300, 500].map((s) => new I.Response(null, { status: s }).ok)],
  ["status below 200 is a RangeError", (I) => new I.Response(null, { status: 100 })],
  ["status 600 is a RangeError", (I) => new I.Response(null, { status: 600 })],
  ["a body with 204 is a TypeError", (I) => new I.Response("x", { status: 204 })],
  ["a body with 304 is a TypeError", (I) => new I.Response("x", { status: 304 })],
  ["a null body with 204 is fine", (I) => summary(new I.Response(null, { status: 204 }))],
  ["statusText with a newline is a TypeError", (I) => new I.Response(null, { statusText: "a\nb" })],
  ["a Uint8Array body: no content-type, bytes kept", async (I) => { const r = new I.Response(new Uint8Array([104, 105])); return [[...r.headers], new Uint8Array(await r.arrayBuffer())]; }],
  ["a DataView slice of a buffer", async (I) => new Uint8Array(await new I.Response(new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)).arrayBuffer())],
  ["the body is copied at construction", async (I) => { const b = new Uint8Array([1]); const r = new I.Response(b); b[0] = 9; return new Uint8Array(await r.arrayBuffer()); }],
  ["URLSearchParams body", (I) => summary(new I.Response(new URLSearchParams({ a: "1 2", b: "é" })))],
  ["a given content-type is kept", (I) => summary(new I.Response("{}", { headers: { "content-type": "application/x" } }))],
  ["json()", (I) => new I.Response('{"a":[1,2]}').json()],
  ["json() of bad JSON is a SyntaxError", (I) => new I.Response("{").json()],
  ["reading twice is a TypeError", async (I) => { const r = new I.Response("x"); await r.text(); return r.text(); }],
  ["bodyUsed after text()", async (I) => { const r = new I.Response("x"); const before = r.bodyUsed; await r.text(); return [before, r.bodyUsed]; }],
  ["a null body reads as empty and is not used", async (I) => { const r = new I.Response(null); return [await r.text(), r.bodyUsed]; }],
  ["clone() reads separately", async (I) => { const r = new I.Response("x"); const c = r.clone(); return [await r.text(), await c.text()]; }],
  ["clone() after reading is a TypeError", async (I) => { const r = new I.Response("x"); await r.text(); return r.clone(); }],
  ["Response.json()", (I) => summary(I.Response.json({ a: 1 }, { status: 201, headers: { "x-b": "2" } }))],
  ["Response.json() of undefined is a TypeError", (I) => I.Response.json(undefined)],
  ["Response.json() keeps a given content-type", (I) => summary(I.Response.json([1], { headers: { "content-type": "application/ld+json" } }))],
  ["Response.redirect()", (I) => summary(I.Response.redirect("http://a.test/b?c", 307))],
  ["Response.redirect() defaults to 302", (I) => I.Response.redirect("http://a.test/").status],
  ["Response.redirect() with 200 is a RangeError", (I) => I.Response.redirect("http://a.test/", 200)],
  ["Response.redirect() of a relative URL is a TypeError", (I) => I.Response.redirect("/b")],
  ["Response.redirect() headers are immutable", (I) => I.Response.redirect("http://a.test/").headers.set("x", "y")],
  ["redirected and url of a constructed response", (I) => { const r = new I.Response(); return [r.redirected, r.url]; }],
];

for (const [what, run] of CASES) {
  test(`Response as Node's: ${what}`, async () => {
    assert.equal(await outcome(() => run(ours)), await outcome(() => run(node)));
  });
}

test("a stream body: async iterable in, read once, text out; body iterates the same chunks", async () => {
  const r = new Response((async function* () {
    yield "ab";
    yield new Uint8Array([99]);
  })());
  assert.is(await r.text(), "abc");
  assert.throws(() => r.clone(), TypeError);
  const s = new Response("xyz");
  const chunks: number[] = [];
  for await (const c of s.body!) chunks.push(...c);
  assert.equal(chunks, [120, 121, 122]);
  assert.ok(s.bodyUsed);
  const bad = new Response((async function* () {
    yield 5 as unknown as Uint8Array;
  })());
  let err: unknown = null;
  await bad.text().catch((e: unknown) => (err = e));
  assert.instance(err, TypeError);
});

test.run();
