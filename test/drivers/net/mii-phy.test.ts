import { test } from "uvu";
import * as assert from "uvu/assert";
import { ANAR, BMCR, BMSR, MDIO_OP, MII_REG, MiiPhy, findPhy, mdioFrame, resolveLinkMode, type MdioBus } from "../../../drivers/net/mii-phy.ts";
import { MiiPhyModel } from "../../../models/net/mii-phy.ts";

/** An MDIO bus with PHYs at some addresses (nothing drives the others: 0xffff), logging every frame. */
function bus(phys: Record<number, MiiPhyModel>) {
  const log: string[] = [];
  const mdio: MdioBus = {
    mdioRead(phy, reg) {
      const v = phys[phy] === undefined ? 0xffff : phys[phy].read(reg);
      log.push(`r${phy}.${reg}=${v.toString(16)}`);
      return v;
    },
    mdioWrite(phy, reg, value) {
      log.push(`w${phy}.${reg}=${value.toString(16)}`);
      phys[phy]?.write(reg, value);
    },
  };
  return { mdio, log };
}

test("clause 22 registers and bits are IEEE 802.3's (22.2.4, 28.2.4.1)", () => {
  assert.equal([MII_REG.BMCR, MII_REG.BMSR, MII_REG.PHYID1, MII_REG.PHYID2, MII_REG.ANAR, MII_REG.ANLPAR], [0, 1, 2, 3, 4, 5]);
  assert.equal([BMCR.RESET, BMCR.LOOPBACK, BMCR.SPEED_100, BMCR.AN_ENABLE, BMCR.POWER_DOWN, BMCR.ISOLATE, BMCR.RESTART_AN, BMCR.DUPLEX], [0x8000, 0x4000, 0x2000, 0x1000, 0x800, 0x400, 0x200, 0x100]);
  assert.equal([BMSR.LINK, BMSR.AN_COMPLETE, BMSR.BASE10_HD, BMSR.BASE10_FD, BMSR.BASE100X_HD, BMSR.BASE100X_FD], [0x4, 0x20, 0x800, 0x1000, 0x2000, 0x4000]);
  assert.equal([ANAR.BASE10_HD, ANAR.BASE10_FD, ANAR.BASE100TX_HD, ANAR.BASE100TX_FD, ANAR.BASE100_T4, ANAR.PAUSE], [0x20, 0x40, 0x80, 0x100, 0x200, 0x400]);
});

test("id: QEMU's PHY is 0x0007:0xC0D1; an address nobody answers at is an error naming it", () => {
  const { mdio } = bus({ 2: new MiiPhyModel() });
  assert.is(new MiiPhy({ mdio, address: 2 }).id(), 0x0007_c0d1);
  assert.throws(() => new MiiPhy({ mdio, address: 1 }).id(), /no PHY answers at address 1 \(identifier 0xffffffff\)/);
  const zeros: MdioBus = { mdioRead: () => 0, mdioWrite: () => {} };
  assert.throws(() => new MiiPhy({ mdio: zeros, address: 0 }).id(), /identifier 0x00000000/);
});

test("findPhy: the first address when a PHY answers there, with no other read", () => {
  const { mdio, log } = bus({ 0: new MiiPhyModel(), 7: new MiiPhyModel() });
  assert.equal(findPhy(mdio, 7), { address: 7, id: 0x0007_c0d1 });
  assert.equal(log, ["r7.2=7", "r7.3=c0d1"]);
});

test("findPhy: else 0-31 from 0, the first address taken twice skipped, the lowest that answers wins", () => {
  const { mdio, log } = bus({ 1: new MiiPhyModel(), 6: new MiiPhyModel() });
  assert.equal(findPhy(mdio, 0), { address: 1, id: 0x0007_c0d1 });
  assert.equal(log, ["r0.2=ffff", "r0.3=ffff", "r1.2=7", "r1.3=c0d1"]);
  log.length = 0;
  assert.equal(findPhy(mdio, 3), { address: 1, id: 0x0007_c0d1 });
  assert.equal(log.filter((l) => l.endsWith("=ffff")).length, 4, "3 then 0, two registers each");
});

test("findPhy: all ones or all zeros is nobody; none anywhere is undefined after one read of each address", () => {
  const { mdio, log } = bus({});
  assert.is(findPhy(mdio, 5), undefined);
  const addresses = log.filter((l) => l.includes(".2=")).map((l) => Number(l.slice(1, l.indexOf("."))));
  assert.equal(addresses, [5, ...Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 5)]);
  const zeros: MdioBus = { mdioRead: (phy) => (phy === 9 ? 0x22 : 0), mdioWrite: () => {} };
  assert.equal(findPhy(zeros, 0), { address: 9, id: 0x0022_0022 });
  assert.throws(() => findPhy(mdio, 32), /PHY address 32 is not 0-31/);
});

test("addresses outside 0-31 are refused", () => {
  const { mdio } = bus({});
  for (const address of [-1, 32, 1.5, NaN]) assert.throws(() => new MiiPhy({ mdio, address }), RangeError, String(address));
  assert.throws(() => new MiiPhy({ mdio, address: 0, maxPolls: 0 }), RangeError);
});

test("reset: BMCR = 0x8000, then BMCR read until bit 15 clears", () => {
  const model = new MiiPhyModel({ resetReads: 3 });
  const { mdio, log } = bus({ 2: model });
  new MiiPhy({ mdio, address: 2 }).reset();
  assert.equal(log, ["w2.0=8000", "r2.0=b000", "r2.0=b000", "r2.0=b000", "r2.0=3000"]);
  assert.is(model.resets, 1);
});

test("reset: a PHY that stays in reset is an error after maxPolls reads, not a hang", () => {
  const { mdio, log } = bus({ 2: new MiiPhyModel({ resetReads: 1_000_000 }) });
  assert.throws(() => new MiiPhy({ mdio, address: 2, maxPolls: 5 }).reset(), /the PHY at address 2 did not leave reset \(.*within 5 polls/);
  assert.is(log.length, 6);
});

test("startAutoNegotiation: advertises 10/100 half and full duplex with selector 1, then BMCR = AN enable | restart", () => {
  const model = new MiiPhyModel();
  const { mdio, log } = bus({ 2: model });
  new MiiPhy({ mdio, address: 2 }).startAutoNegotiation();
  // BMSR 0x782d: 100BASE-X FD/HD, 10 FD/HD able.
  assert.equal(log, ["r2.1=782d", "w2.4=1e1", "w2.0=1200"]);
});

test("startAutoNegotiation: never advertises what BMSR says the PHY cannot do", () => {
  const writes: [number, number][] = [];
  // A 10 Mb/s-only PHY: BMSR 0x1809 (10BASE-T FD/HD, AN able, extended capability).
  const mdio: MdioBus = { mdioRead: (_p, reg) => (reg === 1 ? 0x1809 : 0), mdioWrite: (_p, reg, v) => void writes.push([reg, v]) };
  const phy = new MiiPhy({ mdio, address: 0 });
  phy.startAutoNegotiation();
  assert.equal(writes, [[4, 0x61], [0, 0x1200]]);
  assert.throws(() => phy.startAutoNegotiation(ANAR.BASE100TX_FD), /can do none of the abilities 0x100/);
});

test("linkUp: down until auto-negotiation completes, then up", () => {
  const model = new MiiPhyModel({ autonegPending: true });
  const { mdio } = bus({ 2: model });
  const phy = new MiiPhy({ mdio, address: 2 });
  phy.startAutoNegotiation();
  assert.is(phy.linkUp(), false);
  model.completeAutoneg();
  assert.is(phy.linkUp(), true);
  model.setLink(false);
  assert.is(phy.linkUp(), false);
});

test("linkUp: BMSR link status latches low, so it is read twice to see the link now", () => {
  const model = new MiiPhyModel();
  const { mdio, log } = bus({ 2: model });
  const phy = new MiiPhy({ mdio, address: 2 });
  model.setLink(false);
  model.setLink(true); // a drop since the last read: the first read still says down
  assert.is(phy.linkUp(), true);
  assert.equal(log, ["r2.1=7829", "r2.1=782d"]);
});

test("linkUp: without auto-negotiation, BMSR.LINK alone", () => {
  const model = new MiiPhyModel();
  const { mdio } = bus({ 2: model });
  const phy = new MiiPhy({ mdio, address: 2 });
  phy.write(MII_REG.BMCR, 0x2100); // forced 100 Mb/s full duplex, auto-negotiation off
  assert.is(phy.linkUp(), true);
  assert.equal(phy.linkMode(), { speed: 100, fullDuplex: true });
  phy.write(MII_REG.BMCR, 0x0000);
  assert.equal(phy.linkMode(), { speed: 10, fullDuplex: false });
});

test("linkMode: QEMU's ANAR 0x01E1 & ANLPAR 0x0F71 resolve to 100 Mb/s full duplex", () => {
  const { mdio } = bus({ 2: new MiiPhyModel() });
  const phy = new MiiPhy({ mdio, address: 2 });
  phy.startAutoNegotiation();
  assert.equal(phy.linkMode(), { speed: 100, fullDuplex: true });
});

test("resolveLinkMode: Annex 28B.3 priority, and no common ability is no mode", () => {
  assert.equal(resolveLinkMode(0x1e0), { speed: 100, fullDuplex: true });
  assert.equal(resolveLinkMode(0x2e0), { speed: 100, fullDuplex: false }); // T4 above 100BASE-TX HD
  assert.equal(resolveLinkMode(0x0e0), { speed: 100, fullDuplex: false });
  assert.equal(resolveLinkMode(0x060), { speed: 10, fullDuplex: true });
  assert.equal(resolveLinkMode(0x020), { speed: 10, fullDuplex: false });
  assert.is(resolveLinkMode(0x401), undefined);
});

test("mdioFrame: ST 01, OP, PHY address, register, TA 10, data (IEEE 802.3 22.2.4.5); arguments checked", () => {
  assert.is(mdioFrame("X", MDIO_OP.READ, 0, 2, 0), 0x600a_0000);
  assert.is(mdioFrame("X", MDIO_OP.READ, 2, 2, 0), 0x610a_0000);
  assert.is(mdioFrame("X", MDIO_OP.WRITE, 2, 4, 0x01e1), 0x5112_01e1);
  assert.is(mdioFrame("X", MDIO_OP.WRITE, 31, 31, 0xffff), 0x5ffe_ffff);
  assert.throws(() => mdioFrame("Mac", MDIO_OP.READ, 32, 0, 0), /^Mac: PHY address 32 is not 0-31$/);
  assert.throws(() => mdioFrame("Mac", MDIO_OP.READ, 0, -1, 0), /Mac: PHY register -1 is not 0-31/);
  assert.throws(() => mdioFrame("Mac", MDIO_OP.WRITE, 0, 0, 0x10000), /Mac: PHY register value 65536 is not 16 bits/);
  assert.throws(() => mdioFrame("Mac", MDIO_OP.WRITE, 1.5, 0, 0), RangeError);
});

test.run();
