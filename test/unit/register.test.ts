import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../hal/memory-bus.ts";
import {
  DEFAULT_MAX_POLLS, Field, RegisterTimeoutError, defineRegisters, field, register, setDefaultRegisterBus, type FieldMap,
} from "../../hal/register.ts";

const BASE = 0x4000_1000;

const DEMO = defineRegisters({
  CTRL: register(0x00, { EN: field(0), MODE: field(1, 3), TOP: field(28, 4) }),
  STAT: register(0x04, { READY: field(0), LEVEL: field(8, 8) }),
  WIDE: register(0x08, { ALL: field(0, 32) }),
  HALF: register(0x0c, { LO: field(0, 4), HI: field(12, 4) }, { width: 16 }),
  BYTE: register(0x0e, { B: field(7) }, { width: 8 }),
}, { name: "DEMO" });

function setup() {
  const bus = new MemoryBus();
  return { bus, r: DEMO.at(BASE, bus) };
}

test("field(): bits are checked at once; shift, width, mask and max come from .fields and Field", () => {
  const spec = register(0x00, { A: field(1, 3), B: field(31), C: field(0, 32), D: field(1, 31), E: field(0) });
  assert.equal(spec.fields.A, { shift: 1, width: 3, mask: 0b1110, max: 7 });
  assert.equal(spec.fields.E, { shift: 0, width: 1, mask: 1, max: 1 });
  assert.is(spec.fields.B.mask, 0x8000_0000);
  assert.is(spec.fields.C.mask, 0xffff_ffff);
  assert.is(spec.fields.C.max, 0xffff_ffff);
  assert.is(spec.fields.D.mask, 0xffff_fffe);
  assert.is(spec.fields, spec.fields, "built once");
  const r = defineRegisters({ X: spec }).at(BASE, new MemoryBus());
  const f = r.X.A;
  assert.equal([f.name, f.shift, f.width, f.mask, f.max], ["A", 1, 3, 0b1110, 7]);
  assert.is(f.register, r.X);
  assert.equal([r.X.C.width, r.X.C.max, r.X.C.mask], [32, 0xffff_ffff, 0xffff_ffff]);
  for (const [shift, width] of [[30, 3], [-1, undefined], [32, undefined], [0, 0], [0, 33], [1, 32], [1.5, undefined], [0, 1.5], [NaN, undefined], [0, NaN], [-64, 1], [-0.5, 1 + 1 / 64]]) {
    assert.throws(() => field(shift as number, width), RangeError, `field(${shift}, ${width})`);
  }
});

test("register(): refuses bad widths, misaligned offsets, oversized and reserved fields", () => {
  assert.throws(() => register(0x02, {}), /aligned/);
  assert.throws(() => register(-4, {}), /aligned/);
  assert.throws(() => register(0x1_0000_0000, {}), /aligned/);
  assert.throws(() => register(0x01, {}, { width: 16 }), /aligned/);
  assert.throws(() => register(0x00, { X: field(8) }, { width: 8 }), /does not fit/);
  assert.throws(() => register(0x00, { X: field(12, 5) }, { width: 16 }), /does not fit/);
  assert.throws(() => register(0x00, {}, { width: 64 as 32 }), /width/);
  // The type forbids reserved names; a JS caller gets a run-time check the first time the
  // register's fields are used by name (at definition it would cost every declaration).
  for (const name of ["read", "spec", "waitUntil", "offset"]) {
    const bad = register<FieldMap>(0x00, { [name]: field(0), OK: field(1) } as never);
    assert.throws(() => bad.fields, /reserved/);
    assert.throws(() => bad.encode({}), /reserved/);
    const r = defineRegisters({ BAD: bad }).at(BASE, new MemoryBus()).BAD as unknown as { OK: unknown; writeFields(v: object): void; modify(v: object): void; waitUntil(f: string, v: number): number };
    assert.throws(() => r.OK, /reserved/);
    assert.throws(() => r.writeFields({}), /reserved/);
    assert.throws(() => r.modify({}), /reserved/);
    assert.throws(() => r.waitUntil("OK", 0), /reserved/);
  }
});

test("read and write go to base + offset, unsigned", () => {
  const { bus, r } = setup();
  assert.is(r.CTRL.addr, BASE);
  r.WIDE.write(0xdead_beef);
  assert.is(bus.peek(BASE + 8), 0xdead_beef);
  assert.is(r.WIDE.read(), 0xdead_beef);
  r.WIDE.write(-1);
  assert.is(r.WIDE.read(), 0xffff_ffff);
});

test("set and clear are read-modify-writes of a bit mask", () => {
  const { bus, r } = setup();
  bus.poke(BASE, 0b1000_0001);
  r.CTRL.set(0b0110);
  assert.is(bus.peek(BASE), 0b1000_0111);
  r.CTRL.clear(0b1000_1001); // bit 3 is already clear and must stay so
  assert.is(bus.peek(BASE), 0b0000_0110);
  assert.equal(bus.log.map((a) => a.kind), ["read", "write", "read", "write"]);
});

test("modify changes several fields in one write and keeps the others", () => {
  const { bus, r } = setup();
  bus.poke(BASE, 0x0000_ff00);
  bus.clearLog();
  r.CTRL.modify({ EN: 1, MODE: 5, TOP: 0xa });
  assert.is(bus.peek(BASE), (0xa << 28 | 0xff00 | 5 << 1 | 1) >>> 0);
  assert.is(bus.writes().length, 1);
  assert.throws(() => r.CTRL.modify({ MODE: 8 }), RangeError);
  assert.throws(() => r.CTRL.modify({ NOPE: 1 } as never), /no field/);
});

test("writeFields writes only the given fields, all others 0, without a read", () => {
  const { bus, r } = setup();
  bus.poke(BASE, 0xffff_ffff);
  bus.clearLog();
  r.CTRL.writeFields({ MODE: 2 });
  assert.is(bus.peek(BASE), 0b100);
  assert.equal(bus.log.map((a) => a.kind), ["write"]);
  assert.is(DEMO.CTRL.encode({ EN: 1, TOP: 1 }), 0x1000_0001);
});

test("field get and set", () => {
  const { bus, r } = setup();
  bus.poke(BASE + 4, 0x0000_3a01);
  assert.is(r.STAT.READY.get(), 1);
  assert.is(r.STAT.LEVEL.get(), 0x3a);
  r.CTRL.TOP.set(0xf);
  assert.is(r.CTRL.TOP.get(), 0xf);
  assert.is(bus.peek(BASE), 0xf000_0000);
  r.CTRL.MODE.set(3);
  assert.is(bus.peek(BASE), 0xf000_0006);
  assert.throws(() => r.CTRL.MODE.set(8), RangeError);
  assert.throws(() => r.CTRL.MODE.set(-1), RangeError);
  r.WIDE.ALL.set(0xffff_fffe);
  assert.is(r.WIDE.ALL.get(), 0xffff_fffe);
});

test("8- and 16-bit registers use 8- and 16-bit accesses", () => {
  const { bus, r } = setup();
  r.HALF.writeFields({ LO: 0xf, HI: 0x9 });
  r.BYTE.B.set(1);
  assert.equal(bus.log.map((a) => `${a.kind}${a.width}@${(a.addr - BASE).toString(16)}`), ["write16@c", "read8@e", "write8@e"]);
  bus.clearLog();
  assert.is(r.HALF.read(), 0x900f);
  assert.is(r.BYTE.read(), 0x80);
  assert.is(r.HALF.HI.get(), 9);
  assert.is(r.BYTE.B.get(), 1);
  assert.equal(bus.log.map((a) => `${a.kind}${a.width}`), ["read16", "read8", "read16", "read8"]);
  assert.is(bus.peek(BASE + 0xc), 0x0080_900f); // little-endian: BYTE is byte 2 of the word
  r.BYTE.write(0x1ff);
  assert.is(r.BYTE.read(), 0xff);
});

test("waitUntil returns the number of polls once the field matches", () => {
  const { bus, r } = setup();
  let reads = 0;
  bus.onRead(BASE + 4, () => (++reads >= 3 ? 0x0000_0501 : 0x0000_0500));
  assert.is(r.STAT.waitUntil("READY", 1), 3);
  assert.is(r.STAT.waitUntil("LEVEL", 5), 1);
});

test("waitUntil gives up after maxPolls with a RegisterTimeoutError naming register, field, value", () => {
  const { bus, r } = setup();
  let reads = 0;
  bus.onRead(BASE + 4, () => (reads++, 0));
  try {
    r.STAT.waitUntil("READY", 1, { maxPolls: 50 });
    assert.unreachable("should time out");
  } catch (e) {
    assert.instance(e, RegisterTimeoutError);
    const err = e as RegisterTimeoutError;
    assert.is(err.limit, "polls");
    assert.is(err.polls, 50);
    assert.is(reads, 50);
    assert.match(err.message, "DEMO.STAT.READY");
    assert.match(err.message, "0x40001004");
    assert.match(err.message, "become 1");
  }
});

test("waitUntil has a default poll limit, so it never hangs", () => {
  const bus = new MemoryBus({ logLimit: 10 });
  const r = DEMO.at(BASE, bus);
  const err = catchError(() => r.STAT.waitUntil("READY", 1));
  assert.instance(err, RegisterTimeoutError);
  assert.is((err as RegisterTimeoutError).polls, DEFAULT_MAX_POLLS);
  assert.is(bus.logDropped, DEFAULT_MAX_POLLS - 10);
});

test("waitUntil gives up after timeoutMs by the given clock", () => {
  const { r } = setup();
  let t = 1000;
  const err = catchError(() => r.STAT.waitUntil("READY", 1, { timeoutMs: 5, now: () => (t += 1) }));
  assert.instance(err, RegisterTimeoutError);
  const e = err as RegisterTimeoutError;
  assert.is(e.limit, "time");
  assert.is(e.polls, 5);
  assert.match(e.message, "5 ms");
  // The poll limit still applies when a clock is given.
  const polls = catchError(() => r.STAT.waitUntil("READY", 1, { maxPolls: 3, timeoutMs: 1e9, now: () => 0 }));
  assert.is((polls as RegisterTimeoutError).limit, "polls");
});

test("waitUntil refuses options and values that could never work", () => {
  const { r } = setup();
  assert.throws(() => r.STAT.waitUntil("READY", 1, { timeoutMs: 5 }), /now/);
  assert.throws(() => r.STAT.waitUntil("READY", 1, { maxPolls: Infinity }), RangeError);
  assert.throws(() => r.STAT.waitUntil("READY", 1, { maxPolls: 0 }), RangeError);
  assert.throws(() => r.STAT.waitUntil("READY", 2), RangeError);
  assert.throws(() => r.STAT.waitUntil("NOPE" as "READY", 1), /no field/);
});

test("at() uses the default bus when none is given, and says so when there is none", () => {
  assert.throws(() => DEMO.at(BASE), /no RegisterBus/);
  const bus = new MemoryBus();
  setDefaultRegisterBus(bus);
  try {
    DEMO.at(BASE).WIDE.write(7);
    assert.is(bus.peek(BASE + 8), 7);
  } finally {
    setDefaultRegisterBus(undefined);
  }
  assert.throws(() => DEMO.at(-4, bus), RangeError);
  assert.throws(() => DEMO.at(0xffff_fffc, bus), /beyond the 32-bit/);
});

test("registers and fields are made on first access, once, and only declared names exist", () => {
  const { bus, r } = setup();
  assert.is(bus.log.length, 0, "at() and the lookups touch no register");
  assert.is(r.CTRL, r.CTRL);
  assert.is(r.CTRL.MODE, r.CTRL.MODE);
  assert.is.not(r.CTRL.MODE, r.CTRL.EN);
  assert.is(bus.log.length, 0);
  assert.equal([r.CTRL.name, r.CTRL.addr, r.CTRL.width, r.CTRL.bus === bus, r.CTRL.spec === DEMO.CTRL], ["DEMO.CTRL", BASE, 32, true, true]);
  assert.equal([r.HALF.name, r.HALF.addr, r.HALF.width, r.BYTE.width], ["DEMO.HALF", BASE + 0xc, 16, 8]);
  const loose = r as unknown as { [name: string]: unknown };
  assert.is(loose.NOPE, undefined);
  assert.is(loose.at, undefined);
  assert.is((r.CTRL as unknown as { [name: string]: unknown }).NOPE, undefined);
  assert.is((r.CTRL as unknown as { [name: string]: unknown }).ALL, undefined, "another register's field");
  // Ordinary object behaviour still works on blocks, registers and fields.
  assert.is(typeof r.CTRL.toString, "function");
  assert.is(Object.prototype.hasOwnProperty.call(r.CTRL, "MODE"), true);
  assert.is(r.CTRL.MODE instanceof Field, true);
  assert.is(String(r.CTRL.EN), "[object Object]");
});

test("instances are independent; a declaration can be shared; any register name is free except at", () => {
  const bus = new MemoryBus();
  const a = DEMO.at(BASE, bus);
  const b = DEMO.at(BASE + 0x100, bus);
  a.WIDE.write(1);
  b.WIDE.write(2);
  assert.equal([bus.peek(BASE + 8), bus.peek(BASE + 0x108)], [1, 2]);
  assert.is.not(a.WIDE, b.WIDE);
  const shared = { CTRL: DEMO.CTRL, name: register(0x10, { EN: field(0) }), spec: register(0x14) };
  const other = defineRegisters(shared, { name: "OTHER" }).at(BASE, bus);
  const anon = defineRegisters({ CTRL: DEMO.CTRL }).at(BASE, bus);
  assert.equal([other.CTRL.name, anon.CTRL.name, a.CTRL.name], ["OTHER.CTRL", "CTRL", "DEMO.CTRL"]);
  other.spec.write(5);
  assert.equal([other.spec.name, bus.peek(BASE + 0x14)], ["OTHER.spec", 5]);
  assert.equal([other.name.addr, other.name.EN.name], [BASE + 0x10, "EN"]);
  assert.is(DEMO.STAT.offset, 4);
  assert.is(DEMO.HALF.width, 16);
});

test("MemoryBus: hooks replace storage, log records what the CPU saw, misaligned access throws", () => {
  const bus = new MemoryBus();
  const written: number[] = [];
  bus.onRead(0x100, () => 0x1234_5678);
  bus.onWrite(0x100, (v) => written.push(v));
  bus.write8(0x100, 0x1ab);
  assert.is(bus.read8(0x100), 0x78);
  assert.is(bus.read32(0x100), 0x1234_5678);
  assert.equal(written, [0xab]);
  assert.is(bus.peek(0x100), 0);
  assert.equal(bus.log[1], { kind: "read", addr: 0x100, width: 8, value: 0x78 });
  bus.write32(0x200, 0xaabb_ccdd);
  assert.is(bus.read16(0x202), 0xaabb);
  assert.is(bus.read8(0x201), 0xcc);
  assert.throws(() => bus.read32(0x202), RangeError);
  assert.throws(() => bus.write16(0x201, 0), RangeError);
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.unreachable("expected an exception");
}

test.run();
