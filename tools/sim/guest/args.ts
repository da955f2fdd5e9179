/**
 * The native HAL's argument checks (hal/native/args.h), for the simulator's `hal`: integer
 * Numbers only, so that undefined or NaN is never address 0 and 2^32 + n never n. The same
 * errors, with the same messages, as the target.
 */

function typeName(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return "a boolean";
    case "string":
      return "a string";
    case "symbol":
      return "a symbol";
    case "bigint":
      return "a BigInt";
    default:
      return "an object";
  }
}

/** A double for messages, as args.h's tsm_arg_clamp prints it with %lld. */
export function clamp(d: number): string {
  if (d >= 9.2e18) return "9200000000000000000";
  if (d <= -9.2e18) return "-9200000000000000000";
  return BigInt(d).toString();
}

export function integerArg(v: unknown, fn: string, what: string): number {
  if (typeof v !== "number") throw new TypeError(`${fn}: ${what} must be a number, not ${typeName(v)}`);
  if (Number.isNaN(v)) throw new RangeError(`${fn}: ${what} is NaN, not an integer`);
  if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${what} is ${v < 0 ? "-" : ""}Infinity, not an integer`);
  if (!Number.isInteger(v)) throw new RangeError(`${fn}: ${what} is not an integer (${clamp(Math.trunc(v))} and a fraction)`);
  return v;
}

/** A value for an access `bits` wide; for 32 bits also the negative int32s of JS's bitwise operators. */
export function valueArg(v: unknown, fn: string, bits: 8 | 16 | 32): number {
  const d = integerArg(v, fn, "value");
  const max = 2 ** bits - 1;
  const min = bits === 32 ? -(2 ** 31) : 0;
  if (d < min || d > max) throw new RangeError(`${fn}: value ${clamp(d)} does not fit in ${bits} bits`);
  return d >>> 0;
}

/** A physical address on a 32-bit machine (the simulator's are), as hal-module.c's get_address. */
export function addressArg(v: unknown, fn: string, align: number): number {
  const a = integerArg(v, fn, "address");
  if (a < 0) throw new RangeError(`mmio address ${clamp(a)} is negative`);
  if (a > 0xffff_ffff) {
    throw new RangeError(`mmio address ${a < 2 ** 64 ? `0x${BigInt(a).toString(16)}` : "2^64 or more"} is outside the address space`);
  }
  if (a % align) throw new RangeError(`mmio address 0x${a.toString(16)} is not ${align}-byte aligned`);
  return a;
}

/** An x86 I/O port, as hal/native/port-io.c's get_port. */
export function portArg(v: unknown, fn: string, size: number): number {
  const p = integerArg(v, fn, "port");
  if (p < 0 || p > 0xffff - (size - 1)) throw new RangeError(`I/O port ${clamp(p)} is outside 0..0xffff`);
  if (p % size) throw new RangeError(`I/O port 0x${p.toString(16)} is not ${size}-byte aligned`);
  return p;
}
