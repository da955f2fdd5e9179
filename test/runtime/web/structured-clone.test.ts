import { test } from "uvu";
import * as assert from "uvu/assert";
import { structuredClone } from "../../../runtime/web/structured-clone.ts";

// runtime/web/structured-clone.ts against Node's structuredClone (HTML § 2.7).
const both = <T>(v: T): [T, T] => [structuredClone(v), globalThis.structuredClone(v)];

test("values come out as Node's do", () => {
  const shared = { s: 1 };
  const samples: unknown[] = [
    1, -0, NaN, 12n, "s", true, null, undefined, [1, , 3], { a: [shared, shared], d: new Date(0) },
    new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 2])]]), Object(3), Object("str"), Object(7n), /x+/gimsuy,
    new Float32Array([1.5, -2]), new BigInt64Array([-1n]), new DataView(new ArrayBuffer(4), 1, 2), new Error("e"), new TypeError("t"),
  ];
  for (const v of samples) {
    const [ours, node] = both(v);
    assert.equal(ours, node, String(v));
    assert.is(Object.prototype.toString.call(ours), Object.prototype.toString.call(node));
  }
});

test("identity: shared references stay shared, cycles stay cycles, views share one copy", () => {
  const o: Record<string, unknown> = { x: 1 };
  o.self = o;
  const c = structuredClone(o);
  assert.ok(c !== o && c.self === c);
  const buf = new ArrayBuffer(8);
  const views = structuredClone([new Uint8Array(buf, 1, 2), new Uint16Array(buf)]);
  assert.ok(views[0].buffer === views[1].buffer && views[0].buffer !== buf);
  assert.is(views[0].byteOffset, 1);
});

test("class instances lose their prototype; getters are read", () => {
  class P {
    x = 1;
    get y(): number {
      return 2;
    }
  }
  const c = structuredClone(new P());
  assert.is(Object.getPrototypeOf(c), Object.prototype);
  assert.equal(Object.keys(c), ["x"]);
  const withGetter = structuredClone(Object.defineProperty({}, "g", { get: () => 5, enumerable: true }));
  assert.equal(withGetter, { g: 5 });
});

test("errors keep a native name, their message, cause and stack", () => {
  const e = new RangeError("m", { cause: { c: 1 } });
  const c = structuredClone(e);
  assert.instance(c, RangeError);
  assert.is(c.message, "m");
  assert.equal(c.cause, { c: 1 });
  assert.is(c.stack, e.stack);
  const custom = Object.assign(new Error("x"), { name: "CustomError" });
  assert.is(structuredClone(custom).name, "Error");
});

test("what cannot be cloned is a DataCloneError, as in Node", () => {
  const refused: unknown[] = [() => 1, Symbol("s"), { f() {} }, new WeakMap(), new WeakSet(), Promise.resolve(), [Symbol.iterator]];
  for (const v of refused) {
    assert.throws(() => globalThis.structuredClone(v), (e: DOMException) => e.name === "DataCloneError", "Node refuses it too");
    assert.throws(() => structuredClone(v), (e: DOMException) => e.name === "DataCloneError" && e.code === 25);
  }
  assert.throws(() => structuredClone(new ArrayBuffer(1), { transfer: [new ArrayBuffer(1)] }), (e: DOMException) => e.name === "DataCloneError");
  assert.throws(() => (structuredClone as () => unknown)(), TypeError);
});

test.run();
