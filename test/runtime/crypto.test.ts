import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { DomExceptionLike, MAX_RANDOM_BYTES, getRandomValuesWith, installCrypto, type IntegerTypedArray } from "../../runtime/crypto.ts";
import { MemoryBus } from "../../models/memory-bus.ts";
import { Bcm2835Rng } from "../../drivers/rng/bcm2835.ts";
import { Bcm2835RngModel } from "../../models/rng/bcm2835.ts";

/** A fill that writes 1, 2, 3, ... (mod 256) across calls, and records what it was given. */
function counter() {
  let next = 1;
  const calls: Array<{ byteOffset: number; length: number; buffer: ArrayBufferLike }> = [];
  const fill = (bytes: Uint8Array) => {
    calls.push({ byteOffset: bytes.byteOffset, length: bytes.length, buffer: bytes.buffer });
    for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 0xff;
  };
  return { fill, calls };
}

type AnyView = ArrayBufferView;
const INTEGER_TYPES = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
const OTHER_VIEWS: Array<[string, () => AnyView]> = [
  ["Float32Array", () => new Float32Array(4)],
  ["Float64Array", () => new Float64Array(4)],
  ["DataView", () => new DataView(new ArrayBuffer(8))],
];

/** What a call throws: [constructor kind, name], or "ok". */
function outcome(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    return e instanceof TypeError ? `TypeError ${e.name}` : `${(e as Error).name}`;
  }
}

test("each integer typed array: filled in place, every byte, and the same array returned", () => {
  for (const T of INTEGER_TYPES) {
    const { fill, calls } = counter();
    const get = getRandomValuesWith(fill);
    const backing = new ArrayBuffer(64);
    const array = new T(backing, 8, 24 / T.BYTES_PER_ELEMENT);
    assert.is(get(array as IntegerTypedArray), array, T.name);
    const bytes = new Uint8Array(backing);
    assert.equal(Array.from(bytes.subarray(8, 32)), Array.from({ length: 24 }, (_, i) => i + 1), T.name);
    assert.ok(bytes.subarray(0, 8).every((b) => b === 0) && bytes.subarray(32).every((b) => b === 0), `${T.name}: outside untouched`);
    assert.equal(calls, [{ byteOffset: 8, length: 24, buffer: backing }], T.name);
  }
});

test("Float32Array, Float64Array and DataView: TypeMismatchError, as Node's Web Crypto; fill not called", () => {
  const { fill, calls } = counter();
  const get = getRandomValuesWith(fill) as (a: unknown) => unknown;
  for (const [name, make] of OTHER_VIEWS) {
    const ours = outcome(() => get(make()));
    const node = outcome(() => webcrypto.getRandomValues(make() as Uint8Array));
    assert.is(ours, "TypeMismatchError", name);
    assert.is(ours, node, `${name}: same as Node`);
    try {
      get(make());
    } catch (e) {
      assert.ok(e instanceof DomExceptionLike && e instanceof Error && !(e instanceof TypeError), name);
      assert.is((e as DomExceptionLike).code, 17);
    }
  }
  for (const T of INTEGER_TYPES) assert.is(outcome(() => webcrypto.getRandomValues(new T(2) as Uint8Array)), "ok", `Node takes ${T.name}`);
  assert.is(calls.length, 0);
});

test("not an ArrayBufferView at all: a TypeError (Web IDL conversion)", () => {
  const { fill, calls } = counter();
  const get = getRandomValuesWith(fill) as (a: unknown) => unknown;
  const fakeTag = { [Symbol.toStringTag]: "Uint8Array", length: 4, byteLength: 4 };
  for (const value of [undefined, null, 7, "abcd", [1, 2, 3], new ArrayBuffer(4), fakeTag]) {
    assert.is(outcome(() => get(value)), "TypeError TypeError", String(value));
  }
  assert.is(calls.length, 0);
});

test("the array's real type counts, not what its own properties claim", () => {
  const { fill, calls } = counter();
  const get = getRandomValuesWith(fill) as (a: unknown) => unknown;
  const float = new Float32Array(2);
  Object.defineProperty(float, Symbol.toStringTag, { value: "Uint8Array" });
  assert.is(outcome(() => get(float)), "TypeMismatchError");
  const big = new Uint8Array(MAX_RANDOM_BYTES + 1);
  Object.defineProperty(big, "byteLength", { value: 4 });
  assert.is(outcome(() => get(big)), "QuotaExceededError");
  const small = new Uint8Array(8);
  Object.defineProperty(small, "byteLength", { value: 2 });
  Object.defineProperty(small, "length", { value: 2 });
  get(small);
  assert.equal(Array.from(small.subarray(0, 8)), [1, 2, 3, 4, 5, 6, 7, 8], "all 8 bytes filled");
  assert.is(calls.length, 1);
});

test("quota: 65,536 bytes is fine, one element more is a QuotaExceededError, as Node's", () => {
  const { fill, calls } = counter();
  const get = getRandomValuesWith(fill);
  const cases: Array<[IntegerTypedArray, string]> = [
    [new Uint8Array(65536), "ok"],
    [new Uint32Array(16384), "ok"],
    [new BigUint64Array(8192), "ok"],
    [new Uint8Array(65537), "QuotaExceededError"],
    [new Int16Array(32769), "QuotaExceededError"],
    [new Uint32Array(16385), "QuotaExceededError"],
    [new BigInt64Array(8193), "QuotaExceededError"],
  ];
  for (const [array, expected] of cases) {
    assert.is(outcome(() => get(array)), expected, `${array.constructor.name}(${array.length})`);
    assert.is(outcome(() => webcrypto.getRandomValues(array)), expected, `Node: ${array.constructor.name}(${array.length})`);
  }
  assert.is(calls.length, 3, "refused arrays never reach fill");
  try {
    get(new Uint8Array(65537));
  } catch (e) {
    assert.ok(e instanceof DomExceptionLike);
    assert.is((e as DomExceptionLike).code, 22);
    assert.match((e as Error).message, /65537/);
  }
});

test("type is checked before size: a huge Float64Array is a TypeMismatchError", () => {
  const get = getRandomValuesWith(() => {}) as (a: unknown) => unknown;
  assert.is(outcome(() => get(new Float64Array(100_000))), "TypeMismatchError");
});

test("an empty array is returned without calling fill; fill's errors pass through", () => {
  const { fill, calls } = counter();
  const get = getRandomValuesWith(fill);
  const empty = new Uint32Array(0);
  assert.is(get(empty), empty);
  assert.is(calls.length, 0);
  const failing = getRandomValuesWith(() => {
    throw new Error("RNG timed out");
  });
  assert.throws(() => failing(new Uint8Array(1)), /RNG timed out/);
});

/** Runs `f` with globalThis.crypto the engine's placeholder (engine/src/crypto.c), restoring Node's after. */
function withPlaceholder(f: (placeholder: object) => void): void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  const placeholder = {};
  Object.defineProperty(placeholder, "getRandomValues", { value: () => "placeholder", writable: true, configurable: true });
  Object.defineProperty(globalThis, "crypto", { value: placeholder, writable: true, configurable: true });
  try {
    f(placeholder);
  } finally {
    if (saved) Object.defineProperty(globalThis, "crypto", saved);
    else delete (globalThis as { crypto?: unknown }).crypto;
  }
}

test("installCrypto makes the global crypto's getRandomValues draw from the fill", () =>
  withPlaceholder((placeholder) => {
    const { fill } = counter();
    installCrypto(fill);
    const c = (globalThis as unknown as { crypto: { getRandomValues<T extends IntegerTypedArray>(a: T): T } }).crypto;
    assert.is(c, placeholder, "the same object: a reference taken before sees the new source");
    assert.equal(Object.keys(c), ["getRandomValues"]);
    const a = new Uint16Array(2);
    assert.is(c.getRandomValues(a), a);
    assert.equal(Array.from(a), [0x0201, 0x0403]);
    assert.is(outcome(() => c.getRandomValues(new Float32Array(1) as unknown as Uint8Array)), "TypeMismatchError");
  }));

test("installCrypto keeps what the global crypto holds besides getRandomValues (crypto.subtle, randomUUID, seed)", () =>
  withPlaceholder((placeholder) => {
    // The Web Crypto prelude's members (runtime/web/crypto/prelude.ts), defined before the board installs its source.
    const subtle = {};
    Object.defineProperties(placeholder, {
      subtle: { get: () => subtle, configurable: true, enumerable: true },
      randomUUID: { value: () => "uuid", writable: true, configurable: true, enumerable: true },
    });
    installCrypto(counter().fill);
    const c = (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array; subtle: object; randomUUID(): string } }).crypto;
    assert.is(c.subtle, subtle);
    assert.is(c.randomUUID(), "uuid");
    assert.equal(Array.from(c.getRandomValues(new Uint8Array(2))), [1, 2]);
  }));

test("with the BCM2835 RNG: getRandomValues draws the generator's words, low byte first", () =>
  withPlaceholder(() => {
    const bus = new MemoryBus();
    const model = new Bcm2835RngModel(bus, 0x2010_4000, { source: (i) => i, numbersPerStatusRead: 0x40000 + 8 });
    const rng = new Bcm2835Rng({ base: 0x2010_4000, bus, maxPolls: 10 });
    rng.init();
    installCrypto((b) => rng.fill(b));
    const c = (globalThis as unknown as { crypto: { getRandomValues<T extends IntegerTypedArray>(a: T): T } }).crypto;
    const a = c.getRandomValues(new Uint32Array(3));
    assert.equal(Array.from(a), [0x40000, 0x40001, 0x40002]);
    assert.is(model.underflows, 0);
  }));

test("runtime/crypto.ts imports nothing, so no native module", () => {
  const source = readFileSync(new URL("../../runtime/crypto.ts", import.meta.url), "utf8");
  assert.not.match(source, /^\s*import\b/m);
  assert.not.match(source, /require\(/);
});

test.run();
