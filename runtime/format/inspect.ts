/**
 * `inspect(value)`: the text Node 20's `util.inspect(value)` prints, produced in plain ES2020 so
 * the firmware console looks like Node's. The structure mirrors Node's lib/internal/util/inspect.js
 * (formatValue → formatRaw → formatter + formatProperty → reduceToSingleString) because exact
 * output depends on its order of checks. What plain JS cannot see is listed at the end of this file.
 *
 * Helpers: inspect-text.ts (quoting, numbers, widths), inspect-layout.ts (line breaking and
 * column grouping), inspect-brand.ts (built-in type checks), inspect-error.ts (errors).
 */
import {
  arrayBufferKind,
  functionType,
  hintOf,
  isArguments,
  isBuiltInName,
  isDataView,
  isDate,
  isError,
  isMap,
  isMapIterator,
  isPromise,
  isRegExp,
  isSet,
  isSourcelessClass,
  isSetIterator,
  isWeakMap,
  isWeakSet,
  mapSizeOf,
  protoTagUntrusted,
  setSizeOf,
  slotTagUntrusted,
  typedArrayLengthOf,
  typedArrayName,
  unbox,
} from "./inspect-brand.ts";
import { formatError } from "./inspect-error.ts";
import { kArrayExtrasType, kArrayType, kObjectType, reduceToSingleString } from "./inspect-layout.ts";
import type { LayoutContext } from "./inspect-layout.ts";
import { escapeText, formatBigInt, formatNumber, formatPrimitive, getPrefix, quote, stringWidth } from "./inspect-text.ts";
import type { PrimitiveContext } from "./inspect-text.ts";

/** The subset of Node's util.inspect options this runtime honours; defaults are Node's. */
export interface InspectOptions {
  /** Levels of nesting to show; null for unlimited. Default 2. */
  depth?: number | null;
  /** Also show non-enumerable properties and user prototype accessors. Default false. */
  showHidden?: boolean;
  /** Inner levels combined on one line (or true/false for Node's other modes). Default 3. */
  compact?: number | boolean;
  /** Line length at which entries break onto separate lines. Default 80. */
  breakLength?: number;
  /** Array, Set, Map and typed-array entries shown; null for all. Default 100. */
  maxArrayLength?: number | null;
  /** Characters of a string shown; null for all. Default 10000. */
  maxStringLength?: number | null;
  /** Honour `[inspect.custom]` methods. Default true. */
  customInspect?: boolean;
}

/** What an `[inspect.custom](depth, options, inspect)` method receives as options. */
export interface CustomInspectOptions extends InspectOptions {
  colors: false;
  stylize(text: string, styleType: string): string;
}

/** Node's `util.inspect.custom`: objects may define `[inspect.custom]()` to print themselves. */
const customInspectSymbol: symbol = Symbol.for("nodejs.util.inspect.custom");

interface Context extends LayoutContext, PrimitiveContext {
  indentationLvl: number;
  readonly depth: number | null;
  readonly showHidden: boolean;
  readonly customInspect: boolean;
  readonly options: InspectOptions | undefined;
  seen: object[];
  circular: Map<object, number> | undefined;
}

type Formatter = (ctx: Context, value: object, recurseTimes: number) => string[];
type Rec = Record<PropertyKey, unknown>;

const defaults: PrimitiveContext = { compact: 3, breakLength: 80, indentationLvl: 0, maxStringLength: 10000 };
const hasOwn = (o: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(o, key);
const isEnumerable = (o: object, key: PropertyKey): boolean => Object.prototype.propertyIsEnumerable.call(o, key);
const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const numberRegExp = /^(0|[1-9][0-9]*)$/;
const classRegExp = /^(\s+[^(]*?)\s*{/;
const stripCommentsRegExp = /(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g;
const noEntries: Formatter = () => [];

/** Format any value as Node's util.inspect would (default options unless given). */
export function inspect(value: unknown, options?: InspectOptions): string {
  // Primitives are the common case: no context object, no recursion.
  if (options === undefined && typeof value !== "object" && typeof value !== "function") {
    return formatPrimitive(value, defaults);
  }
  const o = options || {};
  const ctx: Context = {
    depth: o.depth === undefined ? 2 : o.depth,
    showHidden: o.showHidden === true,
    compact: o.compact === undefined ? 3 : o.compact,
    breakLength: o.breakLength === undefined ? 80 : o.breakLength,
    maxArrayLength: o.maxArrayLength === undefined ? 100 : o.maxArrayLength === null ? Infinity : o.maxArrayLength,
    maxStringLength:
      o.maxStringLength === undefined ? 10000 : o.maxStringLength === null ? Infinity : o.maxStringLength,
    customInspect: o.customInspect !== false,
    options,
    indentationLvl: 0,
    currentDepth: 0,
    seen: [],
    circular: undefined,
  };
  return formatValue(ctx, value, 0, false);
}
inspect.custom = customInspectSymbol;

function optionsOf(ctx: Context): CustomInspectOptions {
  return {
    depth: ctx.depth,
    showHidden: ctx.showHidden,
    compact: ctx.compact,
    breakLength: ctx.breakLength,
    maxArrayLength: ctx.maxArrayLength,
    maxStringLength: ctx.maxStringLength,
    customInspect: ctx.customInspect,
    ...ctx.options,
    colors: false,
    stylize: (text: string) => text,
  };
}

function formatValue(ctx: Context, value: unknown, recurseTimes: number, typedArray: boolean): string {
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(value, ctx);
  if (value === null) return "null";
  let isArray: boolean;
  try {
    isArray = Array.isArray(value);
  } catch {
    // Only a revoked Proxy makes Array.isArray throw.
    return "<Revoked Proxy>";
  }

  if (ctx.customInspect) {
    const custom = (value as Rec)[customInspectSymbol];
    // Skip prototype objects (Foo.prototype has Foo's method but is not an instance).
    if (typeof custom === "function" && custom !== inspect && !isPrototypeObject(value)) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const ret: unknown = custom.call(value, depth, optionsOf(ctx), inspect);
      if (ret !== value) {
        if (typeof ret !== "string") return formatValue(ctx, ret, recurseTimes, false);
        return ret.split("\n").join(`\n${" ".repeat(ctx.indentationLvl)}`);
      }
    }
  }

  if (ctx.seen.indexOf(value) !== -1) {
    let index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new Map([[value, index]]);
    } else {
      const known = ctx.circular.get(value);
      if (known === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      } else {
        index = known;
      }
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray, isArray);
}

function isPrototypeObject(value: object): boolean {
  const ctor = (value as Rec).constructor as { prototype?: unknown } | undefined;
  return !!ctor && ctor.prototype === value;
}

function formatRaw(ctx: Context, value: object, recurseTimes: number, typedArray: boolean, isArray: boolean): string {
  let protoProps: string[] | undefined;
  if (ctx.showHidden && (ctx.depth === null || recurseTimes <= ctx.depth)) protoProps = [];
  const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
  if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;

  // An own (enumerable) tag is printed as a property, so it is not repeated in the prefix.
  const rawTag = (value as Rec)[Symbol.toStringTag];
  let tag = "";
  if (typeof rawTag === "string" && !(ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag)) {
    tag = rawTag;
  }
  const hint = hintOf(value);
  const slotThorough = slotTagUntrusted(hint);
  const protoThorough = protoTagUntrusted(hint, constructor);

  let base = "";
  let formatter = noEntries;
  let braces = ["{", "}"];
  let keys: PropertyKey[] = [];
  let extrasType = kObjectType;
  let noIterator = true;
  // Stands in for V8's internal class name, shown for null-prototype values ("[Array: null prototype]").
  let internal = "Object";

  if (Symbol.iterator in value || constructor === null) {
    noIterator = false;
    let taName: string | undefined;
    if (isArray) {
      internal = "Array";
      const length = (value as unknown[]).length;
      const prefix = constructor !== "Array" || tag !== "" ? getPrefix(constructor, tag, "Array", `(${length})`) : "";
      keys = nonIndexKeys(value, ctx.showHidden);
      braces = [`${prefix}[`, "]"];
      if (length === 0 && keys.length === 0 && protoProps === undefined) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (isSet(value, hint, protoThorough)) {
      internal = "Set";
      const size = setSizeOf(value);
      const prefix = getPrefix(constructor, tag, "Set", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      const entries = constructor !== null ? (value as Set<unknown>) : Set.prototype.values.call(value);
      formatter = (c, _v, r) => formatSet(c, entries, size, r);
      if (size === 0 && keys.length === 0 && protoProps === undefined) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (isMap(value, hint, protoThorough)) {
      internal = "Map";
      const size = mapSizeOf(value);
      const prefix = getPrefix(constructor, tag, "Map", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      const entries = constructor !== null ? (value as Map<unknown, unknown>) : Map.prototype.entries.call(value);
      formatter = (c, _v, r) => formatMap(c, entries, size, r);
      if (size === 0 && keys.length === 0 && protoProps === undefined) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if ((taName = typedArrayName(value)) !== undefined) {
      internal = taName;
      keys = nonIndexKeys(value, ctx.showHidden);
      const size = typedArrayLengthOf(value);
      const prefix = getPrefix(constructor, tag, constructor === null ? taName : "", `(${size})`);
      braces = [`${prefix}[`, "]"];
      if ((value as { length?: unknown }).length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
      formatter = (c, v, r) => formatTypedArray(c, v, size, r);
      extrasType = kArrayExtrasType;
    } else if (isMapIterator(value, hint) || isSetIterator(value, hint)) {
      // Node previews the remaining entries through V8; plain JS cannot without consuming them.
      keys = getKeys(value, ctx.showHidden);
      braces = iteratorBraces(isMapIterator(value, hint) ? "Map" : "Set", tag);
      formatter = () => ["<items unknown>"];
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    keys = getKeys(value, ctx.showHidden);
    braces = ["{", "}"];
    let kind: string | undefined;
    let box: ReturnType<typeof unbox>;
    if (typeof value === "function") {
      internal = "Function";
      base = functionBase(value, constructor, tag);
      if (keys.length === 0 && protoProps === undefined) return base;
    } else if (constructor === "Object") {
      if (isArguments(hint)) braces[0] = "[Arguments] {";
      else if (tag !== "") braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
      if (keys.length === 0 && protoProps === undefined) return `${braces[0]}}`;
    } else if (isRegExp(value, hint, slotThorough)) {
      internal = "RegExp";
      base = RegExp.prototype.toString.call(constructor !== null ? value : new RegExp(value as RegExp));
      const prefix = getPrefix(constructor, tag, "RegExp");
      if (prefix !== "RegExp ") base = `${prefix}${base}`;
      if ((keys.length === 0 && protoProps === undefined) || (ctx.depth !== null && recurseTimes > ctx.depth)) {
        return base;
      }
    } else if (isDate(value, hint, slotThorough)) {
      internal = "Date";
      const time = Date.prototype.getTime.call(value);
      base = time !== time ? Date.prototype.toString.call(value) : Date.prototype.toISOString.call(value);
      const prefix = getPrefix(constructor, tag, "Date");
      if (prefix !== "Date ") base = `${prefix}${base}`;
      if (keys.length === 0 && protoProps === undefined) return base;
    } else if (isError(value, hint)) {
      internal = "Error";
      base = formatError(value, constructor, tag, ctx, keys);
      if (keys.length === 0 && protoProps === undefined) return base;
    } else if ((kind = arrayBufferKind(value, hint, protoThorough)) !== undefined) {
      internal = kind;
      const prefix = getPrefix(constructor, tag, kind);
      if (!typedArray) {
        formatter = formatArrayBuffer;
      } else if (keys.length === 0 && protoProps === undefined) {
        // The buffer behind a typed array shown with showHidden: its size says enough.
        return `${prefix}{ byteLength: ${formatNumber((value as ArrayBuffer).byteLength)} }`;
      }
      braces[0] = `${prefix}{`;
      keys.unshift("byteLength");
    } else if (isDataView(value)) {
      internal = "DataView";
      braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
      keys.unshift("byteLength", "byteOffset", "buffer");
    } else if (isPromise(value, hint, protoThorough)) {
      internal = "Promise";
      // A promise's state is internal; plain JS can only observe it asynchronously.
      braces[0] = `${getPrefix(constructor, tag, "Promise")}{`;
      formatter = () => ["<pending>"];
    } else if (isWeakSet(value, hint, protoThorough)) {
      internal = "WeakSet";
      braces[0] = `${getPrefix(constructor, tag, "WeakSet")}{`;
      formatter = () => ["<items unknown>"];
    } else if (isWeakMap(value, hint, protoThorough)) {
      internal = "WeakMap";
      braces[0] = `${getPrefix(constructor, tag, "WeakMap")}{`;
      formatter = () => ["<items unknown>"];
    } else if ((box = unbox(value, hint, slotThorough, protoThorough)) !== undefined) {
      internal = box.type;
      base = boxedBase(ctx, box.type, box.primitive, keys, constructor, tag);
      if (keys.length === 0 && protoProps === undefined) return base;
    } else {
      if (keys.length === 0 && protoProps === undefined) return `${ctxStyle(constructor, tag, internal)}{}`;
      braces[0] = `${ctxStyle(constructor, tag, internal)}{`;
    }
  }

  if (ctx.depth !== null && recurseTimes > ctx.depth) {
    const name = ctxStyle(constructor, tag, internal).slice(0, -1);
    return constructor !== null ? `[${name}]` : name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output: string[];
  const indentationLvl = ctx.indentationLvl;
  try {
    output = formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    }
    if (protoProps !== undefined) output.push(...protoProps);
  } catch (err) {
    if (!isStackOverflow(err)) throw err;
    ctx.seen.pop();
    ctx.indentationLvl = indentationLvl;
    const name = ctxStyle(constructor, tag, internal).slice(0, -1);
    return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      if (ctx.compact !== true) base = base === "" ? reference : `${reference} ${base}`;
      else braces[0] = `${reference} ${braces[0]}`;
    }
  }
  ctx.seen.pop();
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

/**
 * Node's getConstructorName: the name of the first constructor up the prototype chain that the
 * value is an instance of; null for a null-prototype object. With showHidden it also collects
 * the accessor/data properties of user-defined prototypes into `protoProps`.
 */
function getConstructorName(
  obj: object,
  ctx: Context,
  recurseTimes: number,
  protoProps: string[] | undefined,
): string | null {
  let firstProto: object | null | undefined;
  let cur: object | null = obj;
  while (cur !== null) {
    // Object.prototype and Function.prototype are trusted even if their `constructor` was replaced.
    if (cur === Object.prototype || cur === Function.prototype) {
      const known = cur === Object.prototype ? Object : Function;
      if (obj instanceof known) {
        if (protoProps !== undefined && firstProto !== cur) {
          addPrototypeProperties(ctx, obj, firstProto || obj, recurseTimes, protoProps);
        }
        return known.name;
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(cur, "constructor");
    const ctor: unknown = descriptor === undefined ? undefined : descriptor.value;
    if (typeof ctor === "function" && ctor.name !== "" && isInstanceof(obj, ctor)) {
      if (protoProps !== undefined && (firstProto !== cur || !isBuiltInName(ctor.name))) {
        addPrototypeProperties(ctx, obj, firstProto || obj, recurseTimes, protoProps);
      }
      return String(ctor.name);
    }
    cur = Object.getPrototypeOf(cur) as object | null;
    if (firstProto === undefined) firstProto = cur;
  }
  if (firstProto === null || firstProto === undefined) return null;

  // V8 reports the class the object was created from; plain JS only knows it is an object.
  const res = "Object";
  if (ctx.depth !== null && recurseTimes > ctx.depth) return `${res} <Complex prototype>`;
  const protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
  if (protoConstr === null) {
    const shown = inspect(firstProto, { ...optionsOf(ctx), customInspect: false, depth: -1 });
    return `${res} <${shown}>`;
  }
  return `${res} <${protoConstr}>`;
}

function isInstanceof(obj: object, ctor: Function): boolean {
  try {
    return obj instanceof ctor;
  } catch {
    return false;
  }
}

/** showHidden: list non-method properties of up to three user-defined prototype levels. */
function addPrototypeProperties(ctx: Context, main: object, obj: object, recurseTimes: number, output: string[]): void {
  let depth = 0;
  let keys: PropertyKey[] = [];
  let keySet = new Set<PropertyKey>();
  let cur = obj;
  do {
    if (depth !== 0 || main === cur) {
      const next = Object.getPrototypeOf(cur) as object | null;
      if (next === null) return;
      cur = next;
      const descriptor = Object.getOwnPropertyDescriptor(cur, "constructor");
      if (descriptor !== undefined && typeof descriptor.value === "function" && isBuiltInName(descriptor.value.name)) {
        return;
      }
    }
    if (depth === 0) keySet = new Set();
    else for (const key of keys) keySet.add(key);
    keys = Reflect.ownKeys(cur);
    ctx.seen.push(main);
    for (const key of keys) {
      if (key === "constructor" || hasOwn(main, key) || (depth !== 0 && keySet.has(key))) continue;
      const desc = Object.getOwnPropertyDescriptor(cur, key) as PropertyDescriptor;
      if (typeof desc.value === "function") continue;
      output.push(formatProperty(ctx, cur, recurseTimes, key, kObjectType, desc));
    }
    ctx.seen.pop();
  } while (++depth !== 3);
}

/** "Foo " / "[Object: null prototype] " — the prefix of a plain-looking object. */
function ctxStyle(constructor: string | null, tag: string, internal: string): string {
  let fallback = "";
  if (constructor === null) {
    fallback = internal === tag ? "Object" : internal;
  }
  return getPrefix(constructor, tag, fallback);
}

function getKeys(value: object, showHidden: boolean): PropertyKey[] {
  const symbols = Object.getOwnPropertySymbols(value);
  const keys: PropertyKey[] = showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
  for (const symbol of symbols) {
    if (showHidden || isEnumerable(value, symbol)) keys.push(symbol);
  }
  return keys;
}

/** Own keys that are not array indices (for arrays and typed arrays). */
function nonIndexKeys(value: object, showHidden: boolean): PropertyKey[] {
  const names = showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
  // Own-key order puts every array index first, so the other names are a suffix.
  let start = names.length;
  while (start > 0 && !isArrayIndex(names[start - 1])) start--;
  const keys: PropertyKey[] = names.slice(start);
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (showHidden || isEnumerable(value, symbol)) keys.push(symbol);
  }
  return keys;
}

function isArrayIndex(key: string): boolean {
  return numberRegExp.test(key) && +key < 4294967295;
}

function remainingText(remaining: number): string {
  return `... ${remaining} more item${remaining > 1 ? "s" : ""}`;
}

function formatArray(ctx: Context, value: object, recurseTimes: number): string[] {
  const valLen = (value as unknown[]).length;
  const len = Math.min(Math.max(0, ctx.maxArrayLength), valLen);
  const remaining = valLen - len;
  const output: string[] = [];
  for (let i = 0; i < len; i++) {
    if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
    output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (remaining > 0) output.push(remainingText(remaining));
  return output;
}

/** Sparse arrays: runs of holes become "<n empty items>". */
function formatSpecialArray(
  ctx: Context,
  value: object,
  recurseTimes: number,
  maxLength: number,
  output: string[],
  i: number,
): string[] {
  const keys = Object.keys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    const tmp = +key;
    if (tmp > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!numberRegExp.test(key)) break;
      const emptyItems = tmp - index;
      output.push(`<${emptyItems} empty item${emptyItems > 1 ? "s" : ""}>`);
      index = tmp;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = (value as unknown[]).length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? "s" : ""}>`);
  } else if (remaining > 0) {
    output.push(remainingText(remaining));
  }
  return output;
}

function formatTypedArray(ctx: Context, value: object, length: number, recurseTimes: number): string[] {
  const items = value as { [index: number]: number | bigint };
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const remaining = length - maxLength;
  const output: string[] = new Array(maxLength);
  const numbers = length > 0 && typeof items[0] === "number";
  for (let i = 0; i < maxLength; ++i) {
    output[i] = numbers ? formatNumber(items[i] as number) : formatBigInt(items[i] as bigint);
  }
  if (remaining > 0) output[maxLength] = remainingText(remaining);
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    for (const key of ["BYTES_PER_ELEMENT", "length", "byteLength", "byteOffset", "buffer"]) {
      output.push(`[${key}]: ${formatValue(ctx, (value as Rec)[key], recurseTimes, true)}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBuffer(ctx: Context, value: object): string[] {
  let buffer: Uint8Array;
  try {
    buffer = new Uint8Array(value as ArrayBuffer);
  } catch {
    return ["(detached)"];
  }
  const shown = Math.min(ctx.maxArrayLength, buffer.length);
  let str = "";
  for (let i = 0; i < shown; i++) {
    const byte = buffer[i];
    str += (i === 0 ? "" : " ") + (byte < 16 ? "0" : "") + byte.toString(16);
  }
  const remaining = buffer.length - ctx.maxArrayLength;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
  return [`[Uint8Contents]: <${str}>`];
}

function formatSet(ctx: Context, entries: Iterable<unknown>, size: number, recurseTimes: number): string[] {
  return formatEntries(ctx, entries, size, (v) => formatValue(ctx, v, recurseTimes, false));
}

function formatMap(ctx: Context, entries: Iterable<[unknown, unknown]>, size: number, recurseTimes: number): string[] {
  return formatEntries(ctx, entries, size, (e) => `${formatValue(ctx, e[0], recurseTimes, false)} => ${formatValue(ctx, e[1], recurseTimes, false)}`);
}

/** The first maxArrayLength of a Set's or Map's `size` entries, one level further in, then how many more. */
function formatEntries<T>(ctx: Context, entries: Iterable<T>, size: number, format: (entry: T) => string): string[] {
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const entry of entries) {
    if (i >= maxLength) break;
    output.push(format(entry));
    i++;
  }
  if (size > maxLength) output.push(remainingText(size - maxLength));
  ctx.indentationLvl -= 2;
  return output;
}

function iteratorBraces(type: string, tag: string): string[] {
  if (tag !== `${type} Iterator`) {
    if (tag !== "") tag += "] [";
    tag += `${type} Iterator`;
  }
  return [`[${tag}] {`, "}"];
}

/** One "key: value" entry (or just the value for array items). */
function formatProperty(
  ctx: Context,
  value: object,
  recurseTimes: number,
  key: PropertyKey,
  type: number,
  desc?: PropertyDescriptor,
): string {
  let str: string;
  let extra = " ";
  desc = desc || Object.getOwnPropertyDescriptor(value, key) || { value: (value as Rec)[key], enumerable: true };
  if (desc.value !== undefined) {
    const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes, false);
    if (diff === 3 && ctx.breakLength < stringWidth(str)) extra = `\n${" ".repeat(ctx.indentationLvl)}`;
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else if (desc.set !== undefined) {
    str = "[Setter]";
  } else {
    str = "undefined";
  }
  if (type === kArrayType) return str;
  let name: string;
  if (typeof key === "symbol") name = `[${escapeText(key.toString(), true)}]`;
  else if (key === "__proto__") name = "['__proto__']";
  else if (desc.enumerable === false) name = `[${escapeText(String(key), true)}]`;
  else if (keyStrRegExp.test(String(key))) name = String(key);
  else name = quote(String(key));
  return `${name}:${extra}${str}`;
}

/** "[Function: f]", "[AsyncFunction (anonymous)]", "[class B extends A]"... */
function functionBase(value: Function, constructor: string | null, tag: string): string {
  const source = Function.prototype.toString.call(value);
  if (source.slice(0, 5) === "class" && source[source.length - 1] === "}") {
    const slice = source.slice(5, -1);
    const bracketIndex = slice.indexOf("{");
    if (
      bracketIndex !== -1 &&
      (slice.slice(0, bracketIndex).indexOf("(") === -1 ||
        classRegExp.test(slice.replace(stripCommentsRegExp, "")))
    ) {
      return classBase(value, constructor, tag);
    }
  } else if (isSourcelessClass(value, source)) {
    return classBase(value, constructor, tag);
  }
  const type = functionType(value);
  let base = `[${type}`;
  if (constructor === null) base += " (null prototype)";
  const name: unknown = value.name;
  base += name === "" ? " (anonymous)" : `: ${String(name)}`;
  base += "]";
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function classBase(value: Function, constructor: string | null, tag: string): string {
  const name = (hasOwn(value, "name") && value.name) || "(anonymous)";
  let base = `class ${name}`;
  if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName: unknown = (Object.getPrototypeOf(value) as Rec).name;
    if (superName) base += ` extends ${String(superName)}`;
  } else {
    base += " extends [null prototype]";
  }
  return `[${base}]`;
}

/** "[Number: 3]", "[String: 'ab']", "[Symbol: Symbol(x)]"... */
function boxedBase(
  ctx: Context,
  type: string,
  primitive: unknown,
  keys: PropertyKey[],
  constructor: string | null,
  tag: string,
): string {
  // A String box's index keys repeat its characters.
  if (type === "String") keys.splice(0, (primitive as string).length);
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
  base += `: ${formatPrimitive(primitive, ctx)}]`;
  if (tag !== "" && tag !== constructor) base += ` [${tag}]`;
  return base;
}

/** V8 throws RangeError "Maximum call stack size exceeded", QuickJS InternalError "stack overflow". */
function isStackOverflow(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  return (
    (name === "RangeError" && message === "Maximum call stack size exceeded") ||
    (name === "InternalError" && message === "stack overflow")
  );
}

/*
 * Known differences from Node 20, all from what plain ES2020 cannot observe:
 * - Promises always print `Promise { <pending> }`: their state is internal (Node shows the value
 *   or `<rejected> reason`). A promise with a null prototype is not recognised at all.
 * - Map/Set iterators print `[Map Iterator] { <items unknown> }`: previewing would consume them.
 *   WeakMap/WeakSet print `<items unknown>` even with showHidden (Node lists the entries).
 * - A Proxy is inspected through its traps, as if it were its target (Node reads the target
 *   directly, so traps that change what is seen make a difference). showProxy is not supported.
 * - A null-prototype object shows its kind ("[Array: null prototype]") or "Object" where V8 can
 *   name the exact class it was created from; objects whose prototype was swapped for an
 *   unrelated one are classified by their Symbol.toStringTag.
 * - Errors: QuickJS stacks hold only frames, so the "Name: message" line is rebuilt from the
 *   error when printed (V8 records it at construction: the two differ only if name or message
 *   changed since). Frames are QuickJS's ("    at f (main.js:3)"); there is no `cause` option.
 * - Column alignment of non-ASCII text follows Node's non-ICU width table; Node 20 asks ICU,
 *   which can disagree for rare characters.
 * - Functions: hidden own properties (showHidden, %o) are the engine's (QuickJS has no
 *   `arguments`/`caller`); without source text a class is told apart by its read-only prototype.
 * - Options beyond InspectOptions (colors, sorted, getters, numericSeparator, showProxy) are
 *   not supported.
 */
