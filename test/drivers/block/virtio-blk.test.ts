/**
 * drivers/block/virtio-blk.ts against the register- and descriptor-level model
 * models/block/virtio-blk.ts: initialization (3.1.1, 5.2.5), multi-block requests as one
 * descriptor chain, splitting at maxTransfer and size_max, FLUSH only when offered, the
 * read-only feature, a failing sector and a silent device as clear errors, the shared bounds.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";
import { VirtioBlk, type VirtioBlkOptions } from "../../../drivers/block/virtio-blk.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { VirtioBlkModel, type VirtioBlkModelOptions } from "../../../models/block/virtio-blk.ts";

const BASE = 0xfeb0_0000;
const T_IN = 0, T_OUT = 1, T_FLUSH = 4;

function setup(model: Partial<VirtioBlkModelOptions> = {}, driver: Partial<VirtioBlkOptions> = {}, sectors = 4096) {
  const bus = new MemoryBus();
  const dma = new FakeDma(0x0800_0000, 0x40_0000);
  const disk = model.disk ?? new Uint8Array(sectors * 512).map((_, i) => (i * 31) >>> 3);
  const dev = new VirtioBlkModel(bus, BASE, { dma, disk, ...model });
  const blk = new VirtioBlk({ base: BASE, bus, dma, maxPolls: 1000, ...driver });
  blk.init();
  return { dev, blk, disk };
}

async function failure(p: Promise<unknown>): Promise<BlockDeviceError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, BlockDeviceError);
    return e as BlockDeviceError;
  }
  throw new Error("no error");
}

test("init: VERSION_1 and FLUSH negotiated, capacity read, DRIVER_OK set", () => {
  const { dev, blk } = setup();
  assert.is(blk.blockCount, 4096);
  assert.is(blk.blockSize, 512);
  assert.is(blk.readOnly, false);
  assert.is(dev.negotiated, (1n << 32n) | (1n << 9n));
  assert.is(dev.status, 1 | 2 | 8 | 4);
  assert.equal(dev.errors, []);
});

test("many blocks are one request each way, and the bytes are the disk's", async () => {
  const { dev, blk, disk } = setup();
  const got = await blk.read(10, 64);
  assert.equal(got, disk.slice(10 * 512, 74 * 512));
  const data = new Uint8Array(32 * 512).map((_, i) => 255 - (i & 255));
  await blk.write(100, data);
  assert.equal(disk.slice(100 * 512, 132 * 512), data);
  const into = new Uint8Array(32 * 512);
  assert.is(await blk.read(100, 32, into), into);
  assert.equal(into, data);
  assert.equal(dev.requests.map((r) => [r.type, r.sector, r.bytes, r.status]), [[T_IN, 10, 64 * 512, 0], [T_OUT, 100, 32 * 512, 0], [T_IN, 100, 32 * 512, 0]]);
  assert.equal(dev.errors, []);
});

test("requests above maxTransfer, or the device's size_max, are split", async () => {
  const a = setup({}, { maxTransfer: 4096 });
  await a.blk.read(0, 20);
  assert.equal(a.dev.requests.map((r) => r.bytes / 512), [8, 8, 4]);
  const b = setup({ sizeMax: 2048 + 100 });
  await b.blk.write(0, new Uint8Array(10 * 512));
  assert.equal(b.dev.requests.map((r) => [r.sector, r.bytes / 512]), [[0, 4], [4, 4], [8, 2]]);
});

test("flush sends VIRTIO_BLK_T_FLUSH when offered, nothing when not", async () => {
  const a = setup();
  await a.blk.write(0, new Uint8Array(512));
  assert.ok(a.dev.unflushed);
  await a.blk.flush();
  assert.not.ok(a.dev.unflushed);
  assert.is(a.dev.requests[1].type, T_FLUSH);
  const b = setup({ flush: false });
  await b.blk.flush();
  assert.equal(b.dev.requests, []);
});

test("a read-only device: readOnly set, writes EROFS without a request", async () => {
  const { dev, blk } = setup({ readOnly: true });
  assert.ok(blk.readOnly);
  const e = await failure(blk.write(0, new Uint8Array(512)));
  assert.is(e.code, "EROFS");
  assert.equal(dev.requests, []);
});

test("a failing sector is EIO naming the request and status; the driver goes on", async () => {
  const { dev, blk } = setup();
  dev.failAt = 7;
  const e = await failure(blk.read(4, 8));
  assert.is(e.code, "EIO");
  assert.match(e.message, /VIRTIO_BLK_T_IN of 8 sectors at 4 failed: VIRTIO_BLK_S_IOERR/);
  dev.failAt = -1;
  assert.is((await blk.read(4, 8)).length, 4096);
});

test("a device that never answers is ETIMEDOUT, not a hang", async () => {
  const { dev, blk } = setup();
  dev.silent = true;
  const e = await failure(blk.read(0, 1));
  assert.is(e.code, "ETIMEDOUT");
  assert.match(e.message, /no answer within 1000 polls/);
});

/** Timers that run only when the test says: fire() runs the pending callbacks. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    set: (_ms: number, cb: () => void) => (pending.set(next, cb), next++),
    clear: (h: unknown) => void pending.delete(h as number),
    fire: () => [...pending.values()].forEach((cb) => cb()),
    get count() {
      return pending.size;
    },
  };
}

test("with timers: interrupts on, the request completes at onInterrupt() and its timer is cleared; callers queue", async () => {
  const timers = manualTimers();
  const { dev, blk, disk } = setup({}, { timers });
  dev.silent = true; // the device takes the request, answers later
  const a = blk.read(0, 8);
  const b = blk.write(8, new Uint8Array(512).fill(9)); // queued behind a
  await Promise.resolve();
  await Promise.resolve();
  assert.is(dev.requests.length, 0);
  assert.is(timers.count, 1);
  blk.onInterrupt(); // nothing used yet: spurious, ignored
  dev.silent = false;
  dev.process();
  assert.is(dev.interruptStatus & 1, 1); // NO_INTERRUPT is not set in this mode
  blk.onInterrupt();
  assert.is(dev.interruptStatus, 0); // acknowledged
  assert.equal(await a, disk.slice(0, 8 * 512));
  await b; // served at its notification
  assert.is(disk[8 * 512], 9);
  assert.is(timers.count, 0);
  assert.equal(dev.requests.map((r) => r.type), [T_IN, T_OUT]);
});

test("with timers: a device that never interrupts is ETIMEDOUT when the timer fires", async () => {
  const timers = manualTimers();
  const { dev, blk } = setup({}, { timers, timeoutMs: 250 });
  dev.silent = true;
  const p = blk.read(0, 1);
  p.catch(() => undefined);
  await Promise.resolve();
  await Promise.resolve();
  timers.fire();
  const e = await failure(p);
  assert.is(e.code, "ETIMEDOUT");
  assert.match(e.message, /VIRTIO_BLK_T_IN of 1 sectors at 0: no answer within 250 ms/);
});

test("bounds: past the end, a wrong buffer length, partial blocks are EINVAL before any request", async () => {
  const { dev, blk } = setup({}, {}, 16);
  assert.is((await failure(blk.read(15, 2))).code, "EINVAL");
  assert.is((await failure(blk.read(-1, 1))).code, "EINVAL");
  assert.is((await failure(blk.read(0, 2, new Uint8Array(512)))).code, "EINVAL");
  assert.is((await failure(blk.write(0, new Uint8Array(100)))).code, "EINVAL");
  assert.is((await failure(blk.write(16, new Uint8Array(512)))).code, "EINVAL");
  assert.equal(dev.requests, []);
});

test("a transport with another device or the legacy interface is refused", () => {
  const bus = new MemoryBus();
  const dma = new FakeDma(0x0800_0000, 0x10_0000);
  new VirtioBlkModel(bus, BASE, { dma, disk: new Uint8Array(512), version: 1 });
  assert.throws(() => new VirtioBlk({ base: BASE, bus, dma }).init(), /legacy interface/);
});


test("stop(): a device reset; a request the device still held is never served, no DMA byte changes; later requests are EIO", async () => {
  const timers = manualTimers();
  const bus = new MemoryBus();
  const dma = new FakeDma(0x0800_0000, 0x40_0000);
  const disk = new Uint8Array(64 * 512).map((_, i) => (i * 31) >>> 3);
  const dev = new VirtioBlkModel(bus, BASE, { dma, disk });
  const blk = new VirtioBlk({ base: BASE, bus, dma, maxPolls: 1000, timers });
  blk.init();
  dev.silent = true; // the device has taken the request and would answer later
  const pending = blk.read(0, 8);
  pending.catch(() => undefined);
  await Promise.resolve();
  await Promise.resolve();
  blk.stop();
  assert.is(dev.status, 0, "reset");
  const memory = dma.allocations.map((a) => [...new Uint8Array(a.buffer)]);
  dev.silent = false;
  dev.process(); // what the device would do now: nothing, its queue is gone (4.2.2.1)
  assert.is(dev.requests.length, 0, "the held request was not served");
  assert.equal(dma.allocations.map((a) => [...new Uint8Array(a.buffer)]), memory, "no byte of the queue or the data buffer changed");
  timers.fire();
  assert.is((await failure(pending)).code, "ETIMEDOUT");
  const e = await failure(blk.read(0, 1));
  assert.is(e.code, "EIO");
  assert.match(e.message, /stopped/);
});

test.run();
