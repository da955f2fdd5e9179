/**
 * What the tests of the descriptor-ring NIC drivers (test/drivers/net/imx-enet.test.ts,
 * cadence-gem.test.ts) share: a model and driver over a logging bus with a listener that records
 * what it hears (a rig), the board's interrupt service loop, test frames, and the NetworkInterface
 * behaviour both drivers (drivers/net/dma-nic.ts) show over their models in the same way
 * (constructor and init checks, MDIO, backpressure, link changes, frame bounds, transmit, no
 * listener or a throwing one, bus errors, init again), with each driver's own expectations given
 * in its harness.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NetworkInterface } from "../../../drivers/interfaces/network-interface.ts";
import type { DmaNic, DmaNicOptions } from "../../../drivers/net/dma-nic.ts";
import { ANAR } from "../../../drivers/net/mii-phy.ts";
import type { DmaBuffer } from "hal";
import type { RegisterBus } from "../../../hal/register.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";

export interface Heard {
  frames: number[][];
  writable: number;
  links: boolean[];
}

/** The register-level model behind a driver (models/net/). */
export interface DmaNicModel {
  readonly irq: boolean;
  readonly transmitted: Uint8Array[];
  readonly queued: number;
  readonly guestErrors: readonly string[];
  /** The station address the driver programmed. */
  readonly mac: unknown;
  readonly phy: { setLink(up: boolean): void; readonly resets: number; readonly writes: readonly { reg: number; value: number }[] };
  holdTransmit: boolean;
  inject(frame: Uint8Array): boolean;
  releaseTransmit(): void;
  busError(): void;
}

/** A driver and its model on a logging bus, with DMA memory and a listener. */
export interface Rig<Nic extends DmaNic<unknown> = DmaNic<unknown>, Model extends DmaNicModel = DmaNicModel> {
  bus: MemoryBus;
  dma: FakeDma;
  model: Model;
  nic: Nic;
  heard: Heard;
  /** The board's interrupt handler, while the line is up. */
  service: () => void;
}

/** What a driver test may change in its rig. */
export interface RigOptions<Options = DmaNicOptions> {
  /** Driver options over the test's defaults. */
  options?: Partial<Options>;
  /** The bus the driver sees, wrapping the model's (to log or fake accesses). */
  wrap?: (bus: MemoryBus) => RegisterBus;
  /** Whether a listener is attached (default true). */
  listen?: boolean;
  /** The MDIO address the model's PHY answers at (default the test file's); null: no PHY on the bus. */
  modelPhyAddress?: number | null;
}

/**
 * A rig: a logging bus, 1 MiB of DMA memory at `dmaBase`, the model `model` makes on them and the
 * driver `driver` makes from `{ bus, dma }` and `o.options`, not initialised.
 */
export function rig<Nic extends DmaNic<unknown>, Model extends DmaNicModel, Options>(
  o: RigOptions<Options>,
  dmaBase: number,
  model: (bus: MemoryBus, dma: FakeDma) => Model,
  driver: (options: Partial<Options> & { bus: RegisterBus; dma: FakeDma }) => Nic,
): Rig<Nic, Model> {
  const bus = new MemoryBus({ logLimit: 1_000_000 });
  const dma = new FakeDma(dmaBase, 0x10_0000);
  const m = model(bus, dma);
  // o.options last: a test may take the bus or DMA memory away, or give others.
  const nic = driver({ bus: o.wrap ? o.wrap(bus) : bus, dma, ...o.options } as Partial<Options> & { bus: RegisterBus; dma: FakeDma });
  const heard: Heard = o.listen === false ? { frames: [], writable: 0, links: [] } : listen(nic);
  return { bus, dma, model: m, nic, heard, service: () => serviceWhileUp(m, nic) };
}

/** `r` initialised with its link up, the bus log cleared. */
export function linkedUp<R extends Rig<DmaNic<unknown>, DmaNicModel>>(r: R): R {
  r.nic.init();
  assert.ok(r.nic.pollLink());
  r.bus.clearLog();
  return r;
}

/** init() on `r`: the bus accesses as `names` spells them, and the receive and transmit rings' addresses in hex. */
export function initLog(r: Rig, names: (bus: MemoryBus) => string[]): { log: string[]; rx: string; tx: string } {
  r.nic.init();
  const [rx, tx] = r.dma.allocations.map((a) => a.addr.toString(16));
  return { log: names(r.bus), rx, tx };
}

/** What init() leaves in either driver: the MAC address in the model, the PHY reset once, no guest error, the link down. */
export function assertInitialised(r: Rig): void {
  assert.equal(r.model.mac, r.nic.mac);
  assert.is(r.model.phy.resets, 1);
  assert.equal(r.model.guestErrors, []);
  assert.is(r.nic.linkUp, false, "down until pollLink()");
}

/**
 * init() on `r`; its DMA allocations in the drivers' order (receive ring, transmit ring, receive
 * buffers, transmit buffers), each checked to be 64-byte aligned, the receive ring 16 8-byte descriptors.
 */
export function initRings(r: Rig): { rx: DmaBuffer; tx: DmaBuffer; rxData: DmaBuffer; txData: DmaBuffer } {
  r.nic.init();
  const [rx, tx, rxData, txData] = r.dma.allocations;
  for (const b of [rx, tx, rxData, txData]) assert.is(b.addr % 64, 0);
  assert.is(rx.buffer.byteLength, 16 * 8);
  return { rx, tx, rxData, txData };
}

/**
 * A rig whose barriers and the doorbell writes `doorbell` names are logged in `order` as they
 * happen, each barrier with what `probe.describe()` says of the descriptors at that moment.
 */
export function orderingRig<R extends Rig>(setup: (o: RigOptions) => R, doorbell: (addr: number, value: number) => string | undefined) {
  const order: string[] = [];
  const probe = { describe: () => "-" };
  const s = setup({
    options: { barrier: () => void order.push(`barrier ${probe.describe()}`) },
    wrap: (bus) => Object.assign(Object.create(bus) as MemoryBus, {
      write32: (addr: number, value: number) => {
        const name = doorbell(addr, value);
        if (name !== undefined) order.push(name);
        bus.write32(addr, value);
      },
    }),
  });
  s.nic.init();
  s.nic.pollLink();
  return { s, order, probe };
}

/** The link going down and coming back: pollLink() follows it and the listener hears both. */
export function assertRelink(r: Rig, phy: { setLink(up: boolean): void }): void {
  phy.setLink(false);
  assert.is(r.nic.pollLink(), false);
  assert.is(r.nic.linkUp, false);
  phy.setLink(true);
  assert.is(r.nic.pollLink(), true);
  assert.equal(r.heard.links, [true, false, true]);
}

/** Injects `frames` one by one, servicing the interrupt after each; they arrive as they were. */
export function assertReceived(r: Rig, frames: Uint8Array[]): void {
  for (const f of frames) {
    assert.ok(r.model.inject(f));
    r.service();
  }
  assert.equal(r.heard.frames, frames.map((f) => Array.from(f)));
  assert.is(r.nic.stats.rxFrames, frames.length);
}

/** Records every MDIO read `nic` makes (PHY address, register), including its own (findPhy reads through the instance). */
export function spyReads(nic: DmaNic<unknown>): [number, number][] {
  const reads: [number, number][] = [];
  const read = nic.mdioRead.bind(nic);
  nic.mdioRead = (phy, reg) => {
    reads.push([phy, reg]);
    return read(phy, reg);
  };
  return reads;
}

/** Attaches a listener that records every frame, writable() and link() call. */
export function listen(nic: NetworkInterface): Heard {
  const heard: Heard = { frames: [], writable: 0, links: [] };
  nic.attach({
    receive: (frame) => void heard.frames.push(Array.from(frame)),
    writable: () => void heard.writable++,
    link: (up) => void heard.links.push(up),
  });
  return heard;
}

/** What the board's interrupt handler does while the line is up (bounded). */
export function serviceWhileUp(model: { readonly irq: boolean }, nic: { onInterrupt(): void }): void {
  for (let i = 0; i < 100 && model.irq; i++) nic.onInterrupt();
  assert.is(model.irq, false, "the line stays up after onInterrupt()");
}

/** A frame of `n` bytes: `dst` (default broadcast), `src` as source, type 0x0800, then a counter from `seed`. */
export function testFrame(src: Uint8Array, n: number, seed = 0, dst: ArrayLike<number> = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]): Uint8Array {
  const f = new Uint8Array(n);
  f.set(dst);
  f.set(src, 6);
  f[12] = 0x08;
  for (let i = 14; i < n; i++) f[i] = (i + seed) & 0xff;
  return f;
}

/** Driver options the shared tests set: the shared ones and the clock MDC is divided from. */
type NicOptions = DmaNicOptions & { readonly clockHz?: number };

/** One driver's part in the shared tests: its rig and what it does in its own way. */
export interface DmaNicHarness<R extends Rig = Rig> {
  /** The driver's rig over its model, not initialised (the test file's setup()). */
  setup(o?: RigOptions<NicOptions>): R;
  frame(n: number, seed?: number): Uint8Array;
  /** A clock that MDC cannot be divided from. */
  tooFastClock: number;
  /** The model PHY's address, its identifier, and what its ANAR reads back once 0x0061 is written. */
  phy: { address: number; id: number; anarAfter: number };
  /** What a 10 Mb/s half-duplex link does to the MAC (for the test's name), and the check of the bus log it left. */
  halfDuplex: { what: string; check(r: R): void };
  /** What hands sent descriptors back (for the test's name), and the check of the bus log of 40 frames sent one by one. */
  transmit: { what: string; check(r: R): void };
  /** Makes the MAC of `r` never report it stopped (a register hook); returns what stop()'s error must match. */
  stuck(r: R): RegExp;
  /** The check that the descriptor a throwing listener got went back to the MAC (the bus log from the interrupt on). */
  handedBack(r: R): void;
  /** The bus error's event (for the test's name), and the check of the restart (the bus log from the error on). */
  busError: { what: string; check(r: R): void };
}

/** Registers the tests whose steps are the same for every descriptor-ring driver. */
export function dmaNicTests<R extends Rig>(h: DmaNicHarness<R>): void {
  const { setup, frame } = h;
  const up = (): R => linkedUp(setup());

  test("options are checked in the constructor", () => {
    const make = (options: Partial<NicOptions>) => () => setup({ options });
    assert.throws(make({ mac: Uint8Array.of(1, 2, 3, 4, 5) }), /6 bytes/);
    assert.throws(make({ mac: Uint8Array.of(1, 2, 3, 4, 5, 6) }), /multicast/);
    assert.throws(make({ mac: new Uint8Array(6) }), /all zeros/);
    assert.throws(make({ rxRing: 1 }), /rxRing 1 is not 2-1024/);
    assert.throws(make({ txRing: 1025 }), /txRing 1025/);
    assert.throws(make({ phyAddress: 32 }), /PHY address 32/);
    assert.throws(make({ clockHz: h.tooFastClock }), /MDC cannot be divided/);
    assert.throws(make({ maxPolls: 0 }), RangeError);
  });

  test("init errors: zero base, no bus, DMA above 4 GiB, no PHY at the address; init() first", () => {
    const dma = new FakeDma();
    assert.throws(() => setup({ options: { base: 0, dma } }).nic.init(), /invalid base address/);
    assert.throws(() => setup({ options: { bus: undefined, dma } }).nic.init(), /no RegisterBus/);
    assert.is(dma.allocations.length, 0, "no DMA memory taken before the checks");
    const high = new FakeDma(0xffff_8000, 0x10_0000);
    assert.throws(() => setup({ options: { dma: high } }).nic.init(), /below 4 GiB/);
    const nophy = setup({ options: { phyAddress: 5 }, modelPhyAddress: null });
    assert.throws(() => nophy.nic.init(), /no PHY answers at address 5, nor at any other address 0-31/);
    assert.throws(() => setup().nic.send(frame(60)), /init\(\) first/);
    assert.throws(() => setup().nic.pollLink(), /init\(\) first/);
    assert.throws(() => setup().nic.onInterrupt(), /init\(\) first/);
    assert.throws(() => setup().nic.mdioRead(0, 1), /init\(\) first/);
  });

  test("PHY at the configured address: taken without a scan, onPhyFound not called", () => {
    const found: string[] = [];
    const r = setup({ options: { onPhyFound: (f, c) => void found.push(`${f.address} ${c}`) } });
    const reads = spyReads(r.nic);
    r.nic.init();
    assert.equal(reads.filter(([, reg]) => reg === 2).map(([phy]) => phy), [h.phy.address], "PHYID1 read at the configured address only");
    assert.is(r.nic.phy.address, h.phy.address);
    assert.equal(found, []);
  });

  test("no PHY at the configured address: every other address read once from 0, the first that answers taken and reported", () => {
    // The configured 3 is empty; the model's PHY answers at 9 (as QEMU's ENET2 PHY at 1 for a board that says 0).
    const found: { address: number; id: number; configured: number }[] = [];
    const r = setup({ options: { phyAddress: 3, onPhyFound: (f, configured) => void found.push({ ...f, configured }) }, modelPhyAddress: 9 });
    const reads = spyReads(r.nic);
    r.nic.init();
    assert.equal(reads.filter(([, reg]) => reg === 2).map(([phy]) => phy), [3, 0, 1, 2, 4, 5, 6, 7, 8, 9]);
    assert.equal(found, [{ address: 9, id: h.phy.id, configured: 3 }]);
    assert.is(r.nic.phy.address, 9);
    assert.is(r.nic.phyAddress, 3);
    assertInitialised(r);
    assert.ok(r.nic.pollLink(), "the PHY found is the one whose link is polled");
    // A second init() looks where the PHY was found: no scan, nothing reported again.
    reads.length = 0;
    r.nic.init();
    assert.equal(reads.filter(([, reg]) => reg === 2).map(([phy]) => phy), [9]);
    assert.is(found.length, 1);
  });

  test("no PHY on the bus: each of 0-31 read once, then an error naming the configured address, not a hang", () => {
    const r = setup({ options: { phyAddress: 4 }, modelPhyAddress: null });
    const reads = spyReads(r.nic);
    assert.throws(() => r.nic.init(), /no PHY answers at address 4, nor at any other address 0-31/);
    const scanned = reads.filter(([, reg]) => reg === 2).map(([phy]) => phy);
    assert.equal(scanned, [4, ...Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 4)]);
    assert.equal(r.model.phy.writes, [], "nothing written to a PHY that is not there");
  });

  test("MDIO: reads and writes the PHY at its address; other addresses read 0xffff; arguments checked", () => {
    const { nic, model } = up();
    const { address, id, anarAfter } = h.phy;
    assert.is(nic.mdioRead(address, 2), id >>> 16);
    assert.is(nic.mdioRead(address, 3), id & 0xffff);
    assert.is(nic.phy.id(), id);
    assert.is(nic.mdioRead(7, 2), 0xffff);
    nic.mdioWrite(address, 4, 0x0061);
    assert.equal(model.phy.writes.at(-1), { reg: 4, value: 0x61 });
    assert.is(nic.mdioRead(address, 4), anarAfter);
    assert.equal(model.guestErrors, []);
    assert.throws(() => nic.mdioRead(32, 0), /PHY address 32/);
    assert.throws(() => nic.mdioRead(0, 32), /PHY register 32/);
    assert.throws(() => nic.mdioWrite(0, 0, 0x10000), /not 16 bits/);
  });

  test(`link: a 10 Mb/s half-duplex link ${h.halfDuplex.what}; traffic flows`, () => {
    const r = setup();
    const { nic, bus, model, heard, service } = r;
    nic.init();
    nic.phy.startAutoNegotiation(ANAR.BASE10_HD);
    bus.clearLog();
    assert.ok(nic.pollLink());
    assert.equal(nic.linkMode, { speed: 10, fullDuplex: false });
    h.halfDuplex.check(r);
    assert.ok(nic.send(frame(100)));
    model.inject(frame(80, 1));
    service();
    assert.is(model.transmitted.length, 1);
    assert.equal(heard.frames, [Array.from(frame(80, 1))]);
  });

  test(`transmit: frames go out as given, short ones padded to 60, across ring wraps; ${h.transmit.what} reclaims`, () => {
    const r = up();
    const sent: number[][] = [];
    for (let i = 0; i < 40; i++) {
      // Frame 35 is short too, in the buffer frame 19 (717 bytes) went out of: its padding must overwrite those.
      const f = frame(i === 3 || i === 35 ? 20 : 14 + i * 37, i);
      assert.ok(r.nic.send(f));
      r.service();
      const wire = new Uint8Array(Math.max(60, f.length));
      wire.set(f);
      sent.push(Array.from(wire));
    }
    assert.equal(r.model.transmitted.map((f) => Array.from(f)), sent);
    h.transmit.check(r);
    assert.is(r.nic.txPending, 0);
    assert.is(r.nic.stats.txFrames, 40);
    assert.equal(r.model.guestErrors, []);
  });

  test("a listener that throws still gets its descriptor handed back", () => {
    const s = up();
    let calls = 0;
    s.nic.attach({ receive: () => { calls++; throw new Error("stack bug"); }, writable: () => {}, link: () => {} });
    s.model.inject(frame(64));
    s.bus.clearLog();
    assert.throws(() => s.nic.onInterrupt(), /stack bug/);
    h.handedBack(s);
    s.nic.attach({ receive: (f) => void s.heard.frames.push(Array.from(f)), writable: () => {}, link: () => {} });
    for (let i = 0; i < 20; i++) s.model.inject(frame(64, i)), s.service();
    assert.is(s.heard.frames.length, 20);
    assert.is(calls, 1);
  });

  test(`bus error (${h.busError.what}): counted, the MAC restarted on empty rings, traffic resumes`, () => {
    const r = up();
    const { model, nic, heard, service, bus } = r;
    model.holdTransmit = true;
    nic.send(frame(64, 1));
    model.busError();
    bus.clearLog();
    service();
    assert.is(nic.stats.busErrors, 1);
    assert.is(nic.stats.txDropped, 1);
    assert.is(nic.stats.restarts, 1);
    h.busError.check(r);
    model.holdTransmit = false;
    assert.ok(nic.send(frame(64, 2)));
    model.inject(frame(64, 3));
    service();
    assert.equal(model.transmitted.map((f) => f[14] - 14), [2]);
    assert.equal(heard.frames, [Array.from(frame(64, 3))]);
  });

  test("backpressure: send() refuses when every descriptor is in flight, writable() once one comes back", () => {
    const { model, nic, heard, service } = up();
    model.holdTransmit = true;
    for (let i = 0; i < 16; i++) assert.ok(nic.send(frame(64, i)), `frame ${i}`);
    assert.is(nic.send(frame(64, 16)), false);
    assert.is(nic.send(frame(64, 17)), false);
    assert.is(nic.stats.txBusy, 2);
    assert.is(heard.writable, 0);
    model.releaseTransmit();
    service();
    assert.is(heard.writable, 1);
    assert.is(model.transmitted.length, 16);
    assert.ok(nic.send(frame(64, 16)));
    service();
    assert.is(heard.writable, 1, "writable only after a refusal");
    assert.is(model.transmitted.length, 17);
  });

  test("backpressure: send() reclaims finished descriptors itself before refusing (no interrupt needed)", () => {
    const { nic, model } = up();
    for (let i = 0; i < 40; i++) assert.ok(nic.send(frame(64, i)), `frame ${i}`);
    assert.is(model.transmitted.length, 40);
    assert.is(nic.stats.txBusy, 0);
  });

  test("link down: send() refuses and counts it; writable() when the link comes back", () => {
    const { nic, model, heard } = up();
    model.phy.setLink(false);
    nic.pollLink();
    assert.is(nic.send(frame(64)), false);
    assert.is(nic.stats.txLinkDown, 1);
    model.phy.setLink(true);
    nic.pollLink();
    assert.is(heard.writable, 1);
    assert.ok(nic.send(frame(64)));
  });

  test("send: frames shorter than a header or longer than 1514 bytes are refused with a RangeError", () => {
    const { nic } = up();
    assert.throws(() => nic.send(new Uint8Array(13)), /13 bytes is not 14 to 1514/);
    assert.throws(() => nic.send(new Uint8Array(1515)), /1515 bytes/);
    assert.ok(nic.send(new Uint8Array(1514).fill(2)));
  });

  test("no listener: received frames are counted and their descriptors returned", () => {
    const { nic, model } = setup({ listen: false });
    nic.init();
    for (let i = 0; i < 20; i++) {
      model.inject(frame(64));
      nic.onInterrupt();
    }
    assert.is(nic.stats.rxUnclaimed, 20);
    assert.is(model.queued, 0);
  });

  test("stop(): the MAC halted; a frame injected after it lands nowhere, a held transmit is not sent; no register written after", () => {
    const s = up();
    const { nic, model, heard, service, dma, bus } = s;
    model.inject(frame(100, 1));
    service();
    assert.is(heard.frames.length, 1);
    model.holdTransmit = true;
    assert.ok(nic.send(frame(80, 2)));
    nic.stop();
    assert.is(model.irq, false, "the MAC's interrupts are off");
    const memory = dma.allocations.map((a) => [...new Uint8Array(a.buffer)]);
    model.inject(frame(120, 3));
    model.inject(frame(130, 4));
    model.releaseTransmit();
    assert.equal(dma.allocations.map((a) => [...new Uint8Array(a.buffer)]), memory, "no byte of the rings or buffers changed");
    assert.is(model.transmitted.length, 0, "the frame queued before the stop did not go out");
    bus.clearLog();
    nic.onInterrupt();
    assert.is(nic.pollLink(), false, "down for good");
    assert.is(nic.send(frame(60)), false);
    assert.equal(bus.log.filter((a) => a.kind === "write"), [], "nothing wrote the MAC again");
    assert.is(heard.frames.length, 1, "nothing more reached the stack");
    assert.equal(model.guestErrors, []);
  });

  test("stop(): a MAC that does not report it stopped is an error naming the driver", () => {
    const s = up();
    const stuck = h.stuck(s);
    assert.throws(() => s.nic.stop(), (e: Error) => stuck.test(e.message));
  });

  test("init again (after an error) starts over without taking more DMA memory", () => {
    const { nic, dma, model, heard, service } = up();
    const n = dma.allocations.length;
    nic.init();
    assert.is(dma.allocations.length, n);
    assert.is(nic.linkUp, false);
    assert.ok(nic.pollLink());
    model.inject(frame(64));
    service();
    assert.is(heard.frames.length, 1);
    assert.equal(heard.links, [true, true]);
  });
}
