/** stacks/http/request.ts, case by case against Node's own Request. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Headers } from "../../../stacks/http/headers.ts";
import { Request } from "../../../stacks/http/request.ts";
import { Response } from "../../../stacks/http/response.ts";
import { node, outcome, type Impl, type RequestLike } from "../../support/http/compare.ts";

const ours = { Headers, Request, Response } as unknown as Impl;

const summary = async (r: RequestLike) => ({ method: r.method, url: r.url, redirect: r.redirect, headers: [...r.headers], text: await r.text(), used: r.bodyUsed });

const CASES: [string, (I: Impl) => unknown][] = [
  ["defaults", (I) => summary(new I.Request("http://a.test"))],
  ["URL parsed and serialised", (I) => new I.Request("HTTP://A.test:80/x/../y?q#frag").url],
  ["a relative URL is a TypeError (no base)", (I) => new I.Request("/a")],
  ["credentials in the URL are a TypeError", (I) => new I.Request("http://u:p@a.test/")],
  ["methods normalised: post, get, delete upper-cased", (I) => ["post", "get", "delete", "options", "put", "head"].map((m) => new I.Request("http://a.test", { method: m }).method)],
  ["other methods kept as given", (I) => new I.Request("http://a.test", { method: "Custom" }).method],
  ["CONNECT is a TypeError", (I) => new I.Request("http://a.test", { method: "connect" })],
  ["TRACE is a TypeError", (I) => new I.Request("http://a.test", { method: "TRACE" })],
  ["an invalid method is a TypeError", (I) => new I.Request("http://a.test", { method: "G T" })],
  ["GET with a body is a TypeError", (I) => new I.Request("http://a.test", { body: "x" })],
  ["HEAD with a body is a TypeError", (I) => new I.Request("http://a.test", { method: "HEAD", body: "x" })],
  ["POST with a string body", (I) => summary(new I.Request("http://a.test", { method: "POST", body: "hi", headers: { "X-A": "1" } }))],
  ["POST with URLSearchParams", (I) => summary(new I.Request("http://a.test", { method: "POST", body: new URLSearchParams("a=1&b=2") }))],
  ["json()", (I) => new I.Request("http://a.test", { method: "PUT", body: '{"x":true}' }).json()],
  ["reading twice is a TypeError", async (I) => { const r = new I.Request("http://a.test", { method: "POST", body: "x" }); await r.text(); return r.text(); }],
  ["from another Request, with a new method", (I) => summary(new I.Request(new I.Request("http://a.test/p", { method: "POST", body: "b" }), { method: "PUT" }))],
  ["from another Request: its body moves, the input is used", async (I) => { const a = new I.Request("http://a.test/", { method: "POST", body: "b" }); const b = new I.Request(a); return [a.bodyUsed, await b.text()]; }],
  ["redirect mode", (I) => new I.Request("http://a.test", { redirect: "manual" }).redirect],
  ["an invalid redirect mode is a TypeError", (I) => new I.Request("http://a.test", { redirect: "sometimes" })],
  ["clone()", async (I) => { const r = new I.Request("http://a.test", { method: "POST", body: "c" }); const c = r.clone(); return [await r.text(), await c.text(), c.method, c.url]; }],
  ["an absent signal is a signal that is not aborted", (I) => (new I.Request("http://a.test") as unknown as { signal: AbortSignal }).signal.aborted],
];

for (const [what, run] of CASES) {
  test(`Request as Node's: ${what}`, async () => {
    assert.equal(await outcome(() => run(ours)), await outcome(() => run(node)));
  });
}

test("the signal given is the signal kept", () => {
  const ac = new AbortController();
  const r = new Request("http://a.test", { signal: ac.signal });
  assert.is(r.signal, ac.signal);
});

test.run();
