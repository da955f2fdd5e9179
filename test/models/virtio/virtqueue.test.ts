// models/virtio/virtqueue.ts, the device side of a split virtqueue that the virtio-blk and
// virtio-net models share: rings and descriptors laid out by hand after VIRTIO 1.2 2.7 (as a
// driver would), chains taken, gathered, scattered and returned, and every protocol error QEMU
// treats as fatal (hw/virtio/virtio.c) a VirtioGuestError.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";
import { DeviceVirtqueue, VirtioGuestError } from "../../../models/virtio/virtqueue.ts";

const NEXT = 1, WRITE = 2, INDIRECT = 4;

/** A queue of `num` entries in FakeDma memory, with the driver's side written by hand. */
function rig(num = 8) {
  const dma = new FakeDma();
  const desc = dma.alloc(16 * num, 16);
  const driver = dma.alloc(6 + 2 * num, 2);
  const device = dma.alloc(6 + 8 * num, 4);
  const q = new DeviceVirtqueue(dma, { num, desc: desc.addr, driver: driver.addr, device: device.addr });
  const d = new DataView(desc.buffer), a = new DataView(driver.buffer), u = new DataView(device.buffer);
  let availIdx = 0;
  return {
    dma,
    q,
    /** Descriptor i (2.7.5: le64 addr, le32 len, le16 flags, le16 next). */
    setDesc(i: number, addr: number, len: number, flags: number, next = 0) {
      d.setUint32(16 * i, addr, true);
      d.setUint32(16 * i + 4, 0, true);
      d.setUint32(16 * i + 8, len, true);
      d.setUint16(16 * i + 12, flags, true);
      d.setUint16(16 * i + 14, next, true);
    },
    /** Makes head `head` available (2.7.6: flags, idx, ring[]). */
    offer(head: number) {
      a.setUint16(4 + 2 * (availIdx % num), head, true);
      availIdx = (availIdx + 1) & 0xffff;
      a.setUint16(2, availIdx, true);
    },
    setAvailIdx(idx: number) {
      a.setUint16(2, idx, true);
    },
    noInterrupt(on: boolean) {
      a.setUint16(0, on ? 1 : 0, true);
    },
    /** The used ring (2.7.8): idx and the entries. */
    used: () => ({
      idx: u.getUint16(2, true),
      ring: Array.from({ length: num }, (_, i) => [u.getUint32(4 + 8 * i, true), u.getUint32(8 + 8 * i, true)]),
    }),
  };
}

test("a chain of readable then writable descriptors: taken, gathered, scattered across parts, returned in the used ring", () => {
  const r = rig();
  const hdr = r.dma.alloc(4), data = r.dma.alloc(6), out1 = r.dma.alloc(3), out2 = r.dma.alloc(5);
  new Uint8Array(hdr.buffer).set([1, 2, 3, 4]);
  new Uint8Array(data.buffer).set([5, 6, 7, 8, 9, 10]);
  r.setDesc(3, hdr.addr, 4, NEXT, 5);
  r.setDesc(5, data.addr, 6, NEXT, 0);
  r.setDesc(0, out1.addr, 3, NEXT | WRITE, 7);
  r.setDesc(7, out2.addr, 5, WRITE);
  assert.is(r.q.available(), 0);
  assert.is(r.q.pop(), undefined);
  r.offer(3);
  assert.is(r.q.available(), 1);
  const chain = r.q.pop()!;
  assert.is(chain.head, 3);
  assert.equal(chain.parts.map((p) => [p.addr, p.len, p.write]), [[hdr.addr, 4, false], [data.addr, 6, false], [out1.addr, 3, true], [out2.addr, 5, true]]);
  assert.equal([...r.q.gather(chain)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(r.q.capacity(chain), 8);
  r.q.scatter(chain, 2, new Uint8Array([0xa, 0xb, 0xc, 0xd])); // across the two writable parts
  assert.equal([...new Uint8Array(out1.buffer)], [0, 0, 0xa]);
  assert.equal([...new Uint8Array(out2.buffer)], [0xb, 0xc, 0xd, 0, 0]);
  r.q.push(chain.head, 4);
  assert.equal(r.used().idx, 1);
  assert.equal(r.used().ring[0], [3, 4]);
  assert.is(r.q.available(), 0);
});

test("the rings wrap: indices are free-running 16-bit counters, entries go at idx mod num", () => {
  const r = rig(4);
  const buf = r.dma.alloc(1);
  for (let i = 0; i < 4; i++) r.setDesc(i, buf.addr, 1, WRITE);
  for (let n = 0; n < 10; n++) {
    r.offer(n % 4);
    const c = r.q.pop()!;
    assert.is(c.head, n % 4);
    r.q.push(c.head, n);
  }
  assert.is(r.used().idx, 10);
  assert.equal(r.used().ring[(10 - 1) % 4], [1, 9]);
  // unpop gives the last chain back (QEMU's virtqueue_unpop): it is taken again.
  r.offer(2);
  assert.is(r.q.pop()!.head, 2);
  r.q.unpop();
  assert.is(r.q.available(), 1);
  assert.is(r.q.pop()!.head, 2);
});

test("NO_INTERRUPT in the available ring's flags: no interrupt wanted", () => {
  const r = rig();
  assert.ok(r.q.wantsInterrupt());
  r.noInterrupt(true);
  assert.not.ok(r.q.wantsInterrupt());
});

test("protocol errors are VirtioGuestErrors with QEMU's words: avail index, head, next, loops, order, indirect, memory", () => {
  const throwsGuest = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof VirtioGuestError && re.test((e as Error).message));
  let r = rig(4);
  r.setAvailIdx(5);
  throwsGuest(() => r.q.available(), /Guest moved avail index from 0 to 5/);
  r = rig(4);
  r.offer(9);
  throwsGuest(() => r.q.pop(), /Guest says index 9 is available/);
  r = rig(4);
  const b = r.dma.alloc(8);
  r.setDesc(0, b.addr, 8, NEXT, 6);
  r.offer(0);
  throwsGuest(() => r.q.pop(), /Desc next is 6/);
  r = rig(4);
  const c = r.dma.alloc(8);
  r.setDesc(0, c.addr, 8, NEXT, 1);
  r.setDesc(1, c.addr, 8, NEXT, 0);
  r.offer(0);
  throwsGuest(() => r.q.pop(), /Looped descriptor/);
  r = rig(4);
  const d = r.dma.alloc(8);
  r.setDesc(0, d.addr, 8, NEXT | WRITE, 1);
  r.setDesc(1, d.addr, 8, 0);
  r.offer(0);
  throwsGuest(() => r.q.pop(), /Incorrect order for descriptors/);
  r = rig(4);
  r.setDesc(0, d.addr, 16, INDIRECT);
  r.offer(0);
  throwsGuest(() => r.q.pop(), /indirect descriptor/);
  r = rig(4);
  r.setDesc(0, 0x1000, 64, 0); // not DMA memory
  r.offer(0);
  const chain = r.q.pop()!;
  throwsGuest(() => r.q.gather(chain), /0x1000\+64 is not DMA memory the device can reach/);
});

test.run();
