/**
 * A split virtqueue, device side (VIRTIO 1.2, 2.7), for device models: reads the available
 * ring and the descriptor chains in DMA memory, writes the used ring. Layout and offsets are
 * written out from the spec (2.7.5 descriptors, 2.7.6 available ring, 2.7.8 used ring), not
 * imported from the driver.
 *
 * What QEMU 7.2 treats as a fatal guest error (hw/virtio/virtio.c: "Guest moved avail index",
 * a head or next index out of range, a looped chain, memory it cannot map) throws
 * VirtioGuestError; the device model then marks itself DEVICE_NEEDS_RESET, as QEMU's
 * virtio_error() does. Views are taken afresh on every access: the simulator's DMA memory
 * (models/dma.ts) copies buffers in and out around each device access.
 */
import type { DmaMemory } from "../mailbox/bcm2835.ts";

/** Descriptor flags (2.7.5). */
const DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
/** Available ring flag (2.7.7): the driver wants no interrupt. */
const AVAIL_F_NO_INTERRUPT = 1;

/** The driver broke the virtqueue protocol; the device stops using the queue. */
export class VirtioGuestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VirtioGuestError";
  }
}

/** One descriptor of a chain. */
export interface ChainPart {
  readonly addr: number;
  readonly len: number;
  /** Device-writable (DESC_F_WRITE). */
  readonly write: boolean;
}

export interface Chain {
  /** The head descriptor's index, which goes into the used ring. */
  readonly head: number;
  readonly parts: readonly ChainPart[];
}

/** Where the queue is, as the driver set it up through the transport (4.2.2). */
export interface DeviceQueueConfig {
  readonly num: number;
  readonly desc: number;
  readonly driver: number;
  readonly device: number;
}

export class DeviceVirtqueue {
  /** The next available ring index the device reads. */
  lastAvail = 0;
  /** The used ring index the device writes next. */
  usedIdx = 0;

  constructor(private readonly dma: DmaMemory, readonly config: DeviceQueueConfig) {}

  /** Chains the driver has made available and the device has not taken. */
  available(): number {
    const idx = this.read16(this.config.driver + 2);
    const n = (idx - this.lastAvail) & 0xffff;
    if (n > this.config.num) throw new VirtioGuestError(`Guest moved avail index from ${this.lastAvail} to ${idx}`);
    return n;
  }

  /** Takes the next available chain, or undefined when there is none. */
  pop(): Chain | undefined {
    if (this.available() === 0) return undefined;
    const { num, driver, desc } = this.config;
    const head = this.read16(driver + 4 + 2 * (this.lastAvail % num));
    if (head >= num) throw new VirtioGuestError(`Guest says index ${head} is available`);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    const parts: ChainPart[] = [];
    let i = head;
    for (let n = 0; ; n++) {
      if (n >= num) throw new VirtioGuestError("Looped descriptor");
      const d = this.view(desc + 16 * i, 16);
      const lo = d.getUint32(0, true);
      const hi = d.getUint32(4, true);
      const len = d.getUint32(8, true);
      const flags = d.getUint16(12, true);
      const next = d.getUint16(14, true);
      if (flags & DESC_F_INDIRECT) throw new VirtioGuestError("indirect descriptor, but VIRTIO_F_RING_INDIRECT_DESC was not negotiated");
      const write = (flags & DESC_F_WRITE) !== 0;
      if (!write && parts.length > 0 && parts[parts.length - 1].write) throw new VirtioGuestError("Incorrect order for descriptors");
      parts.push({ addr: hi * 0x1_0000_0000 + lo, len, write });
      if ((flags & DESC_F_NEXT) === 0) break;
      if (next >= num) throw new VirtioGuestError(`Desc next is ${next}`);
      i = next;
    }
    return { head, parts };
  }

  /** Gives the last chain taken back to the available ring (QEMU's virtqueue_unpop). */
  unpop(): void {
    this.lastAvail = (this.lastAvail - 1) & 0xffff;
  }

  /** Puts `head` in the used ring with `len` bytes written, then moves used.idx (2.7.8). */
  push(head: number, len: number): void {
    const { num, device } = this.config;
    const e = this.view(device + 4 + 8 * (this.usedIdx % num), 8);
    e.setUint32(0, head, true);
    e.setUint32(4, len, true);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    this.view(device + 2, 2).setUint16(0, this.usedIdx, true);
  }

  /** Whether the driver wants an interrupt for used buffers (2.7.7, without EVENT_IDX). */
  wantsInterrupt(): boolean {
    return (this.read16(this.config.driver) & AVAIL_F_NO_INTERRUPT) === 0;
  }

  /** The device-readable bytes of `chain`, concatenated. */
  gather(chain: Chain): Uint8Array {
    let total = 0;
    for (const p of chain.parts) if (!p.write) total += p.len;
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of chain.parts) {
      if (p.write || p.len === 0) continue;
      const v = this.view(p.addr, p.len);
      out.set(new Uint8Array(v.buffer, v.byteOffset, p.len), off);
      off += p.len;
    }
    return out;
  }

  /** Bytes the device may write into `chain`. */
  capacity(chain: Chain): number {
    let total = 0;
    for (const p of chain.parts) if (p.write) total += p.len;
    return total;
  }

  /** Writes `bytes` at `offset` into the writable part of `chain` (which must hold them). */
  scatter(chain: Chain, offset: number, bytes: Uint8Array): void {
    let src = 0;
    for (const p of chain.parts) {
      if (!p.write) continue;
      if (offset >= p.len) {
        offset -= p.len;
        continue;
      }
      const n = Math.min(p.len - offset, bytes.length - src);
      if (n <= 0) break;
      const v = this.view(p.addr + offset, n);
      new Uint8Array(v.buffer, v.byteOffset, n).set(bytes.subarray(src, src + n));
      src += n;
      offset = 0;
    }
  }

  private read16(addr: number): number {
    return this.view(addr, 2).getUint16(0, true);
  }

  private view(addr: number, length: number): DataView {
    try {
      return this.dma.view(addr, length);
    } catch {
      throw new VirtioGuestError(`0x${addr.toString(16)}+${length} is not DMA memory the device can reach`);
    }
  }
}
