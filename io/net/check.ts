/**
 * Option checking for the network and the socket classes: an options object is checked key by
 * key, and what is wrong is a TypeError (unknown option, wrong type) or a RangeError (a value out
 * of range) naming the option, before anything is opened (ECMA-419 2nd edition, IO class pattern:
 * the constructor validates its options object).
 */
import { parseIpv4 } from "../../stacks/net/address.ts";

/** The object form of `options`, after refusing anything that is not an object. */
export function optionsObject(who: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TypeError(`${who}: options must be an object, not ${describe(options)}`);
  return options as Record<string, unknown>;
}

/** Refuses any own key of `options` that is not in `allowed`. */
export function checkKeys(who: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${who}: unknown option "${key}" (options: ${allowed.join(", ")})`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

/** A dotted-quad string, returned as the stack's number. */
export function checkAddress(who: string, name: string, value: unknown): number {
  if (typeof value !== "string") throw new TypeError(`${who}: ${name} must be a dotted-quad string, not ${describe(value)}`);
  try {
    return parseIpv4(value);
  } catch {
    throw new RangeError(`${who}: ${name} is not an IPv4 address: ${JSON.stringify(value)}`);
  }
}

/** An integer port in min..65535. */
export function checkPort(who: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number") throw new TypeError(`${who}: ${name} must be a number, not ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > 65535) throw new RangeError(`${who}: ${name} must be an integer ${min}..65535, not ${value}`);
  return value;
}

export function checkBoolean(who: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new TypeError(`${who}: ${name} must be a boolean, not ${describe(value)}`);
  return value;
}

/** An optional callback; absent is undefined. */
export function checkCallback<F>(who: string, name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new TypeError(`${who}: ${name} must be a function, not ${describe(value)}`);
  return value as F;
}

/**
 * ECMA-419 `format`: the socket classes read and write buffers only ("buffer", the default);
 * any other format ("number", "string;ascii", ...) is a RangeError.
 */
export function checkFormat(who: string, value: unknown, only: string): void {
  if (value === undefined || value === only) return;
  if (typeof value !== "string") throw new TypeError(`${who}: format must be a string, not ${describe(value)}`);
  throw new RangeError(`${who}: format ${JSON.stringify(value)} is not supported (only "${only}")`);
}

/** The bytes of an ArrayBuffer or a view on one (a copy is not made: the caller copies). */
export function bytesOf(who: string, value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${who}: data must be an ArrayBuffer or an ArrayBufferView, not ${describe(value)}`);
}

/** A copy of `bytes` in an ArrayBuffer of its exact length (what read() returns). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}
