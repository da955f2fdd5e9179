import { test } from "uvu";
import * as assert from "uvu/assert";
import util from "node:util";
import { formatPrimitives } from "../../../runtime/format/format-primitives.ts";

const primitiveLists: unknown[][] = [
  [],
  ["plain text"],
  [""],
  ["a", "b", ""],
  [42],
  [-0],
  [0, -0, 1.5, -1e-7, 1e21, NaN, Infinity, -Infinity, 0.1 + 0.2],
  [123n, -5n, 0n],
  [true, false, undefined, null],
  ["tick", 1, { toString: () => "never used" }].slice(0, 2),
  [1, "x"],
  ["multi\nline", "tab\t", "quote'\""],
  [undefined, "first is not a string"],
  ["100", "%"],
];

for (const args of primitiveLists) {
  test(`primitives ${JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))} match util.format`, () => {
    assert.is(formatPrimitives(args), util.format(...args));
  });
}

test("anything that needs the full formatter is declined", () => {
  assert.is(formatPrimitives(["50%"]), undefined);
  assert.is(formatPrimitives(["%s", 1]), undefined);
  assert.is(formatPrimitives([{ a: 1 }]), undefined);
  assert.is(formatPrimitives(["x", [1]]), undefined);
  assert.is(formatPrimitives([Symbol("s")]), undefined);
  assert.is(formatPrimitives([() => 1]), undefined);
});

test.run();
