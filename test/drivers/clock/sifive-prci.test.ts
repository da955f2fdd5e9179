import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FU540_HFCLK_HZ, PLLCFG0, PRCI_REGS, SifivePrci, decodePll, pllOutputHz } from "../../../drivers/clock/sifive-prci.ts";
import { SifivePrciModel } from "../../../models/clock/sifive-prci.ts";

const BASE = 0x1000_0000;
// Addresses from the FU540-C000 Manual chapter 7, written out again so a wrong offset in the driver shows.
const HFXOSCCFG = 0x1000_0000, COREPLLCFG0 = 0x1000_0004, CORECLKSEL = 0x1000_0024, DDRPLLCFG1 = 0x1000_0010;
const NAMES: Record<number, string> = { [HFXOSCCFG]: "HFXOSCCFG", [COREPLLCFG0]: "COREPLLCFG0", [CORECLKSEL]: "CORECLKSEL" };
const reads = (bus: MemoryBus) => bus.log.map((a) => `${a.kind} ${NAMES[a.addr] ?? a.addr.toString(16)}`);
/** corepllcfg0 from the manual's fields: divr [5:0], divf [14:6], divq [17:15], bypass 24. */
const pll = (divr: number, divf: number, divq: number, bypass = false) => (divr | (divf << 6) | (divq << 15) | (bypass ? 1 << 24 : 0)) >>> 0;

function setup() {
  const bus = new MemoryBus();
  const model = new SifivePrciModel(bus, BASE);
  const prci = new SifivePrci({ base: BASE, refHz: FU540_HFCLK_HZ, bus });
  return { bus, model, prci };
}

test("FU540_HFCLK_HZ is the Unleashed's 33.33 MHz oscillator", () => {
  assert.is(FU540_HFCLK_HZ, 33_333_333);
});

test("QEMU reset: coreclk on hfclk, 33,333,333 Hz; tlclk 16,666,667; only CORECLKSEL read", () => {
  const { bus, model, prci } = setup();
  assert.is(prci.coreHz(), 33_333_333);
  assert.equal(reads(bus), ["read CORECLKSEL"]);
  assert.is(prci.tlclkHz(), 16_666_667);
  assert.is(prci.tlclkHz(), Math.round(model.tlclkHz()));
});

test("QEMU reset: corePll decodes divr 1, divf 31, divq 3, not bypassed (133.3 MHz if selected)", () => {
  const { bus, model, prci } = setup();
  assert.is(model.reg(0x04), 0x8201_87c1, "divr 1 | divf 31 | divq 3 | fse | lock");
  assert.equal(prci.corePll(), { divr: 1, divf: 31, divq: 3, bypass: false });
  assert.equal(reads(bus), ["read COREPLLCFG0"]);
  assert.is(pllOutputHz(FU540_HFCLK_HZ, prci.corePll()), 133_333_332);
});

test("core PLL selected with divr 0, divf 59, divq 2: 1 GHz (999,999,990 Hz from 33,333,333), tlclk half", () => {
  const { bus, model, prci } = setup();
  bus.write32(COREPLLCFG0, pll(0, 59, 2));
  bus.write32(CORECLKSEL, 0);
  bus.clearLog();
  assert.is(prci.coreHz(), 999_999_990);
  assert.equal(reads(bus), ["read CORECLKSEL", "read COREPLLCFG0"]);
  assert.is(prci.coreHz(), Math.round(model.coreclkHz()));
  assert.ok(Math.abs(prci.coreHz() - 1e9) / 1e9 < 1e-7);
  assert.is(prci.tlclkHz(), 499_999_995);
});

test("a bypassed PLL passes the reference through", () => {
  const { bus, model, prci } = setup();
  bus.write32(COREPLLCFG0, pll(0, 59, 2, true));
  bus.write32(CORECLKSEL, 0);
  assert.is(prci.coreHz(), FU540_HFCLK_HZ);
  assert.is(model.coreclkHz(), FU540_HFCLK_HZ);
  assert.is(prci.tlclkHz(), 16_666_667);
});

test("decodePll and the declaration: fields at the manual's bit positions", () => {
  assert.equal(decodePll(0xffff_ffff), { divr: 63, divf: 511, divq: 7, bypass: true });
  assert.equal(decodePll(pll(5, 0, 0)), { divr: 5, divf: 0, divq: 0, bypass: false });
  assert.equal(decodePll(pll(0, 0x1ff, 0)), { divr: 0, divf: 511, divq: 0, bypass: false });
  assert.equal(decodePll(pll(0, 0, 7)), { divr: 0, divf: 0, divq: 7, bypass: false });
  assert.equal(decodePll(1 << 24), { divr: 0, divf: 0, divq: 0, bypass: true });
  assert.equal(decodePll((1 << 25) | 0x8000_0000 | (7 << 18)), { divr: 0, divf: 0, divq: 0, bypass: false }, "fse, lock, range ignored");
  assert.equal([PLLCFG0.DIVR, PLLCFG0.DIVF, PLLCFG0.DIVQ, PLLCFG0.BYPASS, PLLCFG0.LOCK >>> 0], [0x3f, 0x7fc0, 0x38000, 0x100_0000, 0x8000_0000]);
  assert.equal([PRCI_REGS.HFXOSCCFG.offset, PRCI_REGS.COREPLLCFG0.offset, PRCI_REGS.DDRPLLCFG0.offset, PRCI_REGS.GEMGXLPLLCFG0.offset, PRCI_REGS.CORECLKSEL.offset, PRCI_REGS.DEVICESRESETREG.offset], [0, 4, 0xc, 0x1c, 0x24, 0x28]);
});

test("a missing or zero base is refused before touching the bus", () => {
  const bus = new MemoryBus();
  const prci = new SifivePrci({ base: 0, refHz: FU540_HFCLK_HZ, bus });
  assert.throws(() => prci.coreHz(), /base/);
  assert.throws(() => prci.corePll(), /base/);
  assert.is(bus.log.length, 0);
});

test("model: PLLs stay locked on internal feedback, the oscillator stays ready, the rest is plain", () => {
  const { bus } = setup();
  assert.is(bus.read32(HFXOSCCFG), 0xc000_0000);
  bus.write32(HFXOSCCFG, 0);
  assert.is(bus.read32(HFXOSCCFG), 0x8000_0000);
  bus.write32(COREPLLCFG0, pll(0, 59, 2));
  assert.is(bus.read32(COREPLLCFG0), (pll(0, 59, 2) | (1 << 25) | 0x8000_0000) >>> 0);
  bus.write32(DDRPLLCFG1, 0x100_0000);
  assert.is(bus.read32(DDRPLLCFG1), 0x100_0000);
  assert.is(bus.read32(CORECLKSEL), 1);
});

test.run();
