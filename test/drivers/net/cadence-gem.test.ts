import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { CadenceGemModel, GemPhyModel } from "../../../models/net/cadence-gem.ts";
import { CadenceGem, mdcClockDivFor, type CadenceGemOptions } from "../../../drivers/net/cadence-gem.ts";
import { assertInitialised, assertReceived, assertRelink, dmaNicTests, initLog, initRings, linkedUp, orderingRig, rig, testFrame, type RigOptions } from "../../support/net/dma-nic.ts";

const BASE = 0x1009_0000; // sifive_u GEM (FU540-C000 memory map; QEMU sifive_u.c)
const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
// Offsets from UG585 appendix B (module gem), written out again so a wrong one in the driver shows.
const NAMES: Record<number, string> = {
  0x000: "NCR", 0x004: "NCFGR", 0x008: "NSR", 0x010: "DMACFG", 0x014: "TSR", 0x018: "RBQB", 0x01c: "TBQB", 0x020: "RSR",
  0x024: "ISR", 0x028: "IER", 0x02c: "IDR", 0x030: "IMR", 0x034: "MAN", 0x080: "HRB", 0x084: "HRT", 0x088: "SA1B",
  0x08c: "SA1T", 0x280: "DCFG1",
};
const NCR = BASE, NCFGR = BASE + 0x004, DMACFG = BASE + 0x010, ISR = BASE + 0x024, MAN = BASE + 0x034;
const DCFG1 = BASE + 0x280;
const TSTART = 1 << 9;
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr - BASE] : `${NAMES[a.addr - BASE]}=${a.value.toString(16)}`));

interface Setup extends RigOptions<CadenceGemOptions> {
  phy?: GemPhyModel;
}

/** The GEM over its model, DMA memory in the FU540's DDR; `gem` is the driver. */
function setup(o: Setup = {}) {
  const model = (bus: MemoryBus, dma: FakeDma) => new CadenceGemModel(bus, BASE, { dma, phy: o.phy, phyAddress: o.modelPhyAddress });
  const r = rig(o, 0x8ff0_0000, model, (options) => new CadenceGem({ base: BASE, mac: MAC, phyAddress: 0, ...options }));
  return { ...r, gem: r.nic };
}

const up = (o: Setup = {}) => linkedUp(setup(o));

/** A test frame from our MAC: broadcast unless `dst` is given. */
const frame = (n: number, seed = 0, dst?: ArrayLike<number>) => testFrame(MAC, n, seed, dst);

test("init: UG585 16.3 register by register, then MDIO with the management port on", () => {
  const s = setup();
  const { log, rx, tx } = initLog(s, accesses);
  assert.equal(log.slice(0, 22), [
    "NCR=0", // "Initialize the Controller": 1. everything off
    "NCR=20", // 2. clear_stat_regs
    "RSR=f", "TSR=ff", // 3. status bits, write 1 to clear
    "IDR=7fffeff", // 4. every interrupt disabled
    "DCFG1", "ISR", // irq_read_clear (QEMU: 1, so ISR is read to clear it and not written)
    "RBQB=0", "TBQB=0", // 5. no lists
    "NCFGR=120003", // "Configure the Controller": FCS_REMOVE (17), MDC /64 (20:18 = 4: 125 MHz / 64 = 1.95 MHz), 32-bit bus, 100 Mb/s (0), full duplex (1)
    "HRB=0", "HRT=0", // no hash matches
    "SA1B=12005452", "SA1T=5634", // 52:54:00:12:34:56, byte 0 lowest
    "DMACFG=180710", // RX_BUF_SIZE 24 x 64 = 1536, RX/TX packet buffers full (9:8 = 3, 10), INCR16; 6, 7, 11, 28-30 clear
    "NCR=10", // MGMT_PORT_EN
    `RBQB=${rx}`, `TBQB=${tx}`,
    "IER=cc2", // rx_complete (1), tx_corrupt_ahb_err (6), tx_complete (7), rx_overrun (10), hresp_not_ok (11)
    "NCR=1c", // RX_EN, TX_EN, MGMT_PORT_EN
    "NSR", "MAN=600a0000", // MDIO from here: PHYID1 of PHY 0
  ]);
  // Clause 22 frames: start 01 (31:30), operation 10 read / 01 write (29:28), PHY 0 (27:23),
  // register (22:18), turnaround 10 (17:16), data. PHYID1, PHYID2, BMCR reset, BMCR poll, BMSR,
  // register 9 = 0 (no 1000BASE-T advertisement), BMSR, ANAR = 0x01E1, BMCR = AN enable | restart.
  assert.equal(s.bus.writes(MAN).map((a) => a.value.toString(16)), ["600a0000", "600e0000", "50028000", "60020000", "60060000", "50260000", "60060000", "501201e1", "50021200"]);
  assert.equal(s.model.phy.read(9), 0);
  assertInitialised(s);
});

test("init: 16 + 16 two-word descriptors; receive owned by the MAC, transmit USED; WRAP on the last; 1536-byte buffers", () => {
  const { rx, tx, rxData, txData } = initRings(setup());
  assert.is(tx.buffer.byteLength, 16 * 8 + 16, "16 bytes of slack for QEMU's 24-byte write-back");
  const rv = new DataView(rx.buffer), tv = new DataView(tx.buffer);
  for (let i = 0; i < 16; i++) {
    assert.is(rv.getUint32(8 * i, true), ((rxData.addr + 1536 * i) | (i === 15 ? 2 : 0)) >>> 0, `rx ${i} word 0`);
    assert.is(rv.getUint32(8 * i + 4, true), 0);
    assert.is(tv.getUint32(8 * i, true), txData.addr + 1536 * i);
    assert.is(tv.getUint32(8 * i + 4, true), i === 15 ? 0xc000_0000 : 0x8000_0000, `tx ${i} word 1`);
  }
});

test("mdcClockDivFor: the smallest of /8 /16 /32 /48 /64 /96 /128 /224 keeping MDC at most 2.5 MHz", () => {
  assert.is(mdcClockDivFor(16_666_666), 0); // QEMU's tlclk: /8 = 2.08 MHz
  assert.is(mdcClockDivFor(20_000_000), 0); // exactly 2.5 MHz
  assert.is(mdcClockDivFor(20_000_001), 1);
  assert.is(mdcClockDivFor(125_000_000), 4);
  assert.is(mdcClockDivFor(240_000_000), 5);
  assert.is(mdcClockDivFor(560_000_000), 7);
  for (const hz of [561_000_000, 0, NaN, -1]) assert.throws(() => mdcClockDivFor(hz), RangeError, String(hz));
});

test("MDIO: a management port that never goes idle is an error after maxPolls, not a hang", () => {
  const { gem, bus } = up({ options: { maxPolls: 20 } });
  bus.onRead(BASE + 0x008, () => 0); // NSR: PHY_MGMT_IDLE (bit 2) never set
  assert.throws(() => gem.mdioRead(0, 1), /CadenceGem: no answer on MDIO \(PHY 0, register 1\) \(GEM\.NSR\[0x4\] \(0x10090008\) did not become 1 within 20 polls/);
});

test("link: down while the cable is out; up at 100 Mb/s full duplex, heard once; down and up again", () => {
  const phy = new GemPhyModel({ link: false });
  const s = setup({ phy });
  const { gem, heard, bus } = s;
  gem.init();
  assert.is(gem.pollLink(), false);
  assert.equal(heard.links, []);
  phy.setLink(true);
  bus.clearLog();
  assert.is(gem.pollLink(), true);
  assert.is(gem.pollLink(), true);
  assert.equal(heard.links, [true]);
  // QEMU's PHY clears BMCR's AN enable once negotiated: the mode comes from ANAR & ANLPAR, not BMCR.
  assert.equal(gem.linkMode, { speed: 100, fullDuplex: true });
  assert.equal(bus.writes(NCFGR), [], "NCFGR already holds 100 Mb/s full duplex");
  assertRelink(s, phy);
});

test("receive: frames arrive without FCS, in order, across several ring wraps; unicast to us and broadcast", () => {
  const s = up();
  const { model } = s;
  assertReceived(s, Array.from({ length: 40 }, (_, i) => frame(60 + i * 37, i, i % 2 ? MAC : undefined)));
  model.inject(frame(64, 0, [0x02, 0, 0, 0, 0, 1])); // for someone else: the MAC's filter drops it
  assert.is(model.filtered, 1);
  assert.equal(model.guestErrors, []);
});

test("receive: a frame shorter than 60 bytes comes back as 60 (QEMU pads the length, not the bytes)", () => {
  const { model, heard, service } = up();
  const f = frame(42, 3);
  model.inject(f);
  service();
  assert.is(heard.frames.length, 1);
  assert.is(heard.frames[0].length, 60);
  assert.equal(heard.frames[0].slice(0, 42), Array.from(f));
});

test("receive: a full ring stalls (RSR.BNA); returning descriptors rewrites NCR, and QEMU delivers what it queued", () => {
  const { model, heard, service, bus } = up();
  for (let i = 0; i < 20; i++) model.inject(frame(64, i));
  assert.is(model.queued, 4);
  assert.is(model.reg(0x020) & 1, 1, "RSR.BNA");
  assert.is(heard.frames.length, 0);
  service();
  assert.is(model.queued, 0);
  assert.is(model.queueDrops, 0);
  assert.equal(heard.frames, Array.from({ length: 20 }, (_, i) => Array.from(frame(64, i))));
  assert.equal(bus.writes(NCR).map((a) => a.value.toString(16)), ["1c"], "one NCR write, RX_EN kept");
  assert.is(model.reg(0x020) & 1, 0, "BNA cleared");
});

test("round trips: a peer that echoes every frame; 50 frames of every size cross both rings three times", () => {
  const bus = new MemoryBus();
  const dma = new FakeDma(0x8ff0_0000, 0x10_0000);
  const echoes: Uint8Array[] = [];
  const model = new CadenceGemModel(bus, BASE, { dma, onTransmit: (f) => void echoes.push(Uint8Array.from(f).fill(0xff, 0, 6)) });
  const gem = new CadenceGem({ base: BASE, bus, dma, mac: MAC, phyAddress: 0 });
  const back: number[][] = [];
  gem.attach({ receive: (f) => void back.push(Array.from(f)), writable: () => {}, link: () => {} });
  gem.init();
  assert.ok(gem.pollLink());
  const sent: number[][] = [];
  for (let i = 0; i < 50; i++) {
    const f = frame(60 + ((i * 97) % 1455), i);
    assert.ok(gem.send(f));
    sent.push(Array.from(f));
    for (const e of echoes.splice(0)) model.inject(e);
    for (let k = 0; k < 10 && model.irq; k++) gem.onInterrupt();
  }
  assert.equal(back, sent);
  assert.equal(model.guestErrors, []);
  assert.is(gem.txPending, 0);
});

test("ordering: data, barrier, USED cleared, barrier, TSTART; ownership seen, barrier, data; barrier, handed back", () => {
  const { s, order, probe } = orderingRig(setup, (addr, value) => (addr === NCR && value & TSTART ? "TSTART" : undefined));
  const tx = new DataView(s.dma.allocations[1].buffer);
  const rx = new DataView(s.dma.allocations[0].buffer);
  const txData = new Uint8Array(s.dma.allocations[3].buffer);
  probe.describe = () => `data=${txData[14]} USED=${tx.getUint32(4, true) >>> 31}`;
  order.length = 0;
  s.model.holdTransmit = true;
  s.gem.send(frame(100, 7));
  assert.equal(order, ["barrier data=21 USED=1", "barrier data=21 USED=0", "TSTART"]);
  probe.describe = () => `OWN=${rx.getUint32(0, true) & 1}`;
  order.length = 0;
  s.model.inject(frame(70));
  s.gem.onInterrupt();
  assert.equal(order, ["barrier OWN=1", "barrier OWN=1"]);
  assert.is(rx.getUint32(0, true) & 1, 0);
});

dmaNicTests({
  setup,
  frame,
  stuck: ({ bus }) => {
    bus.onRead(BASE + 0x014, () => 1 << 3); // tx_status tx_go stays set
    return /CadenceGem: transmission did not halt \(tx_status tx_go stayed set\)/;
  },
  tooFastClock: 1e9,
  phy: { address: 0, id: 0x0141_0cc2, anarAfter: 0x0061 },
  halfDuplex: {
    what: "clears NCFGR's SPEED and FULL_DUPLEX",
    check: ({ bus }) => assert.equal(bus.writes(NCFGR).map((a) => a.value.toString(16)), ["120000"]),
  },
  transmit: {
    what: "USED",
    check: ({ bus, model }) => {
      assert.equal(bus.writes(NCR).map((a) => a.value), Array(40).fill(0x1c | TSTART));
      assert.equal(model.guestErrors, [], "QEMU's 24-byte write-back at the last descriptor stays in the ring's allocation");
    },
  },
  handedBack: ({ dma }) => assert.is(new DataView(dma.allocations[0].buffer).getUint32(0, true) & 1, 0),
  busError: {
    what: "hresp_not_ok",
    check: ({ bus, dma }) => {
      const [rx, tx] = dma.allocations.map((a) => a.addr.toString(16));
      assert.equal(accesses(bus), ["ISR", "NCR=10", "RSR=f", "TSR=ff", `RBQB=${rx}`, `TBQB=${tx}`, "NCR=1c"]);
    },
  },
});

test("descriptor errors: frames over several buffers, bad lengths and transmit error bits are counted and dropped", () => {
  const { model, gem, heard, service, dma } = up();
  // Frames over several buffers: 128-byte buffers (DMACFG RX_BUF_SIZE 2) make a 300-byte frame take three.
  gem.registers.DMACFG.write((2 << 16) | 0x710);
  model.inject(frame(300, 1));
  service();
  assert.is(gem.rxErrors.fragmented, 1);
  gem.registers.DMACFG.write((24 << 16) | 0x710);
  // A length above 1514 bytes: a MAC left handing over the FCS (NCFGR FCS_REMOVE clear) makes a 1514-byte frame 1518.
  gem.registers.NCFGR.write(0x0010_0003);
  model.inject(frame(1514, 4));
  service();
  gem.registers.NCFGR.write(0x0012_0003);
  assert.equal(gem.rxErrors, { fragmented: 1, length: 1 });
  // A frame above 1518 bytes: QEMU drops it and raises tx_corrupt_ahb_err, counted as a bus error.
  model.inject(frame(1600, 2));
  assert.is(model.oversize, 1);
  assert.is(model.irq, false, "QEMU raises no line for it until the next update");
  model.inject(frame(64, 9)); // updates the line, as the next frame does in QEMU
  service();
  assert.is(gem.stats.busErrors, 1);
  assert.equal(heard.frames, [Array.from(frame(64, 9))]);
  // A transmit descriptor that comes back with the retry-limit error bit.
  model.holdTransmit = true;
  gem.send(frame(64));
  const tx = new DataView(dma.allocations[1].buffer);
  tx.setUint32(4, tx.getUint32(4, true) | 0x8000_0000 | (1 << 29), true);
  gem.onInterrupt();
  assert.is(gem.stats.txErrors, 1);
  assert.is(gem.txPending, 0);
  for (let i = 0; i < 20; i++) model.inject(frame(64, 10 + i)), service();
  assert.is(heard.frames.length, 21);
});

test("onInterrupt: ISR clears on read under QEMU; a GEM without irq_read_clear gets the bits written back", () => {
  const q = up();
  q.gem.send(frame(64));
  assert.ok(q.model.irq);
  q.bus.clearLog();
  q.gem.onInterrupt();
  assert.equal(q.bus.writes(ISR), []);
  assert.is(q.model.irq, false);

  const bus = new MemoryBus();
  const dma = new FakeDma();
  const model = new CadenceGemModel(bus, BASE, { dma });
  bus.onRead(DCFG1, () => 0x0250_0111); // designcfg_debug1 with bit 23 (irq_read_clear) clear
  const gem = new CadenceGem({ base: BASE, bus, dma, mac: MAC, phyAddress: 0 });
  gem.init();
  gem.pollLink();
  gem.send(frame(64));
  bus.clearLog();
  gem.onInterrupt();
  assert.equal(bus.writes(ISR).map((a) => a.value), [0x80]); // tx_complete
  assert.is(model.irq, false);
});

test("model: with DMACFG addr64 QEMU reads four-word descriptors, which is why the driver keeps it clear", () => {
  const { gem, model, bus, dma } = up();
  model.holdTransmit = true;
  gem.send(frame(64)); // descriptor 0; word 2 of a four-word descriptor is descriptor 1's buffer address
  bus.write32(DMACFG, 0x4018_0710);
  model.releaseTransmit();
  assert.equal(model.transmitted, []);
  const upper = (dma.allocations[3].addr + 1536) * 0x1_0000_0000;
  assert.equal(model.guestErrors, [`DMA to 0x${(upper + dma.allocations[3].addr).toString(16)}+64: not DMA memory`]);
});

test("every register access is 32-bit; RBQB and TBQB hold the lists; the MAC address reaches SA1B/SA1T", () => {
  const s = setup();
  s.gem.init();
  s.gem.pollLink();
  s.gem.send(frame(64));
  s.gem.onInterrupt();
  assert.ok(s.bus.log.every((a) => a.width === 32));
  assert.is(s.model.reg(0x018), s.dma.allocations[0].addr);
  assert.is(s.model.reg(0x01c), s.dma.allocations[1].addr);
  assert.equal(s.model.guestErrors, []);
});

test.run();
