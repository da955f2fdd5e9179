import { test } from "uvu";
import * as assert from "uvu/assert";

// runtime/es/array-from-async.ts defines Array.fromAsync (ES2024), which Node 20 lacks: the
// module installs it on this process's Array; expectations follow ECMA-262 2024 23.1.2.2.
const had = Object.getOwnPropertyDescriptor(Array, "fromAsync");
await import("../../../runtime/es/array-from-async.ts");
type FromAsync = (this: unknown, items: unknown, map?: (v: unknown, k: number) => unknown, thisArg?: unknown) => Promise<unknown[]>;
const fromAsync = (Array as unknown as { fromAsync: FromAsync }).fromAsync;

test("defined as a built-in method: writable, configurable, not enumerable, length 1", () => {
  assert.is(had, undefined, "Node 20 has none of its own");
  const d = Object.getOwnPropertyDescriptor(Array, "fromAsync")!;
  assert.equal([d.writable, d.enumerable, d.configurable, fromAsync.length], [true, false, true, 1]);
});

test("async and sync iterables, awaited values, the mapper and its this", async () => {
  async function* gen(): AsyncGenerator<number> {
    yield 1;
    yield 2;
  }
  assert.equal(await fromAsync.call(Array, gen()), [1, 2]);
  assert.equal(await fromAsync.call(Array, [Promise.resolve("a"), "b"]), ["a", "b"]);
  const self = { f: 10 };
  assert.equal(await fromAsync.call(Array, new Set([1, 2]), function (this: typeof self, v, k) { return Promise.resolve((v as number) * this.f + k); }, self), [10, 21]);
});

test("array-likes are read by index with each element awaited; non-iterables give []", async () => {
  assert.equal(await fromAsync.call(Array, { length: 2, 0: Promise.resolve("x"), 1: "y" }), ["x", "y"]);
  assert.equal(await fromAsync.call(Array, 5), []);
});

test("errors reject the promise; an abrupt mapper closes the iterator", async () => {
  const reject = (p: Promise<unknown>) => p.then(() => "resolved", (e: Error) => e.name);
  assert.is(await reject(fromAsync.call(Array, null)), "TypeError");
  assert.is(await reject(fromAsync.call(Array, [1], 5 as unknown as () => unknown)), "TypeError");
  let closed = 0;
  const it = { [Symbol.iterator]: () => ({ next: () => ({ value: 1, done: false }), return: () => (closed++, { done: true, value: undefined }) }) };
  assert.is(await reject(fromAsync.call(Array, it, () => { throw new RangeError("m"); })), "RangeError");
  assert.is(closed, 1);
});

test("a constructor this makes the result (as Array.from)", async () => {
  class MyArray extends Array {}
  const r = await fromAsync.call(MyArray, [1]);
  assert.instance(r, MyArray);
  const plain = await fromAsync.call(undefined, [1]);
  assert.ok(Array.isArray(plain));
});

test.run();
