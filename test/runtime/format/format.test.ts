/**
 * runtime/format/format.ts against Node's util.format on a table of argument lists (the console
 * that prints with it: test/runtime/console.test.ts).
 */
import util from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { format } from "../../../runtime/format/format.ts";

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
class Printable {
  toString(): string {
    return "printable!";
  }
}
class Primitive {
  [Symbol.toPrimitive](): string {
    return "prim!";
  }
}
const ownToString = { toString: () => "own" };
const circular: Record<string, unknown> = { name: "loop" };
circular.self = circular;
const nested = { a: { b: { c: { d: 1 } } }, arr: [1, [2, [3]]] };
function namedFn(): number {
  return 1;
}

const cases: unknown[][] = [
  [],
  ["plain string"],
  [""],
  ["%s"],
  ["%%"],
  ["100%"],
  ["%"],
  ["a", "b", "c"],
  ["x", 42],
  ["x", -0, 0n, 5n, NaN],
  ["value:", { a: 1 }, [1, 2], "raw string", null, undefined, true],
  [42, "not a format %s", "b"],
  [{ a: 1 }, { b: 2 }],
  [Symbol("s"), "x"],
  // %s
  ["%s", "str"],
  ["%s", 42],
  ["%s", -0],
  ["%s", 12n],
  ["%s", Symbol("sym")],
  ["%s", undefined],
  ["%s", null],
  ["%s", true],
  ["%s", { a: 1 }],
  ["%s", nested],
  ["%s", [1, [2, [3]]]],
  ["%s", new Point(1, 2)],
  ["%s", new Printable()],
  ["%s", new Primitive()],
  ["%s", ownToString],
  ["%s", Object.create(null)],
  ["%s", new Date(0)],
  ["%s", new Error("in %s")],
  ["%s", new Map([[1, { deep: { x: 1 } }]])],
  ["%s", namedFn],
  ["%s", /re/g],
  ["%s", "it's"],
  ["%s:%s", "a"],
  ["%s:%s", "a", "b", "c"],
  ["%s %s %s", 1, "two", [3]],
  // %d %i %f
  ["%d", 42],
  ["%d", 42.5],
  ["%d", -0],
  ["%d", "42"],
  ["%d", "abc"],
  ["%d", 10n],
  ["%d", Symbol("x")],
  ["%d", {}],
  ["%d", null],
  ["%d", undefined],
  ["%d", true],
  ["%d", new Date(5)],
  ["%d", [7]],
  ["%i", 42.9],
  ["%i", -42.9],
  ["%i", "42abc"],
  ["%i", "0x1f"],
  ["%i", 10n],
  ["%i", Symbol("x")],
  ["%i", {}],
  ["%i", 1e21],
  ["%f", "1.5e3"],
  ["%f", 42],
  ["%f", "abc"],
  ["%f", Symbol("x")],
  ["%f", -0],
  ["%f", "  3.25xyz"],
  // %j
  ["%j", { a: [1, "two"] }],
  ["%j", circular],
  ["%j", undefined],
  ["%j", "str"],
  ["%j", namedFn],
  ["%j", { toJSON: () => "custom" }],
  ["%j", [undefined, () => 1]],
  // %o %O
  ["%o", { a: 1 }],
  ["%o", [1, 2, 3]],
  ["%o", namedFn],
  ["%o", { f: namedFn, deep: { a: { b: { c: { d: { e: 1 } } } } } }],
  ["%o", "str"],
  ["%o", new Point(3, 4)],
  ["%o", new Map([["k", "v"]])],
  ["%O", { a: 1 }],
  ["%O", nested],
  ["%O", "str"],
  ["%O", circular],
  // %c, %%, unknown specifiers, missing arguments
  ["%cstyled", "color: red"],
  ["a%cb%cc", "x", "y"],
  ["%c"],
  ["100%%", 1],
  ["%%s", "x"],
  ["%%%s", "x"],
  ["%s%%", "x"],
  ["%x %s", "a"],
  ["%x", 1],
  ["%5d", 1],
  ["%s %d %i %f %j %o %O %c %%", "a", 42, 42.5, "1.5", { a: 1 }, [1], { b: 2 }, "css"],
  ["%s and %s", "only one"],
  ["end with %", 1],
  ["%s", "a", { extra: true }, "raw", 5],
  ["%d%d", 1, 2],
  ["no specifiers", { a: 1 }, "b"],
  ["multi\nline %s", "x\ny"],
  ["%s", "x".repeat(200)],
  ["%O", { long: "x".repeat(100), arr: Array.from({ length: 30 }, (_, i) => i) }],
];

for (const [i, args] of cases.entries()) {
  const shown = args.map((a) => (typeof a === "string" ? JSON.stringify(a).slice(0, 40) : typeof a)).join(", ");
  test(`format #${i}: (${shown})`, () => {
    assert.is(format(...args), util.format(...args));
  });
}

test("%j rethrows errors other than circular structure", () => {
  assert.throws(() => format("%j", { big: 1n }), (err: unknown) => err instanceof TypeError);
  assert.throws(() => util.format("%j", { big: 1n }), (err: unknown) => err instanceof TypeError);
  const throwing = {
    toJSON() {
      throw new RangeError("nope");
    },
  };
  assert.throws(() => format("%j", throwing), (err: unknown) => err instanceof RangeError);
});

test("%j of a circular structure is '[Circular]'", () => {
  assert.is(format("%j", circular), "[Circular]");
});

test("%d of a bigint keeps the n suffix", () => {
  assert.is(format("%d", 5n), "5n");
});

test.run();
