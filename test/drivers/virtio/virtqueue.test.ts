import { test } from "uvu";
import * as assert from "uvu/assert";
import { SplitVirtqueue } from "../../../drivers/virtio/virtqueue.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";

// Split virtqueue layout, VIRTIO 1.2 2.7: descriptors 16 bytes each (addr u64, len u32, flags
// u16, next u16) 16-aligned; available ring flags, idx, ring[N] u16, used_event, 2-aligned;
// used ring flags, idx, ring[N] of {id u32, len u32}, avail_event, 4-aligned.
const VIRTQ_DESC_F_WRITE = 2;
const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
const VIRTQ_USED_F_NO_NOTIFY = 1;

function setup(size = 8, deviceWritable = true, log?: string[]) {
  const dma = new FakeDma(0x4000_0000, 0x10_0000);
  const barrier = { dmb: () => log?.push("dmb"), dsb: () => log?.push("dsb") };
  const q = new SplitVirtqueue({ dma, size, bufferSize: 64, deviceWritable, barrier });
  const ring = new DataView(dma.allocations[0].buffer);
  const avail = 16 * size;
  const used = (avail + 6 + 2 * size + 3) & ~3;
  /** The device side, by hand: puts descriptor `id` in the used ring with `len`. */
  let usedIdx = 0;
  const deviceUse = (id: number, len: number) => {
    ring.setUint32(used + 4 + 8 * (usedIdx % size), id, true);
    ring.setUint32(used + 8 + 8 * (usedIdx % size), len, true);
    usedIdx = (usedIdx + 1) & 0xffff;
    ring.setUint16(used + 2, usedIdx, true);
  };
  return { dma, q, ring, avail, used, deviceUse, setUsedIdx: (n: number) => { usedIdx = n & 0xffff; ring.setUint16(used + 2, usedIdx, true); } };
}

test("layout: descriptors, then the available ring, then the used ring 4-aligned; descriptor i points at buffer i", () => {
  const { dma, q, ring, avail, used } = setup(8);
  const base = dma.allocations[0].addr;
  assert.equal(q.addresses, { desc: base, driver: base + 128, device: base + 152 });
  assert.is(avail, 128);
  assert.is(used, 152); // 128 + 6 + 16 = 150, rounded up to 4
  assert.is(dma.allocations[0].buffer.byteLength, 152 + 6 + 64);
  const buffers = dma.allocations[1];
  assert.is(buffers.buffer.byteLength, 8 * 64);
  for (let i = 0; i < 8; i++) {
    assert.is(ring.getUint32(16 * i, true), buffers.addr + 64 * i, `desc ${i} addr`);
    assert.is(ring.getUint32(16 * i + 4, true), 0);
    assert.is(ring.getUint32(16 * i + 8, true), 64);
    assert.is(ring.getUint16(16 * i + 12, true), VIRTQ_DESC_F_WRITE);
  }
  assert.is(setup(8, false).ring.getUint16(12, true), 0, "transmit descriptors are device-readable");
});

test("sizes: a power of two from 2 to 256; buffers a multiple of 16", () => {
  const dma = new FakeDma();
  for (const size of [0, 1, 3, 100, 512]) assert.throws(() => new SplitVirtqueue({ dma, size, bufferSize: 64, deviceWritable: true }), /power of two/);
  assert.throws(() => new SplitVirtqueue({ dma, size: 8, bufferSize: 60, deviceWritable: true }), /multiple of 16/);
});

test("put/publish: ring entry, then a barrier, then avail.idx, then a full barrier before used.flags is read", () => {
  const log: string[] = [];
  const { q, ring, avail } = setup(8, false, log);
  const id = q.take();
  q.put(id, 42);
  assert.is(ring.getUint16(avail + 2, true), 0, "idx not yet published");
  assert.is(ring.getUint16(avail + 4, true), id);
  assert.is(ring.getUint32(16 * id + 8, true), 42);
  const idxAtBarrier: number[] = [];
  const orig = log.push.bind(log);
  log.push = (...items: string[]) => { idxAtBarrier.push(ring.getUint16(avail + 2, true)); return orig(...items); };
  assert.is(q.publish(), true);
  assert.equal(log, ["dmb", "dsb"]);
  assert.equal(idxAtBarrier, [0, 1], "dmb before the idx write, dsb after it");
  assert.is(q.publish(), false, "nothing new: no notification");
});

test("publish says no notification when the device set VIRTQ_USED_F_NO_NOTIFY", () => {
  const { q, ring, used } = setup(8, false);
  ring.setUint16(used, VIRTQ_USED_F_NO_NOTIFY, true);
  q.put(q.take(), 10);
  assert.is(q.publish(), false);
  ring.setUint16(used, 0, true);
  q.put(q.take(), 10);
  assert.is(q.publish(), true);
});

test("suppressInterrupts sets VIRTQ_AVAIL_F_NO_INTERRUPT", () => {
  const { q, ring, avail } = setup(8);
  q.suppressInterrupts(true);
  assert.is(ring.getUint16(avail, true), VIRTQ_AVAIL_F_NO_INTERRUPT);
  q.suppressInterrupts(false);
  assert.is(ring.getUint16(avail, true), 0);
});

test("free list: take until empty, release gives descriptors back", () => {
  const { q, deviceUse } = setup(4, false);
  const ids = [q.take(), q.take(), q.take(), q.take()];
  assert.equal([...ids].sort(), [0, 1, 2, 3]);
  assert.is(q.take(), -1);
  for (const id of ids) q.put(id, 20);
  q.publish();
  assert.is(q.outstanding, 4);
  deviceUse(ids[2], 0);
  const back = q.takeUsed();
  assert.is(back, ids[2]);
  assert.is(q.takeUsed(), -1);
  q.release(back);
  assert.is(q.take(), ids[2]);
});

test("indices wrap past 65535: 70,000 buffers through a queue of 4", () => {
  const { q, ring, avail, deviceUse } = setup(4, true);
  for (let i = 0; i < 4; i++) q.put(q.take(), 64);
  q.publish();
  let seen = 0;
  for (let n = 0; n < 70_000; n++) {
    const slot = n % 4;
    const id = ring.getUint16(avail + 4 + 2 * slot, true);
    deviceUse(id, 14 + (n % 50));
    const got = q.takeUsed();
    assert.ok(got === id, `buffer ${n}: got ${got}, expected ${id}`);
    assert.ok(q.usedLength === 14 + (n % 50));
    q.put(got, 64);
    q.publish();
    seen++;
  }
  assert.is(seen, 70_000);
  assert.is(ring.getUint16(avail + 2, true), (70_000 + 4) & 0xffff);
  assert.equal(q.errors, { badId: 0, notHeld: 0, overrun: 0 });
});

test("a used id out of range or not held by the device is counted and skipped", () => {
  const { q, deviceUse } = setup(4, true);
  const a = q.take();
  const b = q.take();
  q.put(a, 64);
  q.put(b, 64);
  q.publish();
  deviceUse(9, 10); // out of range
  deviceUse(q.take(), 10); // free, never given to the device
  deviceUse(b, 30);
  deviceUse(b, 30); // twice
  assert.is(q.takeUsed(), b);
  assert.is(q.usedLength, 30);
  assert.is(q.takeUsed(), -1);
  assert.equal(q.errors, { badId: 1, notHeld: 2, overrun: 0 });
});

test("used.idx more than the queue size ahead is an overrun: counted, nothing taken", () => {
  const { q, setUsedIdx } = setup(4, true);
  q.put(q.take(), 64);
  q.publish();
  setUsedIdx(1000);
  assert.is(q.takeUsed(), -1);
  assert.equal(q.errors, { badId: 0, notHeld: 0, overrun: 1 });
  assert.is(q.takeUsed(), -1, "resynchronised: no second count");
  assert.is(q.errors.overrun, 1);
});

test.run();
