/**
 * Array.fromAsync (ES2024, ECMA-262 23.1.2.2), which QuickJS 2021-03-27 lacks. A prelude of unit
 * "main" (tools/lib/units.ts) defines it on Array, only in a firmware whose code names
 * `fromAsync`: an async function is what the spec describes (AsyncFunctionStart of an abstract
 * closure), which the engine runs and its C does not easily express. `for await` gives
 * CreateAsyncFromSyncIterator for sync iterables and AsyncIteratorClose on an abrupt mapping.
 */

type Mapper = (this: unknown, value: unknown, index: number) => unknown;

/** IsConstructor(C) without calling C (a standard trick: Reflect.construct with C as newTarget). */
function isConstructor(c: unknown): c is new () => object {
  if (typeof c !== "function") return false;
  try {
    Reflect.construct(String, [], c);
    return true;
  } catch {
    return false;
  }
}

/** GetMethod(V, P): undefined for undefined or null, a TypeError for anything else not callable. */
function getMethod(v: unknown, key: symbol): ((this: unknown) => unknown) | undefined {
  const m = (v as Record<symbol, unknown>)[key];
  if (m === undefined || m === null) return undefined;
  if (typeof m !== "function") throw new TypeError(`${String(key)} is not a function`);
  return m as (this: unknown) => unknown;
}

/** CreateDataPropertyOrThrow(A, k, v) */
function createDataProperty(a: object, k: number, v: unknown): void {
  if (!Reflect.defineProperty(a, k, { value: v, writable: true, enumerable: true, configurable: true })) throw new TypeError(`Cannot add property ${k}`);
}

async function fromAsync(this: unknown, asyncItems: unknown, mapfn?: Mapper, thisArg?: unknown): Promise<unknown> {
  if (mapfn !== undefined && typeof mapfn !== "function") throw new TypeError("Array.fromAsync: the mapper is not a function");
  const usingAsyncIterator = getMethod(asyncItems, Symbol.asyncIterator);
  const usingSyncIterator = usingAsyncIterator === undefined ? getMethod(asyncItems, Symbol.iterator) : undefined;
  if (usingAsyncIterator !== undefined || usingSyncIterator !== undefined) {
    const a = isConstructor(this) ? new this() : [];
    const iterable = usingAsyncIterator !== undefined ? { [Symbol.asyncIterator]: () => usingAsyncIterator.call(asyncItems) as AsyncIterator<unknown> } : { [Symbol.iterator]: () => usingSyncIterator!.call(asyncItems) as Iterator<unknown> };
    let k = 0;
    for await (const value of iterable) {
      createDataProperty(a, k, mapfn !== undefined ? await mapfn.call(thisArg, value, k) : value);
      k++;
    }
    (a as { length: number }).length = k;
    return a;
  }
  // An array-like: each element awaited in turn.
  const arrayLike = Object(asyncItems) as ArrayLike<unknown>;
  const len = toLength(arrayLike.length);
  const a = isConstructor(this) ? new (this as new (n: number) => object)(len) : new Array(len);
  for (let k = 0; k < len; k++) {
    const value = await arrayLike[k];
    createDataProperty(a, k, mapfn !== undefined ? await mapfn.call(thisArg, value, k) : value);
  }
  (a as { length: number }).length = len;
  return a;
}

/** ToLength (7.1.20) */
function toLength(v: unknown): number {
  const n = Math.trunc(Number(v));
  return Number.isNaN(n) || n <= 0 ? 0 : Math.min(n, Number.MAX_SAFE_INTEGER);
}

// A built-in method: writable, configurable, not enumerable (ECMA-262 18), length 1.
Object.defineProperty(fromAsync, "length", { value: 1 });
Object.defineProperty(Array, "fromAsync", { value: fromAsync, writable: true, enumerable: false, configurable: true });

export { fromAsync };
