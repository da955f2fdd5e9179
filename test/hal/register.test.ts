import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { MemoryBus } from "../../models/memory-bus.ts";
import { DEFAULT_MAX_POLLS, PollTimeoutError } from "../../hal/poll.ts";
import {
  array, defineRegisters, describeField, fieldBits, fieldValue, ro, rw, setDefaultRegisterBus, w1c, w1s, wo,
} from "../../hal/register.ts";

const BASE = 0x4000_1000;

enum CTRL { EN = 1 << 0, MODE = 7 << 1, TOP = 0xf << 28 }
/** Named values of CTRL.MODE, in place. */
enum CTRL_MODE { IDLE = 0 << 1, RUN = 3 << 1, TEST = 5 << 1 }
enum STAT { READY = 1 << 0, LEVEL = 0xff << 8 }
enum WIDE { ALL = 0xffff_ffff }
enum HALF { LO = 0xf, HI = 0xf << 12 }
enum BYTE { B = 1 << 7 }
enum PENDING { A = 1 << 0, B = 1 << 1 }

const DEMO = defineRegisters({
  CTRL: rw<CTRL>(0x00),
  STAT: ro<STAT>(0x04),
  WIDE: rw<WIDE>(0x08),
  HALF: rw<HALF>(0x0c, 16),
  BYTE: rw<BYTE>(0x0e, 8),
  CMD: wo(0x10),
  PENDING: w1c<PENDING>(0x14),
  SET: w1s<PENDING>(0x18),
  ENABLE: array(w1s(0x100), 4),
  PRIORITY: array(rw(0x200, 8), 8),
  SLOT: array(rw(0x300), 3, 0x10),
}, { name: "DEMO" });

function setup() {
  const bus = new MemoryBus();
  return { bus, r: DEMO.at(BASE, bus) };
}

test("declarations: offset, width and access; bad widths and misaligned offsets are refused", () => {
  assert.equal([DEMO.CTRL.offset, DEMO.CTRL.width, DEMO.CTRL.access], [0, 32, "rw"]);
  assert.equal([DEMO.STAT.access, DEMO.CMD.access, DEMO.PENDING.access, DEMO.SET.access], ["ro", "wo", "w1c", "w1s"]);
  assert.equal([DEMO.HALF.width, DEMO.BYTE.width], [16, 8]);
  assert.equal([DEMO.SLOT.offset, DEMO.SLOT.count, DEMO.SLOT.stride, DEMO.PRIORITY.stride], [0x300, 3, 0x10, 1]);
  assert.throws(() => rw(0x02), /aligned/);
  assert.throws(() => ro(-4), /aligned/);
  assert.throws(() => rw(0x1_0000_0000), /aligned/);
  assert.throws(() => rw(0x01, 16), /aligned/);
  assert.throws(() => rw(0x00, 64 as 32), /width/);
  assert.throws(() => array(rw(0), 0), RangeError);
  assert.throws(() => array(rw(0), 1.5), RangeError);
  assert.throws(() => array(rw(0), 2, 2), /stride/);
  assert.throws(() => array(rw(0, 16), 2, 3), /stride/);
});

test("fieldBits and fieldValue convert between a field's value and its in-place bits", () => {
  assert.is(fieldBits(CTRL.MODE, 5), CTRL_MODE.TEST);
  assert.is(fieldValue(CTRL.MODE, 0xffff_fff5), 2);
  assert.is(fieldBits(CTRL.TOP, 0xf), 0xf000_0000);
  assert.is(fieldValue(CTRL.TOP, 0xa000_0000), 0xa);
  assert.is(fieldValue(WIDE.ALL, 0xffff_fffe), 0xffff_fffe);
  assert.is(fieldBits(WIDE.ALL, 0xffff_ffff), 0xffff_ffff);
  for (const v of [8, -1, 1.5, NaN, 2 ** 32]) assert.throws(() => fieldBits(CTRL.MODE, v), RangeError, String(v));
  assert.throws(() => fieldBits(0, 0), RangeError, "no field");
});

test("read and write go to base + offset, unsigned", () => {
  const { bus, r } = setup();
  assert.is(r.CTRL.addr, BASE);
  r.WIDE.write(0xdead_beef);
  assert.is(bus.peek(BASE + 8), 0xdead_beef);
  assert.is(r.WIDE.read(), 0xdead_beef);
  r.WIDE.write(-1);
  assert.is(r.WIDE.read(), 0xffff_ffff);
  r.CMD.write(CTRL_MODE.RUN);
  assert.is(bus.peek(BASE + 0x10), 6);
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

test("modify replaces one field with in-place bits, keeps the others, in one write", () => {
  const { bus, r } = setup();
  bus.poke(BASE, 0xf000_ff0f);
  bus.clearLog();
  r.CTRL.modify(CTRL.MODE, CTRL_MODE.TEST);
  assert.is(bus.peek(BASE), 0xf000_ff0b);
  r.CTRL.modify(CTRL.TOP, fieldBits(CTRL.TOP, 0xa));
  assert.is(bus.peek(BASE), 0xa000_ff0b);
  assert.equal(bus.log.map((a) => a.kind), ["read", "write", "read", "write"]);
  assert.throws(() => r.CTRL.modify(CTRL.MODE, 1 << 4), /outside field/);
  assert.is(bus.writes().length, 2, "a refused modify writes nothing");
});

test("get reads a field, shifted down", () => {
  const { bus, r } = setup();
  bus.poke(BASE + 4, 0x0000_3a01);
  assert.is(r.STAT.get(STAT.READY), 1);
  assert.is(r.STAT.get(STAT.LEVEL), 0x3a);
  bus.poke(BASE, 0xf000_0006);
  assert.is(r.CTRL.get(CTRL.TOP), 0xf);
  assert.is(r.CTRL.get(CTRL.MODE), 3);
  r.WIDE.write(0xffff_fffe);
  assert.is(r.WIDE.get(WIDE.ALL), 0xffff_fffe);
});

test("8- and 16-bit registers use 8- and 16-bit accesses", () => {
  const { bus, r } = setup();
  r.HALF.write(HALF.LO | fieldBits(HALF.HI, 9));
  r.BYTE.set(BYTE.B);
  assert.equal(bus.log.map((a) => `${a.kind}${a.width}@${(a.addr - BASE).toString(16)}`), ["write16@c", "read8@e", "write8@e"]);
  bus.clearLog();
  assert.is(r.HALF.read(), 0x900f);
  assert.is(r.BYTE.read(), 0x80);
  assert.is(r.HALF.get(HALF.HI), 9);
  assert.is(r.BYTE.get(BYTE.B), 1);
  assert.equal(bus.log.map((a) => `${a.kind}${a.width}`), ["read16", "read8", "read16", "read8"]);
  assert.is(bus.peek(BASE + 0xc), 0x0080_900f); // little-endian: BYTE is byte 2 of the word
  r.BYTE.write(0x1ff);
  assert.is(r.BYTE.read(), 0xff);
  assert.equal([r.HALF.width, r.BYTE.width, r.CTRL.width], [16, 8, 32]);
});

test("register arrays: element i at offset + i * stride, made once, indices checked", () => {
  const { bus, r } = setup();
  assert.is(r.ENABLE.length, 4);
  r.ENABLE.at(3).write(1 << 5);
  assert.is(bus.peek(BASE + 0x10c), 1 << 5);
  assert.equal([r.ENABLE.at(3).name, r.ENABLE.at(3).addr], ["DEMO.ENABLE[3]", BASE + 0x10c]);
  assert.is(r.ENABLE.at(2), r.ENABLE.at(2));
  r.PRIORITY.at(5).write(0xa0);
  assert.equal(bus.log.at(-1), { kind: "write", addr: BASE + 0x205, width: 8, value: 0xa0 });
  r.SLOT.at(2).write(7);
  assert.is(bus.peek(BASE + 0x320), 7);
  for (const i of [-1, 4, 1.5, NaN]) assert.throws(() => r.ENABLE.at(i), RangeError, String(i));
});

test("waitUntil returns the number of polls once the field matches", () => {
  const { bus, r } = setup();
  let reads = 0;
  bus.onRead(BASE + 4, () => (++reads >= 3 ? 0x0000_0501 : 0x0000_0500));
  assert.is(r.STAT.waitUntil(STAT.READY, 1), 3);
  assert.is(r.STAT.waitUntil(STAT.LEVEL, 5), 1);
});

test("waitUntil gives up after maxPolls with a PollTimeoutError naming register, field, address, value", () => {
  const { bus, r } = setup();
  let reads = 0;
  bus.onRead(BASE + 4, () => (reads++, 0));
  const err = catchError(() => r.STAT.waitUntil(STAT.READY, 1, { maxPolls: 50 }));
  assert.instance(err, PollTimeoutError);
  const e = err as PollTimeoutError;
  assert.is(e.limit, "polls");
  assert.is(e.polls, 50);
  assert.is(reads, 50);
  assert.equal([e.what, e.expected, e.actual], ["DEMO.STAT[0x1] (0x40001004)", 1, 0]);
  assert.match(e.message, "become 1");
  assert.is(describeField(r.CTRL, CTRL.TOP), "DEMO.CTRL[0xf0000000] (0x40001000)");
});

test("waitUntil has a default poll limit, so it never hangs", () => {
  const bus = new MemoryBus({ logLimit: 10 });
  const r = DEMO.at(BASE, bus);
  const err = catchError(() => r.STAT.waitUntil(STAT.READY, 1));
  assert.instance(err, PollTimeoutError);
  assert.is((err as PollTimeoutError).polls, DEFAULT_MAX_POLLS);
  assert.is(bus.logDropped, DEFAULT_MAX_POLLS - 10);
});

test("waitUntil gives up after timeoutMs by the given clock", () => {
  const { r } = setup();
  let t = 1000;
  const err = catchError(() => r.STAT.waitUntil(STAT.READY, 1, { timeoutMs: 5, now: () => (t += 1) }));
  assert.instance(err, PollTimeoutError);
  const e = err as PollTimeoutError;
  assert.is(e.limit, "time");
  assert.is(e.polls, 5);
  assert.match(e.message, "5 ms");
  // The poll limit still applies when a clock is given.
  const polls = catchError(() => r.STAT.waitUntil(STAT.READY, 1, { maxPolls: 3, timeoutMs: 1e9, now: () => 0 }));
  assert.is((polls as PollTimeoutError).limit, "polls");
});

test("waitUntil refuses options and values that could never work", () => {
  const { r } = setup();
  assert.throws(() => r.STAT.waitUntil(STAT.READY, 1, { timeoutMs: 5 }), /now/);
  assert.throws(() => r.STAT.waitUntil(STAT.READY, 1, { maxPolls: Infinity }), RangeError);
  assert.throws(() => r.STAT.waitUntil(STAT.READY, 1, { maxPolls: 0 }), RangeError);
  assert.throws(() => r.STAT.waitUntil(STAT.READY, 2), RangeError);
  assert.throws(() => r.STAT.waitUntil(STAT.LEVEL, 256), RangeError);
});

test("at() uses the default bus when none is given, and says so when there is none", () => {
  assert.throws(() => DEMO.at(BASE).WIDE.read(), /no RegisterBus/);
  assert.throws(() => DEMO.at(BASE).BYTE.write(0), /no RegisterBus/);
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
  // An array's last element counts: SLOT[2] is at 0x320.
  const slots = defineRegisters({ SLOT: array(rw(0x0), 3, 0x10) });
  assert.throws(() => slots.at(0xffff_ffe0, bus), /SLOT at 0x100000000 is beyond/);
  slots.at(0xffff_ffd0, bus);
});

test("registers are made on first access, once, and only declared names exist", () => {
  const { bus, r } = setup();
  assert.is(bus.log.length, 0, "at() and the lookups touch no register");
  assert.is(r.CTRL, r.CTRL);
  assert.is(r.ENABLE, r.ENABLE);
  assert.is(bus.log.length, 0);
  assert.equal([r.CTRL.name, r.CTRL.addr, r.CTRL.width, r.CTRL.bus === bus], ["DEMO.CTRL", BASE, 32, true]);
  assert.equal([r.HALF.name, r.HALF.addr, r.ENABLE.name], ["DEMO.HALF", BASE + 0xc, "DEMO.ENABLE"]);
  const loose = r as unknown as { [name: string]: unknown };
  assert.is(loose.NOPE, undefined);
  assert.is(loose.at, undefined);
  assert.is(loose.toString, Object.prototype.toString, "ordinary object behaviour still works");
  assert.is(Object.prototype.hasOwnProperty.call(r, "CTRL"), true);
});

test("instances are independent; a declaration can be shared; any register name is free except at", () => {
  const bus = new MemoryBus();
  const a = DEMO.at(BASE, bus);
  const b = DEMO.at(BASE + 0x100, bus);
  a.WIDE.write(1);
  b.WIDE.write(2);
  assert.equal([bus.peek(BASE + 8), bus.peek(BASE + 0x108)], [1, 2]);
  assert.is.not(a.WIDE, b.WIDE);
  const other = defineRegisters({ CTRL: DEMO.CTRL, name: rw(0x10), spec: rw(0x14) }, { name: "OTHER" }).at(BASE, bus);
  const anon = defineRegisters({ CTRL: DEMO.CTRL }).at(BASE, bus);
  assert.equal([other.CTRL.name, anon.CTRL.name, a.CTRL.name], ["OTHER.CTRL", "CTRL", "DEMO.CTRL"]);
  other.spec.write(5);
  assert.equal([other.spec.name, bus.peek(BASE + 0x14), other.name.addr], ["OTHER.spec", 5, BASE + 0x10]);
});

test("access kinds: a W1C register has no read-modify-write, a read-only one no write, a write-only one no read", () => {
  const { bus, r } = setup();
  bus.poke(BASE + 0x14, PENDING.A | PENDING.B);
  // What each kind allows, type-checked by tsc (tsconfig.json includes this file):
  assert.is(r.PENDING.get(PENDING.B), 1);
  r.PENDING.write(r.PENDING.read() & PENDING.A); // write 1 to clear what was read
  r.SET.write(PENDING.B);
  r.ENABLE.at(0).write(1);
  assert.is(r.STAT.read(), 0);
  r.CMD.write(1);
  // And what each kind refuses: these lines must not type-check.
  const refused = (): void => {
    // @ts-expect-error read-modify-write of a write-1-to-clear register would clear every pending bit it read
    r.PENDING.set(PENDING.A);
    // @ts-expect-error likewise clear
    r.PENDING.clear(PENDING.A);
    // @ts-expect-error likewise modify
    r.PENDING.modify(PENDING.A, 0);
    // @ts-expect-error a write-1-to-set register has no read-modify-write either
    r.SET.set(PENDING.A);
    // @ts-expect-error nor does a write-1-to-set array element
    r.ENABLE.at(0).set(1);
    // @ts-expect-error a read-only register has no write
    r.STAT.write(0);
    // @ts-expect-error nor read-modify-write
    r.STAT.set(STAT.READY);
    // @ts-expect-error a write-only register has no read
    r.CMD.read();
    // @ts-expect-error a field of another register's enum
    r.CTRL.get(STAT.READY);
    // @ts-expect-error a register without fields takes none
    r.CMD.waitUntil(1, 0);
  };
  assert.type(refused, "function");
  assert.equal(bus.writes().map((w) => w.addr - BASE), [0x14, 0x18, 0x100, 0x10]);
});

test("esbuild inlines a driver's register enums as literals and drops the enum objects", async () => {
  const pl011 = fileURLToPath(new URL("../../drivers/uart/pl011.ts", import.meta.url));
  const out = await build({
    stdin: { contents: `import { Pl011 } from ${JSON.stringify(pl011)}; new Pl011({ base: 1, clockHz: 48e6 }).init();`, resolveDir: ".", sourcefile: "entry.js" },
    bundle: true, format: "esm", platform: "neutral", target: "es2020", external: ["hal"], write: false, logLevel: "silent",
  });
  const js = out.outputFiles[0].text;
  assert.match(js, "cr.write(1 /* UARTEN */ | 256 /* TXE */ | 512 /* RXE */)");
  assert.match(js, "lcrh.write(96 /* BITS_8 */ | 16 /* FEN */)");
  assert.not.match(js, /\bvar (CR|FR|LCR_H|LCR_H_WLEN|INT|DR)\b/, "no enum object is built");
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
