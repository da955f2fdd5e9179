import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtioNet, type VirtioNetOptions } from "../../../drivers/net/virtio-net.ts";
import type { NetworkInterfaceEvents } from "../../../drivers/interfaces/network-interface.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { SimDma } from "../../../models/dma.ts";
import { VirtioNetModel, type VirtioNetModelOptions } from "../../../models/net/virtio-net.ts";
import type { DmaAllocator } from "hal";

const BASE = 0xfeb0_0000; // microvm's first virtio-mmio transport
// VIRTIO 1.2 4.2.2 register offsets, written out.
const NAMES: Record<number, string> = {
  0x000: "MagicValue", 0x004: "Version", 0x008: "DeviceID", 0x00c: "VendorID",
  0x010: "DeviceFeatures", 0x014: "DeviceFeaturesSel", 0x020: "DriverFeatures", 0x024: "DriverFeaturesSel",
  0x030: "QueueSel", 0x034: "QueueNumMax", 0x038: "QueueNum", 0x044: "QueueReady", 0x050: "QueueNotify",
  0x060: "InterruptStatus", 0x064: "InterruptACK", 0x070: "Status",
  0x080: "QueueDescLow", 0x084: "QueueDescHigh", 0x090: "QueueDriverLow", 0x094: "QueueDriverHigh",
  0x0a0: "QueueDeviceLow", 0x0a4: "QueueDeviceHigh", 0x0fc: "ConfigGeneration",
};
const name = (addr: number) => NAMES[addr - BASE] ?? `Config+${addr - BASE - 0x100}`;
const accesses = (bus: MemoryBus) => bus.log.map((a) => `${a.kind === "read" ? "r" : "w"} ${name(a.addr)}${a.width !== 32 ? `/${a.width}` : ""} ${a.value}`);
// Device status bits (2.1), interrupt bits (4.2.2), feature bits (5.1.3, 6).
const ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8, DEVICE_NEEDS_RESET = 64, FAILED = 128;
const VIRTIO_NET_F_MAC = 1 << 5, VIRTIO_NET_F_STATUS = 1 << 16;

interface Setup {
  model?: Partial<VirtioNetModelOptions>;
  driver?: Partial<VirtioNetOptions>;
  dma?: DmaAllocator & FakeDma;
  init?: boolean;
}

function setup(o: Setup = {}) {
  const bus = new MemoryBus({ logLimit: 2000 });
  const dma = o.dma ?? new FakeDma(0x0800_0000, 0x10_0000);
  const model = new VirtioNetModel(bus, BASE, { dma, ...o.model });
  const barriers: string[] = [];
  const nic = new VirtioNet({ base: BASE, bus, dma, barrier: { dmb: () => barriers.push("dmb"), dsb: () => barriers.push("dsb") }, ...o.driver });
  const received: number[][] = [];
  const links: boolean[] = [];
  let writable = 0;
  const events: NetworkInterfaceEvents = {
    receive: (f) => received.push([...f]),
    writable: () => writable++,
    link: (up) => links.push(up),
  };
  nic.attach(events);
  const sent: number[][] = [];
  model.onTransmit = (f) => sent.push([...f]);
  if (o.init !== false) nic.init();
  /** What the board's interrupt handler does while the level-triggered line is asserted. */
  const service = () => {
    for (let n = 0; model.irqLevel && n < 10; n++) nic.onInterrupt();
    assert.is(model.irqLevel, false, "the line is deasserted after onInterrupt");
  };
  return { bus, dma, model, nic, received, sent, links, barriers, events, service, writable: () => writable };
}

const frame = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

test("init: the 3.1.1 and 4.2.3 sequence, register access by register access", () => {
  const { bus, dma, model, nic } = setup();
  const [rxRing, , txRing] = dma.allocations.map((a) => a.addr);
  // Queue of 64 (rx): descriptors 1024 bytes, avail 6 + 128, used at 1160 (4-aligned).
  // Queue of 32 (tx): descriptors 512, avail 6 + 64, used at 584.
  assert.equal(accesses(bus), [
    `r MagicValue ${0x74726976}`, "r Version 2", "r DeviceID 1",
    "w Status 0", "r Status 0", // reset, and wait for it (4.2.3.1.1)
    "w Status 1", "w Status 3", // ACKNOWLEDGE, DRIVER
    // What QEMU 7.2 offers with -netdev user (read there): MAC, STATUS, MRG_RXBUF, control
    // queue features, ring features; VERSION_1 and RING_RESET (bits 32, 40) in word 1.
    "w DeviceFeaturesSel 0", `r DeviceFeatures ${0x30bf8024}`, "w DeviceFeaturesSel 1", `r DeviceFeatures ${0x101}`,
    "w DriverFeaturesSel 0", `w DriverFeatures ${VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS}`, "w DriverFeaturesSel 1", "w DriverFeatures 1",
    "w Status 11", "r Status 11", // FEATURES_OK, and that it stayed
    "w QueueSel 0", "r QueueReady 0", "r QueueNumMax 1024", "w QueueNum 64",
    `w QueueDescLow ${rxRing}`, "w QueueDescHigh 0", `w QueueDriverLow ${rxRing + 1024}`, "w QueueDriverHigh 0",
    `w QueueDeviceLow ${rxRing + 1160}`, "w QueueDeviceHigh 0", "w QueueReady 1",
    "w QueueSel 1", "r QueueReady 0", "r QueueNumMax 1024", "w QueueNum 32",
    `w QueueDescLow ${txRing}`, "w QueueDescHigh 0", `w QueueDriverLow ${txRing + 512}`, "w QueueDriverHigh 0",
    `w QueueDeviceLow ${txRing + 584}`, "w QueueDeviceHigh 0", "w QueueReady 1",
    "r ConfigGeneration 0", "r Config+0/8 82", "r Config+1/8 84", "r Config+2/8 0", "r Config+3/8 18", "r Config+4/8 52", "r Config+5/8 86", "r ConfigGeneration 0",
    "r ConfigGeneration 0", "r Config+6/16 1", "r ConfigGeneration 0", // link status (5.1.4)
    "w Status 15", // DRIVER_OK
    "w QueueNotify 0", // receive buffers, only after DRIVER_OK
  ]);
  assert.equal([...nic.mac], [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
  assert.is(nic.linkUp, true);
  assert.is(nic.mtu, 1500);
  assert.is(model.status, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
  assert.is(model.negotiated, (1n << 32n) | (1n << 16n) | (1n << 5n));
  assert.equal(model.errors, []);
  // 64 receive buffers posted: avail.idx 64, descriptors device-writable, 1536 bytes each.
  const ring = new DataView(dma.allocations[0].buffer);
  assert.is(ring.getUint16(1024 + 2, true), 64);
  assert.is(ring.getUint16(12, true), 2);
  assert.is(ring.getUint32(8, true), 1536);
});

test("a legacy (version 1) transport is refused with the QEMU option to pass; nothing is written", () => {
  const { bus, nic } = setup({ model: { version: 1 }, init: false });
  assert.throws(() => nic.init(), /legacy interface \(version 1\).*-global virtio-mmio\.force-legacy=false/);
  assert.equal(bus.writes(), []);
});

test("discovery: a wrong magic, an empty transport (device ID 0), another device", () => {
  const bus = new MemoryBus();
  const nic = new VirtioNet({ base: BASE, bus, dma: new FakeDma() });
  assert.throws(() => nic.init(), /no virtio-mmio transport at 0xfeb00000: MagicValue is 0x00000000/);
  assert.throws(() => setup({ model: { deviceId: 0 }, init: false }).nic.init(), /no device behind .* \(device ID 0\)/);
  assert.throws(() => setup({ model: { deviceId: 2 }, init: false }).nic.init(), /device ID 2, not 1/);
  assert.throws(() => new VirtioNet({ base: 0, bus, dma: new FakeDma() }).init(), /invalid base address/);
});

test("identify(): for a board scanning transports, without errors and without writes", () => {
  assert.equal(setup({ init: false }).nic.transport.identify(), { version: 2, deviceId: 1 });
  assert.equal(setup({ model: { deviceId: 0 }, init: false }).nic.transport.identify(), { version: 2, deviceId: 0 });
  assert.equal(setup({ model: { version: 1 }, init: false }).nic.transport.identify(), { version: 1, deviceId: 1 });
  const bus = new MemoryBus();
  assert.is(new VirtioNet({ base: BASE, bus, dma: new FakeDma() }).transport.identify(), undefined);
  assert.equal(bus.writes(), []);
});

test("a device without VIRTIO_F_VERSION_1 is refused and marked FAILED", () => {
  const { model, nic } = setup({ model: { features: 1n << 5n }, init: false });
  assert.throws(() => nic.init(), /does not offer VIRTIO_F_VERSION_1/);
  assert.is(model.status, ACKNOWLEDGE | DRIVER | FAILED);
});

test("no MAC offered: the `mac` option is used, or init says one is needed", () => {
  assert.throws(() => setup({ model: { features: 1n << 32n }, init: false }).nic.init(), /no MAC address .* no `mac` option/);
  const { nic, model } = setup({ model: { features: 1n << 32n }, driver: { mac: Uint8Array.of(2, 0, 0, 0, 0, 9) } });
  assert.equal([...nic.mac], [2, 0, 0, 0, 0, 9]);
  assert.is(nic.linkUp, true, "without VIRTIO_NET_F_STATUS the link is always up");
  assert.is(model.negotiated, 1n << 32n);
});

test("a device that refuses FEATURES_OK: a clear error, FAILED set", () => {
  const { model, nic } = setup({ init: false });
  model.refuseFeaturesOk = true;
  assert.throws(() => nic.init(), /refused the features .*FEATURES_OK did not stay set/);
  assert.is(model.status, ACKNOWLEDGE | DRIVER | FAILED);
});

test("a queue smaller than asked, or missing, is an error", () => {
  assert.throws(() => setup({ model: { queueNumMax: 16 }, init: false }).nic.init(), /virtqueue 0 holds at most 16 entries; 64 asked/);
  assert.throws(() => setup({ model: { queueNumMax: 0 }, init: false }).nic.init(), /no virtqueue 0 \(QueueNumMax is 0\)/);
  const { nic, model } = setup({ model: { queueNumMax: 16 }, driver: { rxQueueSize: 16, txQueueSize: 16 } });
  assert.is(nic.linkUp, true);
  assert.equal(model.errors, []);
});

test("a DMA region too small for the queues: a clear error, FAILED set", () => {
  const dma = new FakeDma(0x0800_0000, 100_000); // the receive queue fits (99,982 bytes), not the transmit one
  const { model, nic } = setup({ dma: dma as DmaAllocator & FakeDma, init: false });
  assert.throws(() => nic.init(), /no DMA memory for the transmit queue \(32 buffers of 1536 bytes\)/);
  assert.is(model.status, ACKNOWLEDGE | DRIVER | FEATURES_OK | FAILED);
});

test("options: queue sizes and MAC length are checked", () => {
  const bus = new MemoryBus();
  assert.throws(() => new VirtioNet({ base: BASE, bus, dma: new FakeDma(), rxQueueSize: 48 }), /rxQueueSize 48 is not a power of two from 2 to 256/);
  assert.throws(() => new VirtioNet({ base: BASE, bus, dma: new FakeDma(), txQueueSize: 512 }), /txQueueSize 512/);
  assert.throws(() => new VirtioNet({ base: BASE, bus, dma: new FakeDma(), mac: new Uint8Array(5) }), /mac has 5 bytes/);
  assert.throws(() => new VirtioNet({ base: BASE, bus, dma: new FakeDma() }).send(frame(60)), /init\(\) first/);
});

test("send: the frame goes out without the 12-byte header; barriers before avail.idx and before QueueNotify", () => {
  const { bus, model, nic, sent, barriers, service } = setup();
  bus.clearLog();
  barriers.length = 0;
  const f = frame(60);
  assert.is(nic.send(f), true);
  assert.equal(sent, [[...f]]);
  assert.equal(barriers, ["dmb", "dsb"]);
  assert.equal(accesses(bus), ["w QueueNotify 1"]);
  assert.is(model.irqLevel, false, "no interrupt per sent frame (VIRTQ_AVAIL_F_NO_INTERRUPT on the transmit queue)");
  assert.is(nic.counters.txFrames, 1);
  assert.throws(() => nic.send(frame(13)), /13 bytes is not 14 to 1524 bytes/);
  assert.throws(() => nic.send(frame(1525)), /1525 bytes/);
  assert.is(nic.send(frame(1524)), true, "a 1514-byte frame with room for a VLAN tag");
  assert.equal(model.errors, []);
});

test("the transmit header is zeros (5.1.6.2)", () => {
  const { dma, nic } = setup();
  nic.send(frame(100, 3));
  const txBuffers = new Uint8Array(dma.allocations[3].buffer);
  const id = 0;
  assert.equal([...txBuffers.subarray(1536 * id, 1536 * id + 12)], new Array(12).fill(0));
  assert.equal([...txBuffers.subarray(1536 * id + 12, 1536 * id + 112)], [...frame(100, 3)]);
});

test("receive: inject, interrupt, acknowledge, the frame without header, the buffer posted again", () => {
  const { bus, dma, model, nic, received, service } = setup();
  const ring = new DataView(dma.allocations[0].buffer);
  const before = ring.getUint16(1024 + 2, true);
  bus.clearLog();
  const f = frame(342, 9);
  assert.is(model.inject(f), true);
  assert.is(model.irqLevel, true);
  service();
  assert.equal(received, [[...f]]);
  assert.equal(accesses(bus), ["r InterruptStatus 1", "w InterruptACK 1", "w QueueNotify 0"]);
  assert.is(ring.getUint16(1024 + 2, true), before + 1, "avail.idx moved on by the reposted buffer");
  assert.is(nic.counters.rxFrames, 1);
  assert.is(nic.counters.rxBytes, 342);
});

test("frames injected before buffers or before DRIVER_OK wait and arrive", () => {
  const { model, nic, received, service } = setup({ init: false });
  model.inject(frame(60, 1));
  model.inject(frame(61, 2));
  assert.is(model.backlogLength, 2);
  nic.init();
  service();
  assert.equal(received, [[...frame(60, 1)], [...frame(61, 2)]]);
});

test("more frames than buffers: the rest wait in the device until buffers come back", () => {
  const { model, received, service } = setup({ driver: { rxQueueSize: 4 } });
  for (let i = 0; i < 10; i++) model.inject(frame(60, i));
  assert.is(model.backlogLength, 6);
  for (let n = 0; n < 5 && received.length < 10; n++) service();
  assert.is(received.length, 10);
  assert.equal(received.map((f) => f[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("backpressure: send() refuses when every descriptor is in flight, writable() once one is back", () => {
  const { model, nic, sent, service, writable } = setup({ driver: { txQueueSize: 4 } });
  model.txPaused = true;
  for (let i = 0; i < 4; i++) assert.is(nic.send(frame(60, i)), true);
  assert.is(nic.send(frame(60, 4)), false);
  assert.is(nic.send(frame(60, 4)), false);
  assert.is(nic.counters.txBusy, 2);
  assert.is(writable(), 0);
  assert.is(sent.length, 0);
  model.completeTx();
  assert.is(sent.length, 4);
  service();
  assert.is(writable(), 1, "writable once");
  assert.is(nic.send(frame(60, 4)), true);
  assert.is(model.irqLevel, false, "transmit interrupts off again");
  service();
  assert.is(writable(), 1, "not again without a refusal");
  assert.equal(sent.map((f) => f[0]), [0, 1, 2, 3, 4]);
});

test("a full transmit queue is reclaimed by send() itself when the device has finished", () => {
  const { nic, sent } = setup({ driver: { txQueueSize: 2 } });
  // No interrupt serviced between sends: send() takes back what the device used.
  for (let i = 0; i < 10; i++) assert.is(nic.send(frame(60, i)), true);
  assert.is(sent.length, 10);
});

test("ring indices wrap past 65535: 70,000 frames each way", () => {
  const { bus, model, nic, received, sent, service } = setup({ driver: { rxQueueSize: 4, txQueueSize: 4 } });
  let rxOk = 0;
  let txOk = 0;
  const events = { receive: (f: Uint8Array) => { if (f.length === 60 + (rxOk % 7) && f[0] === (rxOk & 0xff)) rxOk++; }, writable() {}, link() {} };
  nic.attach(events);
  model.onTransmit = (f) => { if (f.length === 64 && f[1] === (txOk & 0xff)) txOk++; };
  const rxf = new Uint8Array(66);
  const txf = new Uint8Array(64);
  for (let i = 0; i < 70_000; i++) {
    rxf[0] = i & 0xff;
    model.inject(rxf.subarray(0, 60 + (i % 7)));
    txf[1] = i & 0xff;
    assert.ok(nic.send(txf));
    service();
    if (i % 1000 === 0) bus.clearLog();
  }
  assert.is(rxOk, 70_000);
  assert.is(txOk, 70_000);
  assert.is(received.length + sent.length, 0);
  assert.equal(model.errors, []);
  assert.equal(nic.errors, { rxTooShort: 0, rxTooLong: 0, needsReset: 0, rx: { badId: 0, notHeld: 0, overrun: 0 }, tx: { badId: 0, notHeld: 0, overrun: 0 } });
});

/** Writes used entries into the receive queue's used ring by hand (a misbehaving device). */
function forgeRxUsed(dma: FakeDma, entries: Array<[number, number]>) {
  forgeUsed(dma, 0, 64, entries);
}

/** The same for the queue whose ring is DMA allocation `allocation`, of `size` entries. */
function forgeUsed(dma: FakeDma, allocation: number, size: number, entries: Array<[number, number]>) {
  const ring = new DataView(dma.allocations[allocation].buffer);
  const used = (16 * size + 6 + 2 * size + 3) & ~3;
  let idx = ring.getUint16(used + 2, true);
  for (const [id, len] of entries) {
    ring.setUint32(used + 4 + 8 * (idx % size), id, true);
    ring.setUint32(used + 8 + 8 * (idx % size), len, true);
    idx = (idx + 1) & 0xffff;
  }
  ring.setUint16(used + 2, idx, true);
}

test("malformed used entries: id out of range, length beyond the buffer or short of the header: counted, dropped, no throw", () => {
  const { dma, model, nic, received } = setup();
  forgeRxUsed(dma, [[64, 100], [1000, 100], [5, 1537], [6, 11], [7, 12 + 60]]);
  model.isr = 1;
  nic.onInterrupt();
  assert.is(nic.errors.rx.badId, 2);
  assert.is(nic.errors.rxTooLong, 1);
  assert.is(nic.errors.rxTooShort, 1);
  assert.is(received.length, 1, "only the good entry is delivered");
  assert.is(received[0].length, 60);
  // The buffers of the bad-length entries went back to the device: all 64 are posted again.
  const ring = new DataView(dma.allocations[0].buffer);
  assert.is(ring.getUint16(1024 + 2, true), 64 + 3);
  // A transmit descriptor the device never had, given back twice.
  forgeUsed(dma, 2, 32, [[3, 0], [3, 0]]);
  nic.onInterrupt();
  assert.is(nic.errors.tx.notHeld, 2);
  assert.is(nic.send(frame(60)), true, "the free list is intact");
  // used.idx far ahead of the driver.
  forgeRxUsed(dma, new Array(200).fill([9, 72]));
  nic.onInterrupt();
  assert.is(nic.errors.rx.overrun, 1);
  assert.is(received.length, 1);
  assert.equal(model.errors, []);
});

test("link status: config interrupt, link(false), send() refuses; link(true) and writable() after", () => {
  const { model, nic, links, service, writable, sent } = setup();
  model.setLink(false);
  assert.is(model.irqLevel, true);
  service();
  assert.equal(links, [false]);
  assert.is(nic.linkUp, false);
  assert.is(nic.send(frame(60)), false);
  assert.is(model.inject(frame(60)), false, "QEMU drops frames while the link is down");
  model.setLink(true);
  service();
  assert.equal(links, [false, true]);
  assert.is(writable(), 1);
  assert.is(nic.send(frame(60)), true);
  assert.is(sent.length, 1);
});

test("a receive callback that throws: the error comes out after the ring is back in order", () => {
  const { dma, model, nic, received, events } = setup();
  let calls = 0;
  nic.attach({ ...events, receive: (f) => { if (calls++ === 0) throw new Error("app bug"); received.push([...f]); } });
  model.inject(frame(60, 1));
  model.inject(frame(60, 2));
  assert.throws(() => nic.onInterrupt(), /app bug/);
  assert.equal(received, [[...frame(60, 2)]]);
  const ring = new DataView(dma.allocations[0].buffer);
  assert.is(ring.getUint16(1024 + 2, true), 66, "both buffers posted again");
  assert.is(model.irqLevel, false);
  model.inject(frame(60, 3));
  nic.onInterrupt();
  assert.is(received.length, 2);
});

test("a device that needs a reset: counted, the link reported down, the device left alone", () => {
  const { dma, model, nic, links, service } = setup();
  // The driver's avail.idx corrupted: the device sees the guest move it too far (a protocol error).
  new DataView(dma.allocations[0].buffer).setUint16(1024 + 2, 1000, true);
  model.inject(frame(60));
  assert.match(model.errors.join(), /Guest moved avail index/);
  assert.is(model.status & DEVICE_NEEDS_RESET, DEVICE_NEEDS_RESET);
  service();
  assert.is(nic.errors.needsReset, 1);
  assert.equal(links, [false]);
  assert.is(nic.linkUp, false);
  assert.is(nic.send(frame(60)), false);
});

test("with the simulator's DMA memory (models/dma.ts): bytes reach the guest after inject", () => {
  const sim = new SimDma(0x0800_0000, 0x10_0000);
  const guest = new Map<number, ArrayBuffer>();
  sim.connect({ pull: (addr) => new Uint8Array((guest.get(addr) as ArrayBuffer).slice(0)), push: (addr, bytes) => new Uint8Array(guest.get(addr) as ArrayBuffer).set(bytes) });
  // hal.dma.alloc as tools/sim/guest/runtime.ts builds it: an address from the machine, a guest buffer.
  const dma = Object.assign(sim, {
    alloc(size: number, align = 16) {
      const addr = SimDma.prototype.alloc.call(sim, size, align);
      const buffer = new ArrayBuffer(size);
      guest.set(addr, buffer);
      return { addr, buffer };
    },
  }) as unknown as DmaAllocator & FakeDma;
  const bus = new MemoryBus();
  const model = new VirtioNetModel(bus, BASE, { dma: sim });
  // The simulator flushes after each register write; this bus does it the same way.
  const flushing = Object.assign(Object.create(bus) as MemoryBus, {
    write32: (addr: number, value: number) => { bus.write32(addr, value); sim.flush(); },
  });
  const nic = new VirtioNet({ base: BASE, bus: flushing, dma });
  const received: number[][] = [];
  nic.attach({ receive: (f) => received.push([...f]), writable() {}, link() {} });
  const sent: number[][] = [];
  model.onTransmit = (f) => sent.push([...f]);
  nic.init();
  model.inject(frame(70, 5));
  // In the guest's own buffer at once, before any register access flushes (the host pushes it).
  const rxRing = new DataView(guest.get(0x0800_0000) as ArrayBuffer);
  assert.is(rxRing.getUint16(1160 + 2, true), 1, "used.idx in guest memory");
  nic.onInterrupt();
  assert.equal(received, [[...frame(70, 5)]]);
  nic.send(frame(80, 6));
  assert.equal(sent, [[...frame(80, 6)]]);
  assert.equal(model.errors, []);
});


/** Every byte of the driver's DMA memory, to see that nothing writes it any more. */
const dmaBytes = (dma: FakeDma) => dma.allocations.map((a) => [...new Uint8Array(a.buffer)]);

test("stop(): a device reset (Status 0, waited for); a frame injected after it lands nowhere", () => {
  const { bus, dma, model, nic, received, service } = setup();
  model.inject(frame(100, 1));
  service();
  assert.is(received.length, 1);
  bus.clearLog();
  nic.stop();
  assert.equal(accesses(bus), ["w Status 0", "r Status 0"]);
  const memory = dmaBytes(dma);
  assert.is(model.inject(frame(200, 2)), true, "the device holds it back (no queue is ready)");
  assert.is(model.irqLevel, false);
  nic.onInterrupt();
  assert.equal(dmaBytes(dma), memory, "no byte of the rings or buffers changed");
  assert.is(received.length, 1, "nothing more reached the stack");
  assert.is(nic.linkUp, false);
  assert.is(nic.send(frame(60)), false, "send() refuses after stop()");
});

test("stop(): a device whose Status does not return to 0 is an error naming it", () => {
  const { bus, nic } = setup({ driver: { maxPolls: 5 } });
  bus.onRead(BASE + 0x070, () => DRIVER_OK | FEATURES_OK | DRIVER | ACKNOWLEDGE);
  assert.throws(() => nic.stop(), (e: Error) => /VirtioNet: the device at 0xfeb00000 did not reset/.test(e.message));
});

test.run();
