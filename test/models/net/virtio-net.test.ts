// The virtio-net model against what QEMU 7.2 does, driven by hand (not by the driver): rings
// built here from VIRTIO 1.2 2.7, registers from 4.2.2. Values marked "read on QEMU" were read
// from QEMU 7.2's virtio-net-device on microvm with a probe firmware.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { VirtioNetModel, type VirtioNetModelOptions } from "../../../models/net/virtio-net.ts";

const BASE = 0xfeb0_0000;
const R = {
  MagicValue: 0x000, Version: 0x004, DeviceID: 0x008, VendorID: 0x00c, DeviceFeatures: 0x010, DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020, DriverFeaturesSel: 0x024, QueueSel: 0x030, QueueNumMax: 0x034, QueueNum: 0x038, QueueReady: 0x044,
  QueueNotify: 0x050, InterruptStatus: 0x060, InterruptACK: 0x064, Status: 0x070, QueueDescLow: 0x080, QueueDescHigh: 0x084,
  QueueDriverLow: 0x090, QueueDriverHigh: 0x094, QueueDeviceLow: 0x0a0, QueueDeviceHigh: 0x0a4, ConfigGeneration: 0x0fc, Config: 0x100,
} as const;
const F_VERSION_1 = 1, F_MAC = 1 << 5, F_STATUS = 1 << 16; // word 1 bit 0; word 0 bits 5 and 16
const NEEDS_RESET = 64;

/** A driver by hand: one queue of `num` entries, one 2 KiB buffer per descriptor. */
class HandQueue {
  readonly ring: DataView;
  readonly addr: number;
  readonly buffers: { addr: number; bytes: Uint8Array }[] = [];
  availIdx = 0;
  constructor(dma: FakeDma, readonly num: number, write: boolean) {
    const b = dma.alloc(16 * num + 6 + 2 * num + 2 + 6 + 8 * num, 16);
    this.addr = b.addr;
    this.ring = new DataView(b.buffer);
    for (let i = 0; i < num; i++) {
      const buf = dma.alloc(2048, 16);
      this.buffers.push({ addr: buf.addr, bytes: new Uint8Array(buf.buffer) });
      this.ring.setUint32(16 * i, buf.addr, true);
      this.ring.setUint32(16 * i + 8, 2048, true);
      this.ring.setUint16(16 * i + 12, write ? 2 : 0, true);
    }
  }
  get avail() { return 16 * this.num; }
  get used() { return (16 * this.num + 6 + 2 * this.num + 3) & ~3; }
  offer(id: number, len = 2048): void {
    this.ring.setUint32(16 * id + 8, len, true);
    this.ring.setUint16(this.avail + 4 + 2 * (this.availIdx % this.num), id, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ring.setUint16(this.avail + 2, this.availIdx, true);
  }
  usedIdx(): number { return this.ring.getUint16(this.used + 2, true); }
  usedEntry(n: number): [number, number] {
    const e = this.used + 4 + 8 * (n % this.num);
    return [this.ring.getUint32(e, true), this.ring.getUint32(e + 4, true)];
  }
}

function device(options: Partial<VirtioNetModelOptions> = {}) {
  const bus = new MemoryBus();
  const dma = new FakeDma(0x0800_0000, 0x10_0000);
  const levels: boolean[] = [];
  const model = new VirtioNetModel(bus, BASE, { dma, irq: (l) => levels.push(l), ...options });
  const sent: number[][] = [];
  model.onTransmit = (f) => sent.push([...f]);
  const rd = (reg: number) => bus.read32(BASE + reg);
  const wr = (reg: number, v: number) => bus.write32(BASE + reg, v);
  const queue = (index: number, num: number, write: boolean) => {
    const q = new HandQueue(dma, num, write);
    wr(R.QueueSel, index);
    wr(R.QueueNum, num);
    wr(R.QueueDescLow, q.addr);
    wr(R.QueueDriverLow, q.addr + q.avail);
    wr(R.QueueDeviceLow, q.addr + q.used);
    wr(R.QueueReady, 1);
    return q;
  };
  /** 3.1.1 up to FEATURES_OK with `low`/`high` features, the two queues, DRIVER_OK. */
  const start = (low = F_MAC | F_STATUS, high = F_VERSION_1) => {
    wr(R.Status, 0); wr(R.Status, 1); wr(R.Status, 3);
    wr(R.DriverFeaturesSel, 0); wr(R.DriverFeatures, low);
    wr(R.DriverFeaturesSel, 1); wr(R.DriverFeatures, high);
    wr(R.Status, 11);
    const rx = queue(0, 8, true);
    const tx = queue(1, 8, false);
    wr(R.Status, 15);
    return { rx, tx };
  };
  return { bus, dma, model, levels, sent, rd, wr, start };
}

test("identity registers, features and queue sizes as read on QEMU 7.2", () => {
  const { rd, wr, model } = device();
  assert.equal([rd(R.MagicValue), rd(R.Version), rd(R.DeviceID), rd(R.VendorID)], [0x74726976, 2, 1, 0x554d4551]);
  wr(R.DeviceFeaturesSel, 0);
  assert.is(rd(R.DeviceFeatures), 0x30bf8024);
  wr(R.DeviceFeaturesSel, 7); // any nonzero value selects word 1
  assert.is(rd(R.DeviceFeatures), 0x101);
  const max = [0, 1, 2, 3].map((q) => (wr(R.QueueSel, q), rd(R.QueueNumMax)));
  assert.equal(max, [1024, 1024, 1024, 0]);
  assert.equal(model.errors, []);
});

test("config space: MAC, status, then all ones past QEMU's 8 bytes (read on QEMU)", () => {
  const { bus } = device();
  const bytes = Array.from({ length: 12 }, (_, i) => bus.read8(BASE + R.Config + i));
  assert.equal(bytes, [0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 1, 0, 255, 255, 255, 255]);
  assert.is(bus.read16(BASE + R.Config + 6), 1);
  assert.is(bus.read32(BASE + R.Config + 4), 0x0001_5634);
});

test("legacy and empty transports", () => {
  assert.is(device({ version: 1 }).rd(R.Version), 1);
  const empty = device({ deviceId: 0 });
  assert.equal([empty.rd(R.MagicValue), empty.rd(R.Version), empty.rd(R.DeviceID), empty.rd(R.VendorID), empty.rd(R.QueueNumMax)], [0x74726976, 2, 0, 0x554d4551, 0]);
  empty.wr(R.Status, 1);
  assert.is(empty.rd(R.Status), 0, "writes ignored");
});

test("status: FEATURES_OK takes the driver's features masked to those offered; refused, the write is undone; 0 resets", () => {
  const { rd, wr, model } = device();
  wr(R.Status, 1); wr(R.Status, 3);
  wr(R.DriverFeaturesSel, 0); wr(R.DriverFeatures, F_MAC | 1 << 0); // CSUM is not offered
  wr(R.DriverFeaturesSel, 1); wr(R.DriverFeatures, F_VERSION_1);
  wr(R.Status, 11);
  assert.is(rd(R.Status), 11);
  assert.is(model.negotiated, (1n << 32n) | (1n << 5n));
  assert.match(model.errors.join(), /not offered/);
  wr(R.Status, 0);
  assert.is(rd(R.Status), 0);
  assert.is(model.negotiated, 0n);
  model.refuseFeaturesOk = true;
  wr(R.Status, 1); wr(R.Status, 3); wr(R.Status, 11);
  assert.is(rd(R.Status), 3, "virtio_set_status returned early");
});

test("receive: 10 zero header bytes, num_buffers untouched, used length 12 + frame, interrupt level until acknowledged", () => {
  const { rd, wr, model, levels, start } = device();
  const { rx } = start();
  rx.buffers[0].bytes.fill(0xee);
  rx.offer(0);
  const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
  assert.is(model.inject(frame), true);
  assert.is(rx.usedIdx(), 1);
  assert.equal(rx.usedEntry(0), [0, 72]);
  assert.equal([...rx.buffers[0].bytes.subarray(0, 12)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xee, 0xee]);
  assert.equal([...rx.buffers[0].bytes.subarray(12, 72)], [...frame]);
  assert.is(rd(R.InterruptStatus), 1);
  assert.equal(levels, [true]);
  wr(R.InterruptACK, 1);
  assert.equal(levels, [true, false]);
  assert.is(rd(R.InterruptStatus), 0);
});

test("receive: no buffer, the frame waits until QueueNotify 0; too big, lost and the buffer kept; NO_INTERRUPT honoured", () => {
  const { rd, wr, model, start } = device();
  const { rx } = start();
  model.inject(new Uint8Array(60).fill(1));
  assert.is(model.backlogLength, 1);
  rx.offer(0);
  assert.is(rx.usedIdx(), 0, "not before a notification");
  wr(R.QueueNotify, 0);
  assert.is(rx.usedIdx(), 1);
  rx.offer(1, 100);
  assert.is(model.inject(new Uint8Array(89)), false, "12 + 89 > 100");
  assert.is(model.counters.rxTooBig, 1);
  wr(R.InterruptACK, 3);
  rx.ring.setUint16(rx.avail, 1, true); // VIRTQ_AVAIL_F_NO_INTERRUPT
  assert.is(model.inject(new Uint8Array(88)), true, "the kept buffer takes the next frame");
  assert.equal(rx.usedEntry(1), [1, 100]);
  assert.is(rd(R.InterruptStatus), 0);
  assert.equal(model.errors, []);
});

test("transmit: at QueueNotify 1, header stripped, used length 0; link down drops the frame but returns the buffer", () => {
  const { wr, model, sent, start } = device();
  const { tx } = start();
  tx.buffers[0].bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  tx.offer(0, 26);
  wr(R.QueueNotify, 1);
  assert.equal(sent, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]]);
  assert.equal(tx.usedEntry(0), [0, 0]);
  model.setLink(false);
  tx.offer(1, 26);
  wr(R.QueueNotify, 1);
  assert.is(sent.length, 1);
  assert.is(tx.usedIdx(), 2);
  assert.is(model.counters.txLinkDown, 1);
});

test("link changes: config interrupt and a new generation, only after DRIVER_OK", () => {
  const { rd, wr, model, bus, start } = device();
  model.setLink(false);
  assert.is(rd(R.InterruptStatus), 0, "before DRIVER_OK");
  start();
  model.setLink(true);
  assert.is(rd(R.InterruptStatus), 2);
  assert.is(rd(R.ConfigGeneration), 1);
  assert.is(bus.read16(BASE + R.Config + 6), 1);
  wr(R.InterruptACK, 2);
  assert.is(model.irqLevel, false);
});

test("protocol errors: DEVICE_NEEDS_RESET with a config interrupt, the device stops", () => {
  const { rd, model, start } = device();
  const { rx } = start();
  rx.ring.setUint16(rx.avail + 2, 9, true); // 9 available in a queue of 8
  model.inject(new Uint8Array(60));
  assert.match(model.errors.join(), /Guest moved avail index from 0 to 9/);
  assert.is(rd(R.Status) & NEEDS_RESET, NEEDS_RESET);
  assert.is(rd(R.InterruptStatus) & 2, 2);
  const d2 = device();
  const q2 = d2.start();
  q2.tx.ring.setUint16(q2.tx.avail + 4, 8, true); // head index out of range
  q2.tx.ring.setUint16(q2.tx.avail + 2, 1, true);
  d2.wr(R.QueueNotify, 1);
  assert.match(d2.model.errors.join(), /Guest says index 8 is available/);
  const d3 = device();
  const q3 = d3.start();
  q3.tx.ring.setUint16(12, 1, true); // NEXT, pointing at itself
  q3.tx.offer(0, 26);
  d3.wr(R.QueueNotify, 1);
  assert.match(d3.model.errors.join(), /Looped descriptor/);
});

test("the driver's mistakes are noted: notification before DRIVER_OK, 16-bit register access", () => {
  const { bus, wr, model } = device();
  wr(R.QueueNotify, 0);
  bus.read16(BASE + R.Status);
  assert.equal(model.errors, ["notification of queue 0 before DRIVER_OK (3.1.1)", "16-bit read of register 0x70"]);
});

test.run();
