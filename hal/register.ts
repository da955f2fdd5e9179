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
 * Performance: this runs on an interpreter (QuickJS) in which creating an object or adding a
 * property costs hundreds to thousands of instructions, and boot time is counted in instructions.
 * So nothing is built that is not used:
 *
 * - `field()` returns a small integer (`shift | width << 5`), not an object; the FieldSpec objects
 *   of `RegisterSpec.fields` are only made if someone reads `.fields`.
 * - `defineRegisters()` adds one object and the `at` closure; it neither copies nor walks the
 *   declaration.
 * - `at()` makes one object. A register object is made on the first access of `block.REG`, and a
 *   Field on the first access of `reg.FIELD`; each is then an ordinary own property. The lookups
 *   that find nothing reach a Proxy at the end of the prototype chain (REGISTER_FIELDS,
 *   BLOCK_REGISTERS), which builds the object and stores it on the instance.
 * - Reads, writes and `Field.get` allocate nothing and cost one method call plus one bus call.
 *   8- and 16-bit variants are separate prototypes, made on first use, so a 32-bit access does
 *   not test the width.
 * - Declaration errors that TypeScript already reports (reserved field names) are checked at run
 *   time once per register, when its fields are first used by name, not at declaration.
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

declare const FIELD_DEF: unique symbol;

/**
 * A field as declared by `field()`: an opaque value (an integer encoding shift and width). Read
 * masks and shifts from `RegisterSpec.fields` or from the register instance's Field.
 */
export type FieldDef = number & { readonly [FIELD_DEF]: true };

/** A bit field: `shift` is the lowest bit, `mask` is in place (already shifted), `max` is not. */
export interface FieldSpec {
  readonly shift: number;
  readonly width: number;
  readonly mask: number;
  readonly max: number;
}

/** A register's fields as declared: `{ EN: field(0), MODE: field(1, 2) }`. */
export type FieldMap = { readonly [name: string]: FieldDef };

/** Values for some of a register's fields, by name: `{ WLEN: 3, FEN: 1 }`. */
export type FieldValues<F extends FieldMap> = { readonly [K in keyof F]?: number };

/** Member names of register declarations and instances; a field may not use them. */
type ReservedFieldName =
  | "offset" | "width" | "fields" | "encode" | "name" | "addr" | "bus" | "spec"
  | "read" | "write" | "set" | "clear" | "modify" | "writeFields" | "waitUntil";
type NoReservedFields = { readonly [K in ReservedFieldName]?: never };

/** A field at bit `shift`, `width` bits wide (default 1). */
export function field(shift: number, width?: number): FieldDef {
  // (x & 31) === x holds exactly for the integers 0..31. A 1-bit field takes the short branch.
  if (width === undefined) {
    if ((shift & 31) === shift) return (shift | 32) as FieldDef;
  } else if ((shift & 31) === shift && ((width - 1) & 31) === width - 1 && shift + width <= 32) {
    return (shift | (width << 5)) as FieldDef;
  }
  throw new RangeError(`field(${shift}, ${width ?? 1}): bits must lie within 0..31`);
}

/** A register declaration: offset in the block, access width, fields. */
export interface RegisterSpec<F extends FieldMap> {
  readonly offset: number;
  readonly width: RegisterWidth;
  /** The fields as declared (`field()` values), by name. */
  readonly fieldDefs: F;
  /** Shift, width, mask and max of each field, by name (built on first use). */
  readonly fields: { readonly [K in keyof F]: FieldSpec };
  /** The register value with the given fields set and all others 0. */
  encode(values: FieldValues<F>): number;
}

/**
 * The RegisterSpec implementation. register() makes instances as object literals with this
 * prototype (cheaper than a constructor call in QuickJS); `width` is 32 on the prototype and an
 * own property of 8- and 16-bit registers.
 */
class RegisterSpecImpl<F extends FieldMap> implements RegisterSpec<F> {
  declare readonly width: RegisterWidth;
  declare readonly offset: number;
  declare readonly fieldDefs: F;
  /** Set once the field names have been checked (checkFieldNames). */
  declare namesChecked?: true;
  declare private fieldSpecs?: { readonly [K in keyof F]: FieldSpec };

  private constructor() {}

  get fields(): { readonly [K in keyof F]: FieldSpec } {
    let specs = this.fieldSpecs;
    if (specs === undefined) {
      if (this.namesChecked !== true) checkFieldNames(this);
      const defs = this.fieldDefs as { readonly [name: string]: number };
      const out: { [name: string]: FieldSpec } = {};
      for (const name in defs) {
        const bits = defs[name];
        const shift = bits & 31;
        const width = bits >>> 5;
        const max = 0xffff_ffff >>> (32 - width);
        out[name] = { shift, width, mask: (max << shift) >>> 0, max };
      }
      this.fieldSpecs = specs = out as { readonly [K in keyof F]: FieldSpec };
    }
    return specs;
  }

  encode(values: FieldValues<F>): number {
    if (this.namesChecked !== true) checkFieldNames(this);
    return applyFields(this.fieldDefs, 0, values);
  }
}
(RegisterSpecImpl.prototype as { width: RegisterWidth }).width = 32;

const NO_FIELDS: FieldMap = {};

/** The largest register offset declared so far: `at()` looks closer only if base + this overflows. */
let maxDeclaredOffset = 0;

/** A register at `offset`; `options.width` is 8, 16 or 32 (default 32) bits. */
export function register<const F extends FieldMap = {}>(
  offset: number,
  fields?: F & NoReservedFields,
  options?: { readonly width?: RegisterWidth },
): RegisterSpec<F> {
  const fieldDefs = (fields === undefined ? NO_FIELDS : fields) as F;
  const width = options === undefined || options.width === undefined ? 32 : options.width;
  if (width === 32) {
    // ((x & -4) >>> 0) === x holds exactly for the multiples of 4 in 0..0xfffffffc.
    if (((offset & -4) >>> 0) !== offset) throw new RangeError(`register offset ${offset} is not a 32-bit aligned offset`);
  } else {
    if (width !== 8 && width !== 16) throw new RangeError(`register width ${width} is not 8, 16 or 32`);
    for (const name in fieldDefs) {
      const bits = fieldDefs[name];
      if ((bits & 31) + (bits >>> 5) > width) throw new RangeError(`field ${name} does not fit in ${width} bits`);
    }
    if (offset >>> 0 !== offset || (offset & ((width >>> 3) - 1)) !== 0) {
      throw new RangeError(`register offset ${offset} is not a ${width}-bit aligned offset`);
    }
  }
  if (offset > maxDeclaredOffset) maxDeclaredOffset = offset;
  const spec: { readonly __proto__: object; offset: number; fieldDefs: F; width?: RegisterWidth } = {
    __proto__: RegisterSpecImpl.prototype,
    offset,
    fieldDefs,
  };
  if (width !== 32) spec.width = width;
  return spec as unknown as RegisterSpec<F>;
}

/**
 * Throws if a field uses a reserved name (TypeScript refuses those already; this is for callers
 * without types). One property lookup per reserved name, once per register declaration.
 */
function checkFieldNames(spec: RegisterSpecImpl<FieldMap>): void {
  const d = spec.fieldDefs as { readonly [name: string]: unknown };
  if (
    d.offset !== undefined || d.width !== undefined || d.fields !== undefined || d.encode !== undefined ||
    d.name !== undefined || d.addr !== undefined || d.bus !== undefined || d.spec !== undefined ||
    d.read !== undefined || d.write !== undefined || d.set !== undefined || d.clear !== undefined ||
    d.modify !== undefined || d.writeFields !== undefined || d.waitUntil !== undefined
  ) {
    const reserved = "offset width fields encode name addr bus spec read write set clear modify writeFields waitUntil".split(" ");
    for (const name in d) if (reserved.indexOf(name) >= 0) throw new TypeError(`field name "${name}" is reserved`);
  }
  spec.namesChecked = true;
}

/** Returns `value` with the named fields replaced; throws on unknown names and values that do not fit. */
export function applyFields<F extends FieldMap>(fields: F, value: number, values: FieldValues<F>): number {
  for (const name in values) {
    const bits: unknown = fields[name];
    const v = values[name];
    if (typeof bits !== "number") throw new TypeError(`no field named "${name}"`);
    if (v === undefined) continue;
    const shift = bits & 31;
    const max = 0xffff_ffff >>> (32 - (bits >>> 5));
    if (v >>> 0 !== v || v > max) throw new RangeError(`value ${v} does not fit field ${name} (${bits >>> 5} bits)`);
    value = (value & ~(max << shift)) | (v << shift);
  }
  return value >>> 0;
}

/**
 * A field of one register instance. `get` reads the bus directly (one call fewer than going through
 * the register: status polling is the hot path of most drivers); `set` is a read-modify-write.
 * Instances come from `reg.FIELD`; the prototype's `get` is the 32-bit one.
 */
export class Field {
  declare readonly register: RegisterAccess<FieldMap>;
  declare readonly name: string;
  declare readonly shift: number;
  declare readonly mask: number;
  declare protected readonly bus: RegisterBus;
  declare protected readonly addr: number;

  private constructor() {}

  get width(): number {
    return 32 - Math.clz32(this.mask >>> this.shift);
  }

  get max(): number {
    return this.mask >>> this.shift;
  }

  get(): number {
    return (this.bus.read32(this.addr) & this.mask) >>> this.shift;
  }

  set(value: number): void {
    const max = this.mask >>> this.shift;
    if (value >>> 0 !== value || value > max) {
      throw new RangeError(`value ${value} does not fit field ${this.name} (${32 - Math.clz32(max)} bits)`);
    }
    const r = this.register;
    r.write((r.read() & ~this.mask) | (value << this.shift));
  }
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

/** What a register instance holds; everything else is on its prototype. */
interface RegisterImpl extends RegisterAccess<FieldMap> {
  readonly spec: RegisterSpecImpl<FieldMap>;
}

/** What a Field instance holds (Field declares the same members, some of them protected). */
interface FieldImpl {
  readonly register: RegisterImpl;
  readonly name: string;
  readonly bus: RegisterBus;
  readonly addr: number;
  readonly mask: number;
  readonly shift: number;
}

/**
 * The end of every register instance's prototype chain: a lookup that found no own property and
 * no method lands here. A declared field name builds the Field and stores it on the instance.
 */
const REGISTER_FIELDS: ProxyHandler<object> = {
  get(target, key, receiver: RegisterImpl) {
    // "spec" is read below: a prototype object (no own spec) must not recurse.
    if (typeof key === "string" && key !== "spec") {
      const spec = receiver.spec;
      if (spec !== undefined) {
        const bits: unknown = spec.fieldDefs[key];
        if (typeof bits === "number") {
          if (spec.namesChecked !== true) checkFieldNames(spec);
          const shift = bits & 31;
          const width = receiver.width;
          const f: FieldImpl & { readonly __proto__: object } = {
            __proto__: width === 32 ? Field.prototype : narrowPrototypes(width).field,
            register: receiver,
            name: key,
            bus: receiver.bus,
            addr: receiver.addr,
            mask: ((0xffff_ffff >>> (32 - (bits >>> 5))) << shift) >>> 0,
            shift,
          };
          (receiver as unknown as { [name: string]: unknown })[key] = f;
          return f;
        }
      }
    }
    return Reflect.get(target, key, receiver);
  },
};

/** Methods of register instances; read and write are the 32-bit ones. */
const REGISTER: ThisType<RegisterImpl> & Omit<RegisterAccess<FieldMap>, "name" | "addr" | "bus" | "spec"> & { readonly __proto__: object } = {
  __proto__: new Proxy({}, REGISTER_FIELDS),
  width: 32,

  read(): number {
    return this.bus.read32(this.addr) >>> 0;
  },

  write(value: number): void {
    this.bus.write32(this.addr, value >>> 0);
  },

  set(mask: number): void {
    this.write(this.read() | mask);
  },

  clear(mask: number): void {
    this.write(this.read() & ~mask);
  },

  modify(values: FieldValues<FieldMap>): void {
    const spec = this.spec;
    if (spec.namesChecked !== true) checkFieldNames(spec);
    this.write(applyFields(spec.fieldDefs, this.read(), values));
  },

  writeFields(values: FieldValues<FieldMap>): void {
    const spec = this.spec;
    if (spec.namesChecked !== true) checkFieldNames(spec);
    this.write(applyFields(spec.fieldDefs, 0, values));
  },

  waitUntil(fieldName: string, value: number, options?: WaitOptions): number {
    const spec = this.spec;
    const bits: unknown = spec.fieldDefs[fieldName];
    if (typeof bits !== "number") throw new TypeError(`${this.name} has no field named "${fieldName}"`);
    if (spec.namesChecked !== true) checkFieldNames(spec);
    const shift = bits & 31;
    const max = 0xffff_ffff >>> (32 - (bits >>> 5));
    if (value >>> 0 !== value || value > max) {
      throw new RangeError(`value ${value} does not fit field ${fieldName} (${bits >>> 5} bits)`);
    }
    const mask = (max << shift) >>> 0;
    let maxPolls = DEFAULT_MAX_POLLS;
    let now: (() => number) | undefined;
    let timeoutMs = 0;
    let deadline = 0;
    if (options !== undefined) {
      if (options.maxPolls !== undefined) maxPolls = options.maxPolls;
      if (!Number.isSafeInteger(maxPolls) || maxPolls < 1) throw new RangeError(`maxPolls ${maxPolls} is not a positive integer`);
      if (options.timeoutMs !== undefined) {
        now = options.now;
        timeoutMs = options.timeoutMs;
        if (now === undefined) throw new TypeError("waitUntil: timeoutMs needs a now() clock");
        if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs ${timeoutMs} is not a non-negative number`);
        deadline = now() + timeoutMs;
      }
    }
    for (let polls = 1; ; polls++) {
      const actual = (this.read() & mask) >>> shift;
      if (actual === value) return polls;
      if (polls >= maxPolls) throw new RegisterTimeoutError(this, fieldName, value, actual, polls, "polls", timeoutMs);
      if (now !== undefined && now() >= deadline) throw new RegisterTimeoutError(this, fieldName, value, actual, polls, "time", timeoutMs);
    }
  },
};

interface NarrowPrototypes {
  readonly register: object;
  readonly field: object;
}

let narrow: { readonly 8: NarrowPrototypes; readonly 16: NarrowPrototypes } | undefined;

/** The 8- and 16-bit register and field prototypes, made when the first such register is used. */
function narrowPrototypes(width: 8 | 16): NarrowPrototypes {
  if (narrow === undefined) {
    narrow = {
      8: {
        register: {
          __proto__: REGISTER,
          width: 8,
          read(this: RegisterImpl): number { return this.bus.read8(this.addr) & 0xff; },
          write(this: RegisterImpl, value: number): void { this.bus.write8(this.addr, value & 0xff); },
        },
        field: {
          __proto__: Field.prototype,
          get(this: FieldImpl): number { return (this.bus.read8(this.addr) & this.mask) >>> this.shift; },
        },
      },
      16: {
        register: {
          __proto__: REGISTER,
          width: 16,
          read(this: RegisterImpl): number { return this.bus.read16(this.addr) & 0xffff; },
          write(this: RegisterImpl, value: number): void { this.bus.write16(this.addr, value & 0xffff); },
        },
        field: {
          __proto__: Field.prototype,
          get(this: FieldImpl): number { return (this.bus.read16(this.addr) & this.mask) >>> this.shift; },
        },
      },
    };
  }
  return narrow[width];
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

export type RegisterMap = { readonly [name: string]: RegisterSpec<FieldMap> };

type FieldsOf<R> = R extends { readonly fieldDefs: infer F extends FieldMap } ? F : never;

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

// Block instances keep their state under symbols, so that any register name is free.
const SPEC = Symbol("spec");
const BASE = Symbol("base");
const BUS = Symbol("bus");
const PREFIX = Symbol("prefix");

/** A block declaration as defineRegisters returns it: inherits the declarations. */
interface BlockSpecImpl {
  readonly [PREFIX]: string;
  readonly [name: string]: unknown;
}

interface BlockImpl {
  readonly [SPEC]: BlockSpecImpl;
  readonly [BASE]: number;
  readonly [BUS]: RegisterBus;
}

/** The end of every block instance's prototype chain: a declared register name builds the register. */
const BLOCK_REGISTERS: ProxyHandler<object> = {
  get(target, key, receiver: BlockImpl) {
    if (typeof key === "string") {
      const block = receiver[SPEC];
      const spec = block === undefined ? undefined : block[key];
      if (spec instanceof RegisterSpecImpl) {
        const width: RegisterWidth = spec.width;
        const reg: Omit<RegisterImpl, keyof typeof REGISTER> & { readonly __proto__: object } = {
          __proto__: width === 32 ? REGISTER : narrowPrototypes(width).register,
          name: block[PREFIX] + key,
          addr: receiver[BASE] + spec.offset,
          bus: receiver[BUS],
          spec,
        };
        (receiver as unknown as { [name: string]: unknown })[key] = reg;
        return reg;
      }
    }
    return Reflect.get(target, key, receiver);
  },
};

const BLOCK_PROTOTYPE = new Proxy({}, BLOCK_REGISTERS);

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
      const b = bus ?? defaultBus;
      if (b === undefined) throw new TypeError("no RegisterBus given and none installed: import hal/mmio-bus.ts or pass a bus");
      if (base >>> 0 !== base) throw new RangeError(`register block base ${base} is not a 32-bit address`);
      if (base + maxDeclaredOffset > 0xffff_ffff) {
        for (const reg in block) {
          const spec = block[reg];
          if (spec instanceof RegisterSpecImpl && base + spec.offset > 0xffff_ffff) {
            throw new RangeError(`${block[PREFIX]}${reg} at 0x${(base + spec.offset).toString(16)} is beyond the 32-bit address space`);
          }
        }
      }
      const instance: BlockImpl & { readonly __proto__: object } = { __proto__: BLOCK_PROTOTYPE, [SPEC]: block, [BASE]: base, [BUS]: b };
      return instance;
    },
  };
  return block as unknown as RegisterBlockSpec<M>;
}
