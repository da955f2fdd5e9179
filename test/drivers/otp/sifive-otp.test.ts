import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { OTP_WORDS, SifiveOtp } from "../../../drivers/otp/sifive-otp.ts";
import { SifiveOtpModel, type SifiveOtpModelOptions } from "../../../models/otp/sifive-otp.ts";

const BASE = 0x1007_0000;
// Offsets from QEMU's sifive_u_otp.h / U-Boot's sifive-otp.c, written out again so a wrong one in the driver shows.
const PA = BASE + 0x00, PCE = BASE + 0x0c, PCLK = BASE + 0x10, PDOUT = BASE + 0x18, PDSTB = BASE + 0x1c, PTRIM = BASE + 0x34;
const NAMES: Record<number, string> = { [PA]: "PA", [PCE]: "PCE", [PCLK]: "PCLK", [PDOUT]: "PDOUT", [PDSTB]: "PDSTB", [PTRIM]: "PTRIM" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => {
  const n = NAMES[a.addr] ?? a.addr.toString(16);
  return a.kind === "read" ? n : `${n}=${a.value.toString(16)}`;
});

function setup(options: SifiveOtpModelOptions = {}) {
  const bus = new MemoryBus({ logLimit: 10_000 });
  const model = new SifiveOtpModel(bus, BASE, options);
  const otp = new SifiveOtp({ base: BASE, bus });
  return { bus, model, otp };
}

test("read: U-Boot's sequence: PDSTB, PTRIM, PCE up; PA, PCLK pulse, PDOUT per word; PCE, PTRIM, PDSTB down", () => {
  const { bus, model, otp } = setup({ serial: 0x1234_5678 });
  assert.equal(otp.read(0xfc, 2), [0x1234_5678, 0xedcb_a987]);
  assert.equal(accesses(bus), [
    "PDSTB=1", "PTRIM=1", "PCE=1",
    "PA=fc", "PCLK=1", "PCLK=0", "PDOUT",
    "PA=fd", "PCLK=1", "PCLK=0", "PDOUT",
    "PCE=0", "PTRIM=0", "PDSTB=0",
  ]);
  assert.equal(model.warnings, [], "PDSTB and PTRIM only change with the macro disabled");
  assert.not.ok(model.powered, "powered down after");
});

test("read returns the fuse words; unprogrammed words read 0xffffffff", () => {
  const { otp } = setup({ fuses: { 0: 0, 1: 0x8000_0001, 4095: 0xabcd } });
  assert.equal(otp.read(0, 3), [0, 0x8000_0001, 0xffff_ffff]);
  assert.equal(otp.read(4094, 2), [0xffff_ffff, 0xabcd]);
  assert.equal(otp.read(7), [0xffff_ffff]);
});

test("read refuses words outside 0..4095 and a zero base, before touching the bus", () => {
  const { bus, otp } = setup();
  assert.is(OTP_WORDS, 4096);
  for (const [index, count] of [[-1, 1], [4096, 1], [4095, 2], [0, 4097], [1.5, 1], [0, -1], [NaN, 1], [0, 0.5]]) {
    assert.throws(() => otp.read(index, count), RangeError, `read(${index}, ${count})`);
  }
  assert.throws(() => new SifiveOtp({ base: 0, bus }).read(0), /base/);
  assert.is(bus.log.length, 0);
});

test("serialNumber: QEMU's pair at 0xfc/0xfd, after finding none at 0xfe/0xff", () => {
  const { model, otp } = setup({ serial: 0x00c0_ffee });
  assert.is(otp.serialNumber(), 0x00c0_ffee);
  assert.equal(model.fuseReads, [0xfe, 0xff, 0xfc, 0xfd]);
  assert.equal(model.warnings, []);
});

test("serialNumber: scanning from 0xfe down, the first valid pair wins; invalid pairs are skipped", () => {
  assert.is(setup({ serial: 1, fuses: { 0xfe: 7, 0xff: ~7 } }).otp.serialNumber(), 7, "a pair above 0xfc wins");
  // A pair burnt to all ones (invalidated), then a valid one below it.
  assert.is(setup({ fuses: { 0xfc: 0xffff_ffff, 0xfd: 0xffff_ffff, 0xfa: 9, 0xfb: ~9 } }).otp.serialNumber(), 9);
  assert.is(setup({ serial: 3, fuses: { 0xfe: 0xffff_ffff, 0xff: 0 } }).otp.serialNumber(), 3, "(ffffffff, 0) is not a serial");
  assert.is(setup({ serial: 3, fuses: { 0xfe: 5, 0xff: 5 } }).otp.serialNumber(), 3, "not complements");
  assert.is(setup({ fuses: { 0: 0, 1: 0xffff_ffff } }).otp.serialNumber(), 0, "serial 0 at the bottom pair");
});

test("serialNumber: undefined with none programmed, after every pair from 0xfe down to 0", () => {
  const { model, otp } = setup();
  assert.is(otp.serialNumber(), undefined);
  assert.equal(model.fuseReads.slice(0, 4), [0xfe, 0xff, 0xfc, 0xfd]);
  assert.equal(model.fuseReads.slice(-2), [0, 1]);
  assert.equal([...model.fuseReads].sort((a, b) => a - b), Array.from({ length: 256 }, (_, i) => i));
});

test("model: PDOUT gives fuse[PA] only with PCE, PDSTB and PTRIM all enabled, else 0xff (as QEMU)", () => {
  const { bus, model } = setup({ fuses: { 0x123: 0x5555_aaaa } });
  bus.write32(PA, 0xf123);
  assert.is(bus.read32(PA), 0x123, "PA is 12 bits");
  for (const [pdstb, ptrim, pce] of [[0, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1]]) {
    bus.write32(PCE, 0);
    bus.write32(PDSTB, pdstb);
    bus.write32(PTRIM, ptrim);
    bus.write32(PCE, pce);
    assert.is(bus.read32(PDOUT), 0xff, `PDSTB=${pdstb} PTRIM=${ptrim} PCE=${pce}`);
  }
  bus.write32(PDSTB, 1);
  assert.is(bus.read32(PDOUT), 0x5555_aaaa);
  assert.equal(model.fuseReads, [0x123]);
  assert.equal(model.warnings, ["PDSTB changed while PCE=1"]);
});

test.run();
