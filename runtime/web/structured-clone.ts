/**
 * structuredClone(value) (HTML Standard § 2.7.3 StructuredSerializeInternal and § 2.7.4
 * StructuredDeserialize, done in one pass): primitives; Boolean, Number, BigInt and String
 * objects; Date; RegExp (without lastIndex); ArrayBuffer, the typed arrays and DataView (views of
 * one buffer stay views of one copy); Map; Set; Error and its native subclasses (name, message,
 * cause, stack); arrays and plain objects (own enumerable string keys, through their getters);
 * shared and cyclic references stay shared. Anything else (a function, a symbol, a WeakMap, a
 * Promise, ...) is a DataCloneError DOMException. `transfer` moves ArrayBuffers (HTML
 * StructuredSerializeWithTransfer): the clone gets their bytes and they are detached, through
 * ES2024's ArrayBuffer.prototype.transfer (engine/patches/0016); where that is missing (Node 20,
 * which runs the unit tests) a non-empty transfer list is a DataCloneError.
 */

const ERROR_NAMES = new Set(["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"]);
const ERROR_CONSTRUCTORS: Record<string, ErrorConstructor> = {
  Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
};

type TypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

const TYPED_ARRAYS: Record<string, TypedArrayConstructor> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/** True if `check` accepts `v` as its receiver: a brand check through a built-in's own method or
    getter, which a Symbol.toStringTag cannot fake. */
function branded(v: object, check: (this: unknown) => unknown): boolean {
  try {
    check.call(v);
    return true;
  } catch {
    return false;
  }
}
const getter = (proto: object, key: PropertyKey): (() => unknown) => Object.getOwnPropertyDescriptor(proto, key)!.get as () => unknown;
const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype) as object;
/** %TypedArray%.prototype[@@toStringTag]: the array's real type name, undefined for anything else. */
const typedArrayName = getter(typedArrayProto, Symbol.toStringTag);

/** Objects that cannot be cloned (HTML § 2.7.3 step 25: platform and exotic objects that are
    not serializable): WeakMap and WeakSet by brand; Promise and the rest by their tag, which a
    brand check would observe (Promise.prototype.then on a rejected promise adds a reaction). */
const REFUSED: readonly ((this: unknown) => unknown)[] = [
  function (this: unknown) { WeakMap.prototype.has.call(this as WeakMap<object, unknown>, {}); },
  function (this: unknown) { WeakSet.prototype.has.call(this as WeakSet<object>, {}); },
];
const REFUSED_TAGS = new Set(["Promise", "WeakRef", "FinalizationRegistry", "Generator", "AsyncGenerator"]);

function dataCloneError(what: string): Error {
  return new DOMException(`${what} could not be cloned.`, "DataCloneError");
}

function describe(v: unknown): string {
  if (typeof v === "function") return String(v);
  if (typeof v === "symbol") return v.toString();
  return `#<${Object.prototype.toString.call(v).slice(8, -1)}>`;
}

export interface StructuredSerializeOptions {
  transfer?: unknown[];
}

export function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T {
  if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present");
  if (options !== undefined && options !== null && typeof options !== "object") throw new TypeError("structuredClone: options must be an object");
  const memory = new Map<object, unknown>();
  const transferred = options?.transfer === undefined ? [] : [...options.transfer];
  for (const t of transferred) {
    if (typeof t !== "object" || t === null || !branded(t, byteLength)) throw dataCloneError(`${describe(t)} (only an ArrayBuffer can be transferred)`);
    if (memory.has(t)) throw dataCloneError("An ArrayBuffer listed twice in transfer");
    if (typeof transferBuffer !== "function") throw dataCloneError("An ArrayBuffer to transfer (the engine has no ArrayBuffer.prototype.transfer)");
    if ((t as { detached?: boolean }).detached === true) throw dataCloneError("A detached ArrayBuffer");
    memory.set(t, (t as ArrayBuffer).slice(0));
  }
  const out = clone(value, memory) as T;
  // Detached only once everything is serialized: views of them were read while intact.
  for (const t of transferred) transferBuffer!.call(t, 0);
  return out;
}

const byteLength = getter(ArrayBuffer.prototype, "byteLength");
const transferBuffer = (ArrayBuffer.prototype as { transfer?: (this: unknown, n: number) => ArrayBuffer }).transfer;

function clone(v: unknown, memory: Map<object, unknown>): unknown {
  if (typeof v === "symbol" || typeof v === "function") throw dataCloneError(describe(v));
  if (v === null || typeof v !== "object") return v;
  const seen = memory.get(v);
  if (seen !== undefined) return seen;
  const out = cloneObject(v, memory);
  memory.set(v, out);
  return out;
}

function cloneObject(v: object, memory: Map<object, unknown>): unknown {
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    memory.set(v, out);
    copyProperties(v, out, memory);
    return out;
  }
  if (branded(v, Boolean.prototype.valueOf)) return Object(Boolean.prototype.valueOf.call(v));
  if (branded(v, Number.prototype.valueOf)) return Object(Number.prototype.valueOf.call(v));
  if (branded(v, String.prototype.valueOf)) return Object(String.prototype.valueOf.call(v));
  if (branded(v, BigInt.prototype.valueOf)) return Object(BigInt.prototype.valueOf.call(v));
  if (branded(v, Date.prototype.getTime)) return new Date(Date.prototype.getTime.call(v));
  if (v !== RegExp.prototype && branded(v, getter(RegExp.prototype, "source"))) return new RegExp((v as RegExp).source, (v as RegExp).flags);
  if (branded(v, byteLength)) return (v as ArrayBuffer).slice(0);
  if (branded(v, getter(DataView.prototype, "byteLength"))) {
    const dv = v as DataView;
    return new DataView(clone(dv.buffer, memory) as ArrayBuffer, dv.byteOffset, dv.byteLength);
  }
  const typed = typedArrayName.call(v) as string | undefined;
  if (typed !== undefined) {
    const ta = v as TypedArray;
    return new TYPED_ARRAYS[typed](clone(ta.buffer, memory) as ArrayBuffer, ta.byteOffset, ta.length);
  }
  if (branded(v, function (this: unknown) { Map.prototype.has.call(this as Map<unknown, unknown>, 0); })) {
    const m = new Map<unknown, unknown>();
    memory.set(v, m);
    for (const [k, x] of [...Map.prototype.entries.call(v as Map<unknown, unknown>)]) m.set(clone(k, memory), clone(x, memory));
    return m;
  }
  if (branded(v, function (this: unknown) { Set.prototype.has.call(this as Set<unknown>, 0); })) {
    const s = new Set<unknown>();
    memory.set(v, s);
    for (const x of [...Set.prototype.values.call(v as Set<unknown>)]) s.add(clone(x, memory));
    return s;
  }
  if (Object.prototype.toString.call(v) === "[object Error]" || v instanceof Error) return cloneError(v as Error, memory);
  if (REFUSED_TAGS.has(Object.prototype.toString.call(v).slice(8, -1)) || REFUSED.some((check) => branded(v, check))) throw dataCloneError(describe(v));
  // An ordinary object, a class instance included (its prototype is not kept, as in browsers).
  const out = {};
  memory.set(v, out);
  copyProperties(v, out, memory);
  return out;
}

/** § 2.7.3 step 26: own enumerable string-keyed properties, read (getters run) in order. */
function copyProperties(from: object, to: object, memory: Map<object, unknown>): void {
  for (const key of Object.keys(from)) {
    if (!Object.prototype.propertyIsEnumerable.call(from, key)) continue;
    (to as Record<string, unknown>)[key] = clone((from as Record<string, unknown>)[key], memory);
  }
}

/** § 2.7.3 step 18: the name if it is a native error's, else "Error"; message, cause, stack. */
function cloneError(e: Error, memory: Map<object, unknown>): Error {
  const name = String(e.name);
  const ctor = ERROR_CONSTRUCTORS[ERROR_NAMES.has(name) ? name : "Error"];
  const message = Object.getOwnPropertyDescriptor(e, "message");
  const out = message && "value" in message ? new ctor(String(message.value)) : new ctor();
  memory.set(e, out);
  if (Object.prototype.hasOwnProperty.call(e, "cause")) {
    Object.defineProperty(out, "cause", { value: clone((e as { cause?: unknown }).cause, memory), writable: true, configurable: true });
  }
  if (typeof e.stack === "string") Object.defineProperty(out, "stack", { value: e.stack, writable: true, configurable: true });
  return out;
}
