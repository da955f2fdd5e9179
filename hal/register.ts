/**
 * The shared memory-mapped register API.
 *
 * A register block is declared once per IP block, with named fields, in the style of
 * tock-registers / svd2rust, so that driver code reads like the datasheet:
 *
 *   const UART = defineRegisters({ FR: register(0x18, { BUSY: field(3), TXFF: field(5) }) });
 *   const r = UART.at(base, bus);
 *   r.FR.TXFF.get(); r.FR.waitUntil("BUSY", 0);
 *
 * Performance: this runs on an interpreter, so every mask and shift is computed when the block is
 * declared, a block instance is built once per driver instance, and reads, writes and field
 * accesses allocate nothing. Width-specific accessors are subclasses rather than a switch or a
 * stored function, so a register access costs one method call plus one bus call.
 *
 * This module never imports the native "hal" module (host tests run it in Node): the default bus
 * is installed by hal/mmio-bus.ts, or a bus is passed to `at()`.
 */
/** What registers are read and written through: the native `mmio` object, or a MemoryBus. */
export interface RegisterBus {
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
}

export type RegisterWidth = 8 | 16 | 32;

/** A bit field: `shift` is the lowest bit, `mask` is in place (already shifted), `max` is not. */
export interface FieldSpec {
  readonly shift: number;
  readonly width: number;
  readonly mask: number;
  readonly max: number;
}

export type FieldMap = { readonly [name: string]: FieldSpec };

/** Values for some of a register's fields, by name: `{ WLEN: 3, FEN: 1 }`. */
export type FieldValues<F extends FieldMap> = { readonly [K in keyof F]?: number };

/** Member names of register declarations and instances; a field may not use them. */
const RESERVED_FIELD_NAMES = [
  "offset", "width", "fields", "encode", "name", "addr", "bus", "spec",
  "read", "write", "set", "clear", "modify", "writeFields", "waitUntil",
] as const;
type ReservedFieldName = (typeof RESERVED_FIELD_NAMES)[number];
type NoReservedFields = { readonly [K in ReservedFieldName]?: never };

/** A field at bit `shift`, `width` bits wide (default 1). */
export function field(shift: number, width = 1): FieldSpec {
  if (!isIntIn(shift, 0, 31) || !isIntIn(width, 1, 32 - shift)) {
    throw new RangeError(`field(${shift}, ${width}): bits must lie within 0..31`);
  }
  const max = 2 ** width - 1;
  return { shift, width, mask: (max << shift) >>> 0, max };
}

/** A register declaration: offset in the block, access width, fields. */
export interface RegisterSpec<F extends FieldMap> {
  readonly offset: number;
  readonly width: RegisterWidth;
  readonly fields: F;
  /** The register value with the given fields set and all others 0. */
  encode(values: FieldValues<F>): number;
}

/** A register at `offset`; `options.width` is 8, 16 or 32 (default 32) bits. */
export function register<const F extends FieldMap = {}>(
  offset: number,
  fields?: F & NoReservedFields,
  options?: { readonly width?: RegisterWidth },
): RegisterSpec<F> {
  const width = options?.width ?? 32;
  if (width !== 8 && width !== 16 && width !== 32) throw new RangeError(`register width ${width} is not 8, 16 or 32`);
  if (!isIntIn(offset, 0, 0xffff_ffff) || offset % (width / 8) !== 0) {
    throw new RangeError(`register offset ${offset} is not a ${width}-bit aligned offset`);
  }
  const map = (fields ?? {}) as F;
  for (const name in map) {
    if ((RESERVED_FIELD_NAMES as readonly string[]).indexOf(name) >= 0) throw new TypeError(`field name "${name}" is reserved`);
    if (map[name].shift + map[name].width > width) throw new RangeError(`field ${name} does not fit in ${width} bits`);
  }
  return { offset, width, fields: map, encode: (values) => applyFields(map, 0, values) };
}

/** Returns `value` with the named fields replaced; throws on unknown names and values that do not fit. */
export function applyFields<F extends FieldMap>(fields: F, value: number, values: FieldValues<F>): number {
  for (const name in values) {
    const f = fields[name];
    const v = values[name];
    if (f === undefined) throw new TypeError(`no field named "${name}"`);
    if (v === undefined) continue;
    checkFieldValue(name, f, v);
    value = (value & ~f.mask) | (v << f.shift);
  }
  return value >>> 0;
}

function checkFieldValue(name: string, f: FieldSpec, v: number): void {
  if (v >>> 0 !== v || v > f.max) throw new RangeError(`value ${v} does not fit field ${name} (${f.width} bits)`);
}

function isIntIn(n: number, lo: number, hi: number): boolean {
  return typeof n === "number" && Math.floor(n) === n && n >= lo && n <= hi;
}

/**
 * A field of one register instance. `get` reads the bus directly (one call fewer than going through
 * the register: status polling is the hot path of most drivers); `set` is a read-modify-write.
 */
export abstract class Field {
  readonly register: RegisterAccess<FieldMap>;
  readonly name: string;
  readonly shift: number;
  readonly width: number;
  readonly mask: number;
  readonly max: number;
  protected readonly bus: RegisterBus;
  protected readonly addr: number;

  constructor(reg: RegisterAccess<FieldMap>, name: string, spec: FieldSpec) {
    this.register = reg;
    this.name = name;
    this.shift = spec.shift;
    this.width = spec.width;
    this.mask = spec.mask;
    this.max = spec.max;
    this.bus = reg.bus;
    this.addr = reg.addr;
  }

  abstract get(): number;

  set(value: number): void {
    checkFieldValue(this.name, this, value);
    const r = this.register;
    r.write((r.read() & ~this.mask) | (value << this.shift));
  }
}

class Field8 extends Field {
  get(): number { return (this.bus.read8(this.addr) & this.mask) >>> this.shift; }
}

class Field16 extends Field {
  get(): number { return (this.bus.read16(this.addr) & this.mask) >>> this.shift; }
}

class Field32 extends Field {
  get(): number { return (this.bus.read32(this.addr) & this.mask) >>> this.shift; }
}

/** The operations on one register instance (its fields are the other properties). */
export interface RegisterAccess<F extends FieldMap> {
  /** "BLOCK.REG" (or "REG" when the block has no name), used in error messages. */
  readonly name: string;
  readonly addr: number;
  readonly width: RegisterWidth;
  readonly bus: RegisterBus;
  readonly spec: RegisterSpec<F>;
  read(): number;
  write(value: number): void;
  /** Read-modify-write: sets the bits in `mask`. Beware of write-1-to-clear bits in the same register. */
  set(mask: number): void;
  /** Read-modify-write: clears the bits in `mask`. */
  clear(mask: number): void;
  /** Read-modify-write of several fields in one write. */
  modify(values: FieldValues<F>): void;
  /** Writes the given fields, all others 0 (no read). */
  writeFields(values: FieldValues<F>): void;
  /**
   * Polls until `field` equals `value` and returns the number of reads it took. Never hangs: gives
   * up after `maxPolls` reads (default DEFAULT_MAX_POLLS), or after `timeoutMs` by `now()`, and
   * throws RegisterTimeoutError.
   */
  waitUntil(field: keyof F & string, value: number, options?: WaitOptions): number;
}

/** A register instance: `r.CR.read()`, `r.CR.UARTEN.get()`. */
export type Register<F extends FieldMap> = RegisterAccess<F> & { readonly [K in keyof F]: Field };

abstract class RegisterBase<F extends FieldMap> implements RegisterAccess<F> {
  readonly name: string;
  readonly addr: number;
  readonly bus: RegisterBus;
  readonly spec: RegisterSpec<F>;
  abstract readonly width: RegisterWidth;

  constructor(name: string, addr: number, bus: RegisterBus, spec: RegisterSpec<F>) {
    this.name = name;
    this.addr = addr;
    this.bus = bus;
    this.spec = spec;
  }

  abstract read(): number;
  abstract write(value: number): void;

  set(mask: number): void {
    this.write(this.read() | mask);
  }

  clear(mask: number): void {
    this.write(this.read() & ~mask);
  }

  modify(values: FieldValues<F>): void {
    this.write(applyFields(this.spec.fields, this.read(), values));
  }

  writeFields(values: FieldValues<F>): void {
    this.write(applyFields(this.spec.fields, 0, values));
  }

  waitUntil(fieldName: keyof F & string, value: number, options?: WaitOptions): number {
    const f = this.spec.fields[fieldName];
    if (f === undefined) throw new TypeError(`${this.name} has no field named "${fieldName}"`);
    checkFieldValue(fieldName, f, value);
    return waitForField(this, fieldName, f.mask, f.shift, value, options);
  }
}

class Register8<F extends FieldMap> extends RegisterBase<F> {
  get width(): RegisterWidth { return 8; }
  read(): number { return this.bus.read8(this.addr) & 0xff; }
  write(value: number): void { this.bus.write8(this.addr, value & 0xff); }
}

class Register16<F extends FieldMap> extends RegisterBase<F> {
  get width(): RegisterWidth { return 16; }
  read(): number { return this.bus.read16(this.addr) & 0xffff; }
  write(value: number): void { this.bus.write16(this.addr, value & 0xffff); }
}

class Register32<F extends FieldMap> extends RegisterBase<F> {
  get width(): RegisterWidth { return 32; }
  read(): number { return this.bus.read32(this.addr) >>> 0; }
  write(value: number): void { this.bus.write32(this.addr, value >>> 0); }
}

/** The poll limit of waitUntil when none is given. It always applies, so no wait can hang. */
export const DEFAULT_MAX_POLLS = 1_000_000;

export interface WaitOptions {
  /** Give up after this many reads (default DEFAULT_MAX_POLLS; a positive integer). */
  readonly maxPolls?: number;
  /** Give up after this many milliseconds by `now()`; needs `now`. */
  readonly timeoutMs?: number;
  /** A millisecond clock, e.g. the board's timer. */
  readonly now?: () => number;
}

/** A register field did not reach the expected value in time. */
export class RegisterTimeoutError extends Error {
  readonly register: string;
  readonly field: string;
  readonly expected: number;
  /** The field value at the last poll. */
  readonly actual: number;
  readonly polls: number;
  /** Which limit ran out. */
  readonly limit: "polls" | "time";

  constructor(reg: RegisterAccess<FieldMap>, field: string, expected: number, actual: number, polls: number, limit: "polls" | "time", ms: number) {
    const hex = reg.addr.toString(16).padStart(8, "0");
    const within = limit === "polls" ? `${polls} polls` : `${ms} ms (${polls} polls)`;
    super(`${reg.name}.${field} (0x${hex}) did not become ${expected} within ${within}; last value ${actual}`);
    this.name = "RegisterTimeoutError";
    this.register = reg.name;
    this.field = field;
    this.expected = expected;
    this.actual = actual;
    this.polls = polls;
    this.limit = limit;
  }
}

function waitForField(reg: RegisterAccess<FieldMap>, field: string, mask: number, shift: number, value: number, options?: WaitOptions): number {
  let maxPolls = DEFAULT_MAX_POLLS;
  let now: (() => number) | undefined;
  let timeoutMs = 0;
  let deadline = 0;
  if (options !== undefined) {
    if (options.maxPolls !== undefined) maxPolls = options.maxPolls;
    if (!isIntIn(maxPolls, 1, Number.MAX_SAFE_INTEGER)) throw new RangeError(`maxPolls ${maxPolls} is not a positive integer`);
    if (options.timeoutMs !== undefined) {
      now = options.now;
      timeoutMs = options.timeoutMs;
      if (now === undefined) throw new TypeError("waitUntil: timeoutMs needs a now() clock");
      if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs ${timeoutMs} is not a non-negative number`);
      deadline = now() + timeoutMs;
    }
  }
  let actual = 0;
  for (let polls = 1; ; polls++) {
    actual = (reg.read() & mask) >>> shift;
    if (actual === value) return polls;
    if (polls >= maxPolls) throw new RegisterTimeoutError(reg, field, value, actual, polls, "polls", timeoutMs);
    if (now !== undefined && now() >= deadline) throw new RegisterTimeoutError(reg, field, value, actual, polls, "time", timeoutMs);
  }
}

export type RegisterMap = { readonly [name: string]: RegisterSpec<FieldMap> };

type FieldsOf<R> = R extends { readonly fields: infer F extends FieldMap } ? F : never;

/** A register block instance: one Register per declared register. */
export type RegisterBlock<M extends RegisterMap> = { readonly [K in keyof M]: Register<FieldsOf<M[K]>> };

/** A declared register block: the declarations by name, plus `at()` to instantiate it. */
export type RegisterBlockSpec<M extends RegisterMap> = M & {
  /** Instance at `base` on `bus` (default: the bus installed by setDefaultRegisterBus). */
  at(base: number, bus?: RegisterBus): RegisterBlock<M>;
};

let defaultBus: RegisterBus | undefined;

/** Installs the bus `at()` uses when none is given. hal/mmio-bus.ts installs the native `mmio`. */
export function setDefaultRegisterBus(bus: RegisterBus | undefined): void {
  defaultBus = bus;
}

/** Declares a register block. `options.name` (e.g. "PL011") prefixes register names in errors. */
export function defineRegisters<const M extends RegisterMap>(
  registers: M & { readonly at?: never },
  options?: { readonly name?: string },
): RegisterBlockSpec<M> {
  const prefix = options?.name ? `${options.name}.` : "";
  const at = (base: number, bus?: RegisterBus): RegisterBlock<M> => {
    const b = bus ?? defaultBus;
    if (b === undefined) throw new TypeError("no RegisterBus given and none installed: import hal/mmio-bus.ts or pass a bus");
    if (!isIntIn(base, 0, 0xffff_ffff)) throw new RangeError(`register block base ${base} is not a 32-bit address`);
    const block: { [name: string]: RegisterAccess<FieldMap> } = {};
    for (const name in registers) block[name] = instantiate(prefix + name, base, b, registers[name]);
    return block as unknown as RegisterBlock<M>;
  };
  return Object.assign({}, registers, { at }) as RegisterBlockSpec<M>;
}

function instantiate(name: string, base: number, bus: RegisterBus, spec: RegisterSpec<FieldMap>): RegisterAccess<FieldMap> {
  const addr = base + spec.offset;
  if (addr > 0xffff_ffff) throw new RangeError(`${name} at 0x${addr.toString(16)} is beyond the 32-bit address space`);
  const reg = spec.width === 8 ? new Register8(name, addr, bus, spec)
    : spec.width === 16 ? new Register16(name, addr, bus, spec)
    : new Register32(name, addr, bus, spec);
  const FieldN = spec.width === 8 ? Field8 : spec.width === 16 ? Field16 : Field32;
  const fields = reg as unknown as { [name: string]: Field };
  for (const f in spec.fields) fields[f] = new FieldN(reg, f, spec.fields[f]);
  return reg;
}
