/**
 * Built-in type detection for `inspect` in plain ES2020, standing in for V8's util.types.
 *
 * Brand checks (calling a built-in accessor that throws on foreign objects) are exact but a throw
 * is expensive on the interpreter, so each check first looks at the Object.prototype.toString
 * tag (`hint`) and only runs the brand check when the tag agrees. When the tag cannot be trusted
 * (see slotTagUntrusted / protoTagUntrusted), `thorough` runs the brand check regardless.
 */

type Accessor = (this: unknown) => unknown;

function getter(proto: object, key: PropertyKey): Accessor | undefined {
  const desc = Object.getOwnPropertyDescriptor(proto, key);
  return desc === undefined ? undefined : (desc.get as Accessor | undefined);
}

function branded(fn: Accessor | undefined, value: object): boolean {
  if (fn === undefined) return false;
  try {
    fn.call(value);
    return true;
  } catch {
    return false;
  }
}

const objectToString = Object.prototype.toString;

// QuickJS builds may leave out BigInt or SharedArrayBuffer; every lookup tolerates their absence.
const globals = globalThis as unknown as Record<string, { prototype: object } | undefined>;
function protoOf(name: string): object | undefined {
  const ctor = globals[name];
  return ctor === undefined ? undefined : ctor.prototype;
}

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = getter(typedArrayProto, Symbol.toStringTag);
const typedArrayLength = getter(typedArrayProto, "length") as Accessor;
const mapSize = getter(Map.prototype, "size");
const setSize = getter(Set.prototype, "size");
const arrayBufferByteLength = getter(ArrayBuffer.prototype, "byteLength");
const sharedProto = protoOf("SharedArrayBuffer");
const sharedByteLength = sharedProto === undefined ? undefined : getter(sharedProto, "byteLength");
const regExpGlobal = getter(RegExp.prototype, "global");
const mapIteratorProto = Object.getPrototypeOf(new Map().entries()) as object;
const setIteratorProto = Object.getPrototypeOf(new Set().values()) as object;

function valueOfBrand(name: string): Accessor | undefined {
  const proto = protoOf(name);
  return proto === undefined ? undefined : ((proto as { valueOf: Accessor }).valueOf);
}
// [type, its tag, the brand-checking valueOf, whether the tag comes from an internal slot].
const boxed: ReadonlyArray<readonly [string, string, Accessor | undefined, boolean]> = [
  ["Number", "[object Number]", valueOfBrand("Number"), true],
  ["String", "[object String]", valueOfBrand("String"), true],
  ["Boolean", "[object Boolean]", valueOfBrand("Boolean"), true],
  ["BigInt", "[object BigInt]", valueOfBrand("BigInt"), false],
  ["Symbol", "[object Symbol]", valueOfBrand("Symbol"), false],
];

// Tags whose objects are what the tag says unless someone swapped prototypes: trusted as hints.
const knownTags = new Set<string>();
for (const name of [
  "Object", "Array", "Function", "Arguments", "Error", "Boolean", "Number", "String", "Date", "RegExp",
  "Map", "Set", "WeakMap", "WeakSet", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Promise",
  "Symbol", "BigInt", "Map Iterator", "Set Iterator", "Array Iterator", "String Iterator",
  "RegExp String Iterator", "Generator", "AsyncGenerator", "Math", "JSON", "Reflect", "Atomics",
  "Module", "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array", "Int8Array", "Int16Array",
  "Int32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
]) {
  knownTags.add(`[object ${name}]`);
}

/** The Object.prototype.toString tag used as the cheap first guess. */
export function hintOf(value: object): string {
  return objectToString.call(value);
}

/**
 * Array, Arguments, Error, Boolean, Number, String, Date and RegExp get their tag from internal
 * slots, so it survives a missing prototype; only a custom Symbol.toStringTag (an unfamiliar hint)
 * hides them.
 */
export function slotTagUntrusted(hint: string): boolean {
  return !knownTags.has(hint);
}

/** Map, Set, ArrayBuffer, Promise... get their tag from the prototype, lost with a null prototype. */
export function protoTagUntrusted(hint: string, constructor: string | null): boolean {
  return constructor === null || !knownTags.has(hint);
}

export function isMap(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object Map]") && branded(mapSize, value);
}

export function isSet(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object Set]") && branded(setSize, value);
}

/** The element type name ("Uint8Array") of a typed array, or undefined. Never throws. */
export function typedArrayName(value: object): string | undefined {
  if (!ArrayBuffer.isView(value) || typedArrayTag === undefined) return undefined;
  return typedArrayTag.call(value) as string | undefined;
}

export function typedArrayLengthOf(value: object): number {
  return typedArrayLength.call(value) as number;
}

export function isDataView(value: object): boolean {
  return ArrayBuffer.isView(value) && typedArrayName(value) === undefined;
}

/** "ArrayBuffer", "SharedArrayBuffer" or undefined. */
export function arrayBufferKind(value: object, hint: string, thorough: boolean): string | undefined {
  if ((thorough || hint === "[object ArrayBuffer]") && branded(arrayBufferByteLength, value)) return "ArrayBuffer";
  if ((thorough || hint === "[object SharedArrayBuffer]") && branded(sharedByteLength, value)) return "SharedArrayBuffer";
  return undefined;
}

export function isMapIterator(value: object, hint: string): boolean {
  return hint === "[object Map Iterator]" && Object.getPrototypeOf(value) === mapIteratorProto;
}

export function isSetIterator(value: object, hint: string): boolean {
  return hint === "[object Set Iterator]" && Object.getPrototypeOf(value) === setIteratorProto;
}

export function isRegExp(value: object, hint: string, thorough: boolean): boolean {
  if (!thorough && hint !== "[object RegExp]") return false;
  try {
    // The accessor throws for non-RegExps and returns undefined for RegExp.prototype itself.
    return typeof (regExpGlobal as Accessor).call(value) === "boolean";
  } catch {
    return false;
  }
}

export function isDate(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object Date]") && branded(Date.prototype.getTime as Accessor, value);
}

export function isError(value: object, hint: string): boolean {
  return hint === "[object Error]" || value instanceof Error;
}

/** Promises have no side-effect-free brand check in ES2020; instanceof is the best available. */
export function isPromise(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object Promise]") && value instanceof Promise;
}

/** `has` throws for a receiver without the brand and, given no key, only answers false. */
export function isWeakMap(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object WeakMap]") && branded(WeakMap.prototype.has as Accessor, value);
}

export function isWeakSet(value: object, hint: string, thorough: boolean): boolean {
  return (thorough || hint === "[object WeakSet]") && branded(WeakSet.prototype.has as Accessor, value);
}

export function isArguments(hint: string): boolean {
  return hint === "[object Arguments]";
}

/**
 * For boxed primitives: the type name and the primitive inside; undefined otherwise. Number,
 * String and Boolean boxes are slot-tagged, BigInt and Symbol boxes prototype-tagged.
 */
export function unbox(
  value: object,
  hint: string,
  slotThorough: boolean,
  protoThorough: boolean,
): { type: string; primitive: unknown } | undefined {
  for (const [type, tag, valueOf, slotTagged] of boxed) {
    if (((slotTagged ? slotThorough : protoThorough) || hint === tag) && valueOf !== undefined) {
      try {
        return { type, primitive: valueOf.call(value) };
      } catch {
        // Not this kind of box.
      }
    }
  }
  return undefined;
}

/** Function kinds Node names differently: "AsyncFunction", "GeneratorFunction"... */
export function functionType(fn: object): string {
  const hint = objectToString.call(fn);
  switch (hint) {
    case "[object AsyncFunction]":
      return "AsyncFunction";
    case "[object GeneratorFunction]":
      return "GeneratorFunction";
    case "[object AsyncGeneratorFunction]":
      return "AsyncGeneratorFunction";
  }
  return "Function";
}

// Node's "built-in" constructor names: the capitalised globals present when the runtime starts,
// before firmware code adds its own. They decide whose prototype properties `showHidden` lists
// and whether `%s` trusts an object's toString.
const builtInNames = new Set<string>();
for (const name of Object.getOwnPropertyNames(globalThis)) {
  if (/^[A-Z][a-zA-Z0-9]+$/.test(name)) builtInNames.add(name);
}

export function isBuiltInName(name: unknown): boolean {
  return typeof name === "string" && builtInNames.has(name);
}

export function mapSizeOf(value: object): number {
  return (mapSize as Accessor).call(value) as number;
}

export function setSizeOf(value: object): number {
  return (setSize as Accessor).call(value) as number;
}

let nativeConstructors: Set<unknown> | undefined;

/**
 * Whether a function whose source text is unavailable is a class. Firmware images are bytecode
 * without source, so Function.prototype.toString gives "function X() { [native code] }" for every
 * function, classes included. A class still differs by its read-only `prototype`, which among
 * other functions only built-in constructors have; those are recognised by identity.
 */
export function isSourcelessClass(fn: object, source: string): boolean {
  if (source.indexOf("[native code]") === -1) return false;
  const desc = Object.getOwnPropertyDescriptor(fn, "prototype");
  if (desc === undefined || desc.writable !== false) return false;
  if (nativeConstructors === undefined) nativeConstructors = collectNativeConstructors();
  return !nativeConstructors.has(fn);
}

function collectNativeConstructors(): Set<unknown> {
  const found = new Set<unknown>();
  const namespaces: object[] = [];
  // Data properties only: reading accessors on globalThis could run host code.
  const visit = (holder: object, nested: boolean): void => {
    for (const name of Object.getOwnPropertyNames(holder)) {
      const desc = Object.getOwnPropertyDescriptor(holder, name);
      const value: unknown = desc === undefined ? undefined : desc.value;
      if (typeof value === "function") found.add(value);
      else if (!nested && typeof value === "object" && value !== null && value !== holder) namespaces.push(value);
    }
  };
  visit(globalThis, false);
  for (const namespace of namespaces) visit(namespace, true); // Intl, WebAssembly, Reflect...
  // Constructors reachable only through prototypes.
  found.add(Object.getPrototypeOf(Uint8Array));
  for (const sample of [function* () {}, async function () {}, async function* () {}]) {
    found.add((Object.getPrototypeOf(sample) as { constructor: unknown }).constructor);
  }
  return found;
}
