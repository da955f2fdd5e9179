/**
 * Memory-mapped registers, declared once per IP block (docs/register-api.md).
 *
 * A register's bits are one exported `enum` of in-place masks, named as in the manual, and the
 * block says where each register is and how it may be accessed:
 *
 *   export enum FR { BUSY = 1 << 3, TXFF = 1 << 5 }
 *   export enum CR { UARTEN = 1 << 0, TXE = 1 << 8, RXE = 1 << 9 }
 *   export const PL011_REGS = defineRegisters({ FR: ro<FR>(0x18), CR: rw<CR>(0x30) }, { name: "PL011" });
 *
 * That one enum serves both ways of using a register. Hot paths write whole values from its
 * members, `r.CR.write(CR.UARTEN | CR.TXE)`: esbuild inlines the members as literals across
 * modules, so the enum object is dropped from the bundle and costs nothing at run time. The field
 * methods take a member as the field, `r.FR.get(FR.BUSY)`, `r.FR.waitUntil(FR.BUSY, 0)`, and the
 * type lets only that register's enum in. Named field values are a second enum of in-place values
 * (`enum LCR_H_WLEN { BITS_8 = 3 << 5 }`), written with `modify(LCR_H.WLEN, LCR_H_WLEN.BITS_8)`.
 *
 * The access kind decides which methods a register has, so misuse is a type error: a read-only
 * register has no write, a write-only one no read, and write-1-to-clear / write-1-to-set registers
 * have no read-modify-write (set, clear, modify), which would clear or set every bit read as 1.
 * `array(spec, count)` declares a run of equal registers, reached as `r.ISENABLER.at(n)`.
 *
 * Costs (QuickJS interprets this; boot time is counted in instructions): a declaration is one
 * small object per register and no field table; `at()` makes one object, and a register object
 * is made on its first use (a Proxy at the end of the block's prototype chain builds it and
 * stores it as an own property); read and write are one method call plus one bus call. Access
 * kinds are types only. This module never imports the native "hal" module, so host tests run it
 * in Node: hal/mmio-bus.ts installs the default bus, or a bus is passed to `at()`.
 */
import type { Mmio } from "hal";
import { pollUntil, type PollOptions } from "./poll.ts";

/**
 * What registers are read and written through: the native `mmio` object, hal/port-io-bus.ts, or
 * a MemoryBus (models/). The same six methods as the native module's `mmio`.
 */
export type RegisterBus = Mmio;

/** What every driver of a register block is given: where the block is, and the bus to reach it. */
export interface DeviceOptions {
  /** Address of the block's first register (a port number on hal/port-io-bus.ts). */
  readonly base: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
}

/** A driver that waits on its hardware (hal/poll.ts). */
export interface PolledDeviceOptions extends DeviceOptions {
  /** Polls before a wait on the hardware gives up (default DEFAULT_MAX_POLLS, hal/poll.ts). */
  readonly maxPolls?: number;
}

/** A register's width in bits. */
export type RegisterWidth = 8 | 16 | 32;

/** Read-write, read-only, write-only, write-1-to-clear, write-1-to-set. */
export type Access = "rw" | "ro" | "wo" | "w1c" | "w1s";

declare const FIELDS: unique symbol;

/** A register declaration. `F` is the register's enum of fields (`never`: none). */
export interface RegisterSpec<F extends number = number, A extends Access = Access> {
  readonly offset: number;
  readonly width: RegisterWidth;
  readonly access: A;
  /** Only carries the field type. */
  readonly [FIELDS]?: F;
}

/** `count` registers like `spec`, `stride` bytes apart. */
export interface ArraySpec<F extends number = number, A extends Access = Access> extends RegisterSpec<F, A> {
  readonly count: number;
  readonly stride: number;
}

/** The register declarations; instances inherit `width` and `access` defaults from here. */
class RegisterSpecImpl {
  declare readonly offset: number;
  declare readonly width: RegisterWidth;
  declare readonly access: Access;
  declare readonly count?: number;
  declare readonly stride?: number;
  private constructor() {}
}
(RegisterSpecImpl.prototype as { width: number; access: Access }).width = 32;
(RegisterSpecImpl.prototype as { width: number; access: Access }).access = "rw";

/** The largest register offset declared so far: `at()` looks closer only if base + this overflows. */
let maxDeclaredOffset = 0;

function declare(offset: number, width: RegisterWidth, access: Access): RegisterSpecImpl {
  if (width !== 32 && width !== 16 && width !== 8) throw new RangeError(`register width ${width} is not 8, 16 or 32`);
  // (x & -bytes) >>> 0 === x holds exactly for the multiples of `bytes` in 0..0xffffffff.
  if (((offset & -(width >>> 3)) >>> 0) !== offset) throw new RangeError(`register offset ${offset} is not a ${width}-bit aligned offset`);
  if (offset > maxDeclaredOffset) maxDeclaredOffset = offset;
  // An object literal with a prototype is cheaper than a constructor call in QuickJS.
  const spec: { __proto__: object; offset: number; width?: RegisterWidth; access?: Access } = { __proto__: RegisterSpecImpl.prototype, offset };
  if (width !== 32) spec.width = width;
  if (access !== "rw") spec.access = access;
  return spec as unknown as RegisterSpecImpl;
}

/** A read-write register at `offset`, `width` bits wide (default 32). */
export function rw<F extends number = never>(offset: number, width: RegisterWidth = 32): RegisterSpec<F, "rw"> {
  return declare(offset, width, "rw") as RegisterSpec<F, "rw">;
}
/** A read-only register: writes are ignored or harmful, so it has no write. */
export function ro<F extends number = never>(offset: number, width: RegisterWidth = 32): RegisterSpec<F, "ro"> {
  return declare(offset, width, "ro") as RegisterSpec<F, "ro">;
}
/** A write-only register: reads return nothing useful, so it has no read. */
export function wo<F extends number = never>(offset: number, width: RegisterWidth = 32): RegisterSpec<F, "wo"> {
  return declare(offset, width, "wo") as RegisterSpec<F, "wo">;
}
/** Writing 1 clears a bit (status and pending bits): read-modify-write would clear all that are set. */
export function w1c<F extends number = never>(offset: number, width: RegisterWidth = 32): RegisterSpec<F, "w1c"> {
  return declare(offset, width, "w1c") as RegisterSpec<F, "w1c">;
}
/** Writing 1 sets a bit, 0 changes nothing (enable-set registers): write only the bits to set. */
export function w1s<F extends number = never>(offset: number, width: RegisterWidth = 32): RegisterSpec<F, "w1s"> {
  return declare(offset, width, "w1s") as RegisterSpec<F, "w1s">;
}

/** `count` registers like `spec`, the first at its offset, `stride` bytes apart (default: adjacent). */
export function array<F extends number, A extends Access>(spec: RegisterSpec<F, A>, count: number, stride?: number): ArraySpec<F, A> {
  const bytes = spec.width >>> 3;
  const step = stride === undefined ? bytes : stride;
  if (!(count >= 1 && count === (count | 0))) throw new RangeError(`register array count ${count} is not a positive integer`);
  if (!(step >= bytes && step === (step | 0) && step % bytes === 0)) throw new RangeError(`register array stride ${step} is not a multiple of ${bytes} bytes`);
  const last = spec.offset + (count - 1) * step;
  if (last > maxDeclaredOffset) maxDeclaredOffset = last;
  // Inherits offset, width and access from `spec`.
  return { __proto__: spec, count, stride: step } as unknown as ArraySpec<F, A>;
}

/** The in-place bits of `value` in `field` (a contiguous mask); RangeError if it does not fit. */
export function fieldBits(field: number, value: number): number {
  const low = (field & -field) >>> 0; // the field's lowest bit
  if (value >>> 0 !== value || value * low > field >>> 0 || low === 0) {
    throw new RangeError(`value ${value} does not fit field 0x${(field >>> 0).toString(16)}`);
  }
  return value * low;
}

/** The value of `field` (a contiguous mask) in the register value `raw`, shifted down. */
export function fieldValue(field: number, raw: number): number {
  // Dividing by the lowest bit is the shift, without Math (its first use costs ~45,000 instructions).
  return ((raw & field) >>> 0) / ((field & -field) >>> 0);
}

/** "PL011.FR[0x20] (0x20201018)": a register's field and address, for error messages. */
export function describeField(reg: RegisterInfo, field: number): string {
  return `${reg.name}[0x${(field >>> 0).toString(16)}] (0x${reg.addr.toString(16).padStart(8, "0")})`;
}

/** A register that can be read. */
export interface Readable<F extends number> {
  read(): number;
  /** The field's value, shifted down. */
  get(field: F): number;
  /**
   * Polls until `field` equals `value` (shifted down) and returns how many reads it took. Never
   * hangs: throws PollTimeoutError after the poll or time limit (hal/poll.ts).
   */
  waitUntil(field: F, value: number, options?: PollOptions): number;
}

/** A register that can be written. */
export interface Writable {
  write(value: number): void;
}

/** Read-modify-write, only for read-write registers. */
export interface Modifiable<F extends number> {
  /** Sets the bits in `bits` (one read, one write). */
  set(bits: number): void;
  /** Clears the bits in `bits`. */
  clear(bits: number): void;
  /** Replaces `field` with `bits`, which are in place (a named value, or fieldBits()). */
  modify(field: F, bits: number): void;
}

/** What a register knows of itself: its name, address, width and access, for messages and tests. */
export interface RegisterInfo {
  /** "BLOCK.REG" (or "REG" when the block has no name), for error messages. */
  readonly name: string;
  readonly addr: number;
  readonly width: RegisterWidth;
  readonly bus: RegisterBus;
}

/** A register instance; its methods follow the access kind. */
export type Register<F extends number, A extends Access> = RegisterInfo &
  (A extends "rw" ? Readable<F> & Writable & Modifiable<F>
    : A extends "ro" ? Readable<F>
    : A extends "wo" ? Writable
    : Readable<F> & Writable);

/** The instances of an array: `at(i)` is register `i`. */
export interface RegisterArray<F extends number, A extends Access> {
  readonly name: string;
  readonly length: number;
  at(index: number): Register<F, A>;
}

interface RegisterImpl extends RegisterInfo, Readable<number>, Writable, Modifiable<number> {}

/** Methods of 32-bit register instances; 16- and 8-bit ones override read and write. */
const REGISTER32: ThisType<RegisterImpl> & Omit<RegisterImpl, "name" | "addr" | "bus"> = {
  width: 32,
  read(): number {
    return this.bus.read32(this.addr) >>> 0;
  },
  write(value: number): void {
    this.bus.write32(this.addr, value >>> 0);
  },
  get(field: number): number {
    return fieldValue(field, this.read());
  },
  set(bits: number): void {
    this.write(this.read() | bits);
  },
  clear(bits: number): void {
    this.write(this.read() & ~bits);
  },
  modify(field: number, bits: number): void {
    if ((bits & ~field) !== 0) throw new RangeError(`${this.name}: bits 0x${(bits >>> 0).toString(16)} lie outside field 0x${(field >>> 0).toString(16)}`);
    this.write((this.read() & ~field) | bits);
  },
  waitUntil(field: number, value: number, options?: PollOptions): number {
    fieldBits(field, value); // refuse at once a value the field can never hold
    return pollUntil(() => fieldValue(field, this.read()), value, () => describeField(this, field), options);
  },
};

const REGISTER16 = {
  __proto__: REGISTER32,
  width: 16,
  read(this: RegisterImpl): number { return this.bus.read16(this.addr) & 0xffff; },
  write(this: RegisterImpl, value: number): void { this.bus.write16(this.addr, value & 0xffff); },
};

const REGISTER8 = {
  __proto__: REGISTER32,
  width: 8,
  read(this: RegisterImpl): number { return this.bus.read8(this.addr) & 0xff; },
  write(this: RegisterImpl, value: number): void { this.bus.write8(this.addr, value & 0xff); },
};

function makeRegister(spec: RegisterSpecImpl, name: string, addr: number, bus: RegisterBus): RegisterImpl {
  const w = spec.width;
  const reg = { __proto__: w === 32 ? REGISTER32 : w === 16 ? REGISTER16 : REGISTER8, name, addr, bus };
  return reg as unknown as RegisterImpl;
}

interface ArrayImpl {
  readonly name: string;
  readonly addr: number;
  readonly bus: RegisterBus;
  readonly spec: RegisterSpecImpl & { readonly count: number; readonly stride: number };
}

/** Methods of array instances: `at(i)` makes register i's object on its first use, then returns it. */
const ARRAY: ThisType<ArrayImpl & { made?: RegisterImpl[] }> & { readonly length: number; at(index: number): RegisterImpl } = {
  get length(): number {
    return this.spec.count;
  },
  at(index: number): RegisterImpl {
    const made = (this.made ??= []);
    const reg = made[index];
    if (reg !== undefined) return reg;
    const { spec } = this;
    if (index >>> 0 !== index || index >= spec.count) throw new RangeError(`${this.name}: index ${index} is not in 0..${spec.count - 1}`);
    return (made[index] = makeRegister(spec, `${this.name}[${index}]`, this.addr + index * spec.stride, this.bus));
  },
};

/** A register block instance: one Register or RegisterArray per declaration. */
export type RegisterBlock<M extends RegisterMap> = {
  readonly [K in keyof M]: M[K] extends ArraySpec<infer F, infer A> ? RegisterArray<F, A>
    : M[K] extends RegisterSpec<infer F, infer A> ? Register<F, A> : never;
};

/** The register declarations of a block by name (what defineRegisters takes). */
export type RegisterMap = { readonly [name: string]: RegisterSpec<number, Access> };

/** A declared block: the declarations by name, plus `at()` to instantiate it. */
export type RegisterBlockSpec<M extends RegisterMap> = M & {
  /** Instance at `base` on `bus` (default: the bus installed by setDefaultRegisterBus, else NO_BUS). */
  at(base: number, bus?: RegisterBus): RegisterBlock<M>;
};

let defaultBus: RegisterBus | undefined;

function noBus(): never {
  throw new TypeError("no RegisterBus given and none installed: import hal/mmio-bus.ts or pass a bus");
}

/**
 * The bus of a block made with no bus given and none installed: every access throws. So a driver
 * can build its block in its constructor, and report a bad base address, say, before a missing bus.
 */
export const NO_BUS: RegisterBus = { read8: noBus, read16: noBus, read32: noBus, write8: noBus, write16: noBus, write32: noBus };

/** Installs the bus `at()` uses when none is given; hal/mmio-bus.ts installs the native `mmio`. */
export function setDefaultRegisterBus(bus: RegisterBus | undefined): void {
  defaultBus = bus;
}

// Block instances keep their state under symbols, so that any register name is free.
const BLOCK = Symbol("block");
const BASE = Symbol("base");
const BUS = Symbol("bus");
const PREFIX = Symbol("prefix");

interface BlockSpecImpl {
  readonly [PREFIX]: string;
  readonly [name: string]: unknown;
}

interface BlockImpl {
  readonly [BLOCK]: BlockSpecImpl;
  readonly [BASE]: number;
  readonly [BUS]: RegisterBus;
}

/** The end of every block instance's prototype chain: a declared name builds its register (once). */
const BLOCK_PROTOTYPE = new Proxy({}, {
  get(target, key, receiver: BlockImpl) {
    const block = receiver[BLOCK];
    const spec = typeof key === "string" && block !== undefined ? block[key] : undefined;
    if (!(spec instanceof RegisterSpecImpl)) return Reflect.get(target, key, receiver);
    const name = block[PREFIX] + (key as string);
    const addr = receiver[BASE] + spec.offset;
    const reg = spec.count === undefined
      ? makeRegister(spec, name, addr, receiver[BUS])
      : { __proto__: ARRAY, name, addr, bus: receiver[BUS], spec };
    (receiver as unknown as { [name: string]: unknown })[key as string] = reg;
    return reg;
  },
});

/** Declares a register block. `options.name` (e.g. "PL011") prefixes register names in errors. */
export function defineRegisters<const M extends RegisterMap>(
  registers: M & { readonly at?: never },
  options?: { readonly name?: string },
): RegisterBlockSpec<M> {
  const name = options === undefined ? undefined : options.name;
  const block: BlockSpecImpl & { readonly __proto__: object } = {
    __proto__: registers,
    [PREFIX]: name ? `${name}.` : "",
    at(base: number, bus?: RegisterBus): BlockImpl {
      const b = bus ?? defaultBus ?? NO_BUS;
      if (base >>> 0 !== base) throw new RangeError(`register block base ${base} is not a 32-bit address`);
      if (base + maxDeclaredOffset > 0xffff_ffff) checkAddressSpace(block, base);
      const instance: BlockImpl & { readonly __proto__: object } = { __proto__: BLOCK_PROTOTYPE, [BLOCK]: block, [BASE]: base, [BUS]: b };
      return instance;
    },
  };
  return block as unknown as RegisterBlockSpec<M>;
}

/** Throws if a register of `block` at `base` would lie beyond 0xffffffff. */
function checkAddressSpace(block: BlockSpecImpl, base: number): void {
  for (const reg in block) {
    const spec = block[reg];
    if (spec instanceof RegisterSpecImpl) {
      const last = base + spec.offset + (spec.count === undefined ? 0 : (spec.count - 1) * (spec.stride as number));
      if (last > 0xffff_ffff) throw new RangeError(`${block[PREFIX]}${reg} at 0x${last.toString(16)} is beyond the 32-bit address space`);
    }
  }
}
