import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { ImxEnetModel, crc32 } from "../../../models/net/imx-enet.ts";
import { MiiPhyModel } from "../../../models/net/mii-phy.ts";
import { ImxEnet, mscrFor, type ImxEnetOptions } from "../../../drivers/net/imx-enet.ts";
import { assertInitialised, assertReceived, assertRelink, dmaNicTests, initLog, initRings, linkedUp, orderingRig, rig, testFrame, type RigOptions } from "../../support/net/dma-nic.ts";

const BASE = 0x0218_8000; // ENET1 (IMX6ULLRM memory map; QEMU fsl-imx6ul.c)
const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
// Offsets from IMX6ULLRM 22.5, written out again so a wrong one in the driver shows.
const NAMES: Record<number, string> = {
  0x004: "EIR", 0x008: "EIMR", 0x010: "RDAR", 0x014: "TDAR", 0x024: "ECR", 0x040: "MMFR", 0x044: "MSCR",
  0x084: "RCR", 0x0c4: "TCR", 0x0e4: "PALR", 0x0e8: "PAUR", 0x0ec: "OPD", 0x118: "IAUR", 0x11c: "IALR",
  0x120: "GAUR", 0x124: "GALR", 0x144: "TFWR", 0x180: "RDSR", 0x184: "TDSR", 0x188: "MRBR",
};
const EIR = BASE + 0x004, ECR = BASE + 0x024, MMFR = BASE + 0x040, RCR = BASE + 0x084, TCR = BASE + 0x0c4, TDAR = BASE + 0x014, RDAR = BASE + 0x010;
const RXF = 1 << 25, TXF = 1 << 27, MII = 1 << 23;
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr - BASE] : `${NAMES[a.addr - BASE]}=${a.value.toString(16)}`));

interface Setup extends RigOptions<ImxEnetOptions> {
  phy?: MiiPhyModel;
}

/** ENET1 over its model with the PHY at address 2, DMA memory in DDR; `enet` is the driver. */
function setup(o: Setup = {}) {
  const model = (bus: MemoryBus, dma: FakeDma) => new ImxEnetModel(bus, BASE, { dma, phy: o.phy, phyAddress: o.modelPhyAddress === undefined ? 2 : o.modelPhyAddress });
  const r = rig(o, 0x9ff0_0000, model, (options) => new ImxEnet({ base: BASE, mac: MAC, phyAddress: 2, ...options }));
  return { ...r, enet: r.nic };
}

const up = (o: Setup = {}) => linkedUp(setup(o));

/** A test frame from our MAC to the broadcast address. */
const frame = (n: number, seed = 0) => testFrame(MAC, n, seed);

test("init: reset, the RM's user initialization register by register, ETHEREN with DBSWP, RDAR; then the PHY", () => {
  const s = setup();
  const { log, rx: rdsr, tx: tdsr } = initLog(s, accesses);
  assert.equal(log.slice(0, 20), [
    "ECR=1", "ECR", // RESET, self-clearing
    "EIMR=a400000", // RXF (bit 25), TXF (27), EBERR (22)
    "EIR=ffffffff",
    "TFWR=100", // STRFWD
    "IALR=0", "IAUR=0", "GALR=0", "GAUR=0",
    "PALR=52540012", "PAUR=34560000", // 52:54:00:12:34:56
    "RCR=5ee0104", // MAX_FL 1518, RMII_MODE, MII_MODE; no LOOP, DRT, PROM, FCE
    "TCR=4", // FDEN
    "MSCR=1a", // MII_SPEED 13: 66 MHz / 28 = 2.36 MHz; HOLDTIME 0 (15 ns >= 10 ns)
    "MRBR=600", `RDSR=${rdsr}`, `TDSR=${tdsr}`,
    "ECR=102", // DBSWP | ETHEREN, EN1588 clear: legacy descriptors
    "RDAR=1000000",
    "EIR=800000", // MDIO from here
  ]);
  // PHY 2: PHYID1/2, BMCR reset, BMCR read, BMSR, ANAR = 0x01E1, BMCR = AN enable | restart.
  // ST 01, OP 01 write / 10 read, PA 2 (bits 27:23), RA (22:18), TA 10, data.
  assert.equal(s.bus.writes(MMFR).map((a) => a.value.toString(16)), ["610a0000", "610e0000", "51028000", "61020000", "61060000", "511201e1", "51021200"]);
  assertInitialised(s);
});

test("init: 16 + 16 legacy descriptors, E on every receive one, W on the last of each, 1536-byte 64-aligned buffers", () => {
  const { rx, tx, rxData, txData } = initRings(setup());
  assert.is(tx.buffer.byteLength, 16 * 8);
  const rv = new DataView(rx.buffer), tv = new DataView(tx.buffer);
  for (let i = 0; i < 16; i++) {
    assert.is(rv.getUint16(8 * i + 2, true), i === 15 ? 0xa000 : 0x8000, `rx ${i}`);
    assert.is(tv.getUint16(8 * i + 2, true), i === 15 ? 0x2000 : 0, `tx ${i}`);
    assert.is(rv.getUint32(8 * i + 4, true), rxData.addr + 1536 * i);
    assert.is(tv.getUint32(8 * i + 4, true), txData.addr + 1536 * i);
  }
});

test("mscrFor: MII_SPEED = ceil(clock / 5 MHz) - 1, HOLDTIME = ceil(clock * 10 ns) - 1; out of range refused", () => {
  assert.is(mscrFor(66_000_000), 13 << 1);
  assert.is(mscrFor(132_000_000), (26 << 1) | (1 << 8));
  assert.is(mscrFor(50_000_000), 9 << 1);
  for (const hz of [5_000_000, 400_000_000, 0, NaN]) assert.throws(() => mscrFor(hz), RangeError, String(hz));
});

test("init errors: a MAC that stays in reset is an error after maxPolls, not a hang", () => {
  const stuck = setup({ options: { maxPolls: 10 } });
  stuck.bus.onRead(ECR, () => 1);
  assert.throws(() => stuck.enet.init(), /ImxEnet: the MAC did not leave reset \(ENET\.ECR\[0x1\] \(0x02188024\) did not become 0 within 10 polls/);
});

test("MDIO: clears EIR.MII before the frame and after it; the MII event is not acknowledged by onInterrupt", () => {
  const { enet, bus, model } = up();
  enet.mdioRead(2, 1);
  assert.equal(accesses(bus), ["EIR=800000", "MMFR=61060000", "EIR", "EIR=800000", "MMFR"]);
  enet.registers.MMFR.write(0x6106_0000); // an MDIO frame done (EIR.MII) while a frame arrives (RXF)
  model.inject(frame(64));
  assert.is(model.reg(0x004) & (MII | RXF), MII | RXF);
  bus.clearLog();
  enet.onInterrupt();
  assert.equal(bus.writes(EIR).map((a) => a.value.toString(16)), ["2000000"]);
  assert.is(model.reg(0x004) & MII, MII);
});

test("MDIO: no answer (MDC off) is an error after maxPolls, not a hang", () => {
  const { enet } = up({ options: { maxPolls: 20 } });
  enet.registers.MSCR.write(0);
  assert.throws(() => enet.mdioRead(2, 1), /ImxEnet: no answer on MDIO \(PHY 2, register 1\) \(ENET\.EIR\[0x800000\] \(0x02188004\) did not become 1 within 20 polls/);
});

test("link: up after auto-negotiation completes, heard once; down and up again", () => {
  const phy = new MiiPhyModel({ autonegPending: true });
  const s = setup({ phy });
  const { enet, heard } = s;
  enet.init();
  assert.is(enet.pollLink(), false);
  assert.is(enet.pollLink(), false);
  assert.equal(heard.links, []);
  phy.completeAutoneg();
  assert.is(enet.pollLink(), true);
  assert.is(enet.pollLink(), true);
  assert.equal(heard.links, [true]);
  assert.equal(enet.linkMode, { speed: 100, fullDuplex: true });
  assertRelink(s, phy);
  assert.is(enet.stats.restarts, 0, "the negotiated mode is the one programmed at init: no restart");
});

test("receive: frames arrive with the CRC stripped, in order, across several ring wraps", () => {
  const s = up();
  const { model, dma } = s;
  const sent = Array.from({ length: 40 }, (_, i) => frame(60 + i * 37, i));
  assertReceived(s, sent);
  // The MAC's length counted the CRC (QEMU's too); the buffer holds it after the frame.
  const rx = new DataView(dma.allocations[0].buffer);
  const last = 39 % 16;
  const f = sent[39];
  assert.is(rx.getUint16(8 * last, true), f.length + 4);
  const data = new DataView(dma.allocations[2].buffer, 1536 * last);
  assert.is(data.getUint32(f.length, true), crc32(f));
  assert.equal(model.guestErrors, []);
});

test("receive: a full ring stalls reception (RDAR clear, frames wait) until onInterrupt returns descriptors", () => {
  const { model, heard, service, bus } = up();
  for (let i = 0; i < 20; i++) model.inject(frame(64, i));
  assert.is(model.queued, 4);
  assert.is(model.reg(0x010), 0, "RDAR cleared: no empty descriptor");
  assert.is(heard.frames.length, 0);
  service();
  assert.is(model.queued, 0);
  assert.equal(heard.frames, Array.from({ length: 20 }, (_, i) => Array.from(frame(64, i))));
  assert.ok(bus.writes(RDAR).length >= 2);
});

test("ordering: descriptor bytes, barrier, ownership, barrier, doorbell; ownership seen, barrier, data", () => {
  const { s, order, probe } = orderingRig(setup, (addr) => (addr === TDAR ? "TDAR" : addr === RDAR ? "RDAR" : undefined));
  const tx = new DataView(s.dma.allocations[1].buffer);
  const rx = new DataView(s.dma.allocations[0].buffer);
  // Transmit descriptor 0: its length and R bit at each barrier.
  probe.describe = () => `len=${tx.getUint16(0, true)} R=${tx.getUint16(2, true) >> 15}`;
  order.length = 0;
  s.model.holdTransmit = true;
  s.enet.send(frame(100));
  assert.equal(order, ["barrier len=100 R=0", "barrier len=100 R=1", "TDAR"]);
  // Receive descriptor 0: the barrier after its E bit was seen clear (before the data is read),
  // then the one after E was set again, before RDAR.
  probe.describe = () => `E=${rx.getUint16(2, true) >> 15}`;
  order.length = 0;
  s.model.inject(frame(70));
  s.enet.onInterrupt();
  assert.equal(order, ["barrier E=0", "barrier E=1", "RDAR"]);
});

dmaNicTests({
  setup,
  frame,
  stuck: ({ bus }) => {
    bus.onRead(ECR, () => 0xf000_0002); // ETHEREN stays set
    return /ImxEnet: the MAC did not stop \(ECR.RESET or ETHEREN stayed set\)/;
  },
  tooFastClock: 1e6,
  // ANAR: QEMU keeps 0x2d7f of a write and adds 0x80.
  phy: { address: 2, id: 0x0007_c0d1, anarAfter: 0x00e1 },
  halfDuplex: {
    what: "restarts the MAC with RMII_10T and DRT, TCR.FDEN clear",
    check: ({ bus, nic }) => {
      const macWrites = accesses(bus).filter((a) => !a.startsWith("MMFR") && !a.startsWith("EIR"));
      assert.equal(macWrites.slice(0, 3), ["ECR=100", "RCR=5ee0306", "TCR=0"]);
      assert.equal(macWrites.slice(-2), ["ECR=102", "RDAR=1000000"]);
      assert.is(nic.stats.restarts, 1);
    },
  },
  transmit: { what: "TXF", check: ({ bus }) => assert.is(bus.writes(TDAR).length, 40) },
  handedBack: ({ bus }) => assert.equal(bus.writes(RDAR).length, 1),
  busError: { what: "EIR.EBERR, MAC stopped", check: ({ bus }) => assert.ok(bus.writes(ECR).some((a) => a.value === 0x102)) },
});

test("descriptor errors: CR, NO, OV, LG and TR frames are counted and dropped; the ring goes on", () => {
  const { model, enet, heard, service } = up();
  model.inject(frame(64, 1), { status: 0x4 }); // CR
  model.inject(frame(64, 2), { status: 0x10 }); // NO
  model.inject(frame(64, 3), { status: 0x2 | 0x4 }); // OV: the other bits mean nothing
  service();
  model.inject(frame(1515, 4)); // 1519 with the CRC: above MAX_FL, LG, one buffer
  model.inject(frame(1700, 5)); // LG over two buffers
  model.inject(frame(2100, 6)); // cut at 2032: TR and LG, two buffers
  model.inject(frame(64, 7));
  service();
  assert.equal(enet.rxErrors, { length: 2, alignment: 1, crc: 1, overrun: 1, truncated: 1, short: 0 });
  assert.equal(heard.frames, [Array.from(frame(64, 7))]);
  for (let i = 0; i < 20; i++) model.inject(frame(64, 10 + i)), service();
  assert.is(heard.frames.length, 21);
});

test("receive: a frame of no more than its CRC is counted as short", () => {
  const { model, enet, heard, service } = up();
  model.inject(new Uint8Array(0));
  service();
  assert.is(enet.rxErrors.short, 1);
  assert.is(heard.frames.length, 0);
});

test("onInterrupt: acknowledges RXF/TXF by writing 1s to EIR, which drops the line", () => {
  const { model, enet, bus } = up();
  enet.send(frame(64));
  assert.ok(model.irq);
  bus.clearLog();
  enet.onInterrupt();
  assert.equal(bus.writes(EIR).map((a) => a.value), [TXF | (1 << 26)]); // TXF and TXB
  assert.is(model.irq, false);
  model.inject(frame(64));
  bus.clearLog();
  enet.onInterrupt();
  assert.equal(bus.writes(EIR).map((a) => a.value), [RXF]);
  assert.is(model.irq, false);
});

test("model: with ECR.EN1588 the MAC walks 32-byte enhanced descriptors, which is why the driver keeps it clear", () => {
  const { enet, model, bus } = up();
  model.holdTransmit = true;
  for (let i = 0; i < 5; i++) enet.send(frame(64, i)); // descriptors 0-4 ready (8 bytes apart)
  bus.write32(ECR, 0x112); // EN1588 | DBSWP | ETHEREN
  model.releaseTransmit();
  // Descriptor 0, then "descriptor 1" at +32 (our descriptor 4): two frames, 1-3 skipped.
  assert.equal(model.transmitted.map((f) => f[14] - 14), [0, 4]);
  assert.is(model.reg(0x004) & TXF, 0, "enhanced descriptors without the TX interrupt option raise no TXF");
});

test("QEMU's ENET2: the board says PHY 0, the PHY answers at 1: MMFR reads the identifier at 0, then at 1, and drives PHY 1", () => {
  // mcimx6ul-evk's ENET2 PHY is at MDIO address 1; the USB armory Mk II LAN's board.json says 0.
  const found: number[] = [];
  const s = setup({ options: { phyAddress: 0, onPhyFound: (f) => void found.push(f.address) }, modelPhyAddress: 1 });
  s.enet.init();
  // PHYID1/2 at 0 (0xffff: nobody), then at 1; the reset (BMCR = 0x8000) goes to PHY 1.
  assert.equal(s.bus.writes(MMFR).map((a) => a.value.toString(16)).slice(0, 5), ["600a0000", "600e0000", "608a0000", "608e0000", "50828000"]);
  assert.equal(found, [1]);
  assert.is(s.model.phy.resets, 1);
  assert.ok(s.enet.pollLink());
});

test("every register access is 32-bit (QEMU accepts no other width); MII instead of RMII when asked", () => {
  const s = setup({ options: { rmii: false } });
  s.enet.init();
  s.enet.pollLink();
  s.enet.send(frame(64));
  s.enet.onInterrupt();
  assert.ok(s.bus.log.every((a) => a.width === 32));
  assert.equal(s.bus.writes(RCR).map((a) => a.value), [0x05ee_0004]);
  assert.equal(s.bus.writes(TCR).map((a) => a.value), [0x4]);
  assert.equal(s.model.guestErrors, []);
});

test.run();
