/** stacks/http/headers.ts, case by case against Node's own Headers. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Headers } from "../../../stacks/http/headers.ts";
import { node, outcome, type HeadersLike, type Impl } from "../../support/http/compare.ts";

const ours = { Headers } as unknown as Impl;

const CASES: [string, (H: Impl["Headers"]) => unknown][] = [
  ["names are case-insensitive", (H) => { const h = new H({ "Content-Type": "a" }); return [h.get("content-type"), h.get("CONTENT-TYPE"), h.has("Content-type")]; }],
  ["values combine with \", \"", (H) => { const h = new H(); h.append("X-A", "1"); h.append("x-a", "2"); return h.get("x-a"); }],
  ["set-cookie kept apart in iteration, combined by get()", (H) => { const h = new H([["Set-Cookie", "a=1"], ["set-cookie", "b=2"], ["B", "x"], ["a", " y "], ["b", "z"]]); return [[...h], h.get("set-cookie"), h.getSetCookie()]; }],
  ["iteration sorted and lower-cased", (H) => [...new H({ Zeta: "1", alpha: "2", Beta: "3" })]],
  ["forEach", (H) => { const out: string[] = []; new H({ b: "2", a: "1" }).forEach((v, n) => out.push(`${n}=${v}`)); return out; }],
  ["whitespace trimmed from values", (H) => new H({ a: " \t x y \r\n" }).get("a")],
  ["set replaces every value", (H) => { const h = new H([["a", "1"], ["b", "2"], ["a", "3"]]); h.set("A", "9"); return [...h]; }],
  ["delete removes every value", (H) => { const h = new H([["a", "1"], ["A", "3"]]); h.delete("a"); return [h.has("a"), [...h]]; }],
  ["get of an absent name is null", (H) => new H().get("nope")],
  ["copy of another Headers", (H) => [...new H(new H({ a: "1" }))]],
  ["an invalid name is a TypeError", (H) => new H({ "a b": "x" })],
  ["an empty name is a TypeError", (H) => new H({ "": "x" })],
  ["a name with a colon is a TypeError", (H) => new H().append("a:", "x")],
  ["LF inside a value is a TypeError", (H) => new H({ a: "x\ny" })],
  ["CR inside a value is a TypeError", (H) => new H().set("a", "x\ry")],
  ["NUL inside a value is a TypeError", (H) => new H().append("a", "x\0y")],
  ["a character over U+00FF is a TypeError", (H) => new H({ a: "€" })],
  ["latin1 values are kept", (H) => new H({ a: "é" }).get("a")],
  ["a pair of length 1 is a TypeError", (H) => new H([["a"]])],
  ["a pair of length 3 is a TypeError", (H) => new H([["a", "b", "c"]])],
  ["get() of an invalid name is a TypeError", (H) => new H().get("a b")],
  ["numbers become strings", (H) => new H({ a: 1 as unknown as string }).get("a")],
];

for (const [what, run] of CASES) {
  test(`Headers as Node's: ${what}`, async () => {
    const mine = await outcome(() => run(ours.Headers));
    const theirs = await outcome(() => run(node.Headers));
    assert.equal(mine, theirs);
  });
}

test("the object itself: not a Node Headers, but iterable the same way", () => {
  const h: HeadersLike = new Headers({ a: "1" }) as unknown as HeadersLike;
  assert.equal(Object.prototype.toString.call(h), "[object Headers]");
  assert.equal(Array.from(h), [["a", "1"]]);
});

test.run();
