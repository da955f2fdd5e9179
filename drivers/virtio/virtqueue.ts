/**
 * A split virtqueue, driver side (VIRTIO 1.2, 2.7), with one fixed DMA buffer per descriptor.
 *
 * Layout (2.7, its table of alignments and sizes): the descriptor table, 16 bytes per entry, 16-byte aligned (2.7.5); the available
 * ring (flags, idx, ring[size], used_event; 2-byte aligned, 2.7.6); the used ring (flags, idx,
 * ring[size] of {id u32, len u32}, avail_event; 4-byte aligned, 2.7.8). All little-endian
 * (2.7.1 for VIRTIO_F_VERSION_1 devices). One DMA allocation holds the three parts, a second
 * the buffers: descriptor i always points at buffer i, so nothing is allocated per packet and a
 * descriptor's address is written once.
 *
 * Indices are free-running 16-bit counters (2.7.6, 2.7.8): the slot of index n is n mod size,
 * which needs a power-of-two size (2.7: "Queue Size value is always a power of 2" for split
 * queues' ring arithmetic to survive the 16-bit wrap).
 *
 * Ordering (2.7.13, 2.7.14): descriptors and ring entries are written, then a barrier, then
 * avail.idx; then a full barrier before used.flags is read to decide on a notification and
 * before the QueueNotify write; after used.idx is seen to move, a barrier before the used
 * entries and the buffers are read. Barriers are the HAL's (hal `barrier`), injected.
 *
 * The device's answers are checked, never trusted: a used entry whose id is out of range or not
 * held by the device, or a used.idx that runs more than `size` ahead, is counted and skipped.
 */
import type { DmaAllocator, DmaBuffer } from "hal";
import type { QueueAddresses } from "./mmio.ts";

/** Descriptor flags (2.7.5). */
export enum DESC_F { NEXT = 1, WRITE = 2, INDIRECT = 4 }
/** Available ring flags (2.7.6): the driver does not want interrupts. */
export enum AVAIL_F { NO_INTERRUPT = 1 }
/** Used ring flags (2.7.8): the device does not want notifications. */
export enum USED_F { NO_NOTIFY = 1 }

/** Bytes of one descriptor: addr u64, len u32, flags u16, next u16 (2.7.5). */
export const DESC_BYTES = 16;
/** Largest queue size this driver sets up: bounded memory (2.7: the spec's limit is 32768). */
export const MAX_QUEUE_SIZE = 256;

/** The HAL's barriers (hal `barrier`): dmb orders memory accesses, dsb also completes them. */
export interface Barriers {
  dmb(): void;
  dsb(): void;
}

const NO_BARRIERS: Barriers = { dmb() {}, dsb() {} };

export interface SplitVirtqueueOptions {
  readonly dma: DmaAllocator;
  /** Entries, a power of two from 2 to MAX_QUEUE_SIZE. */
  readonly size: number;
  /** Bytes of each descriptor's buffer, a multiple of 16. */
  readonly bufferSize: number;
  /** Whether the device writes the buffers (receive) rather than reads them (transmit). */
  readonly deviceWritable: boolean;
  readonly barrier?: Barriers;
}

/** What a device did wrong on this queue: counted, the entry skipped. */
export interface VirtqueueErrors {
  /** A used entry's id was not a descriptor of this queue. */
  badId: number;
  /** A used entry named a descriptor the device did not hold (given back twice). */
  notHeld: number;
  /** used.idx moved more than `size` entries ahead of the driver. */
  overrun: number;
}

export class SplitVirtqueue {
  readonly size: number;
  readonly bufferSize: number;
  readonly addresses: QueueAddresses;
  /** The buffers, descriptor i's at i * bufferSize. */
  readonly bytes: Uint8Array;
  readonly buffersAddr: number;
  readonly errors: VirtqueueErrors = { badId: 0, notHeld: 0, overrun: 0 };
  /** Length the device reported for the entry takeUsed() returned last. */
  usedLength = 0;
  private readonly ring: DataView;
  private readonly availOffset: number;
  private readonly usedOffset: number;
  private readonly mask: number;
  private readonly barrier: Barriers;
  private readonly freeList: Uint16Array;
  private freeCount: number;
  /** 1 while the device holds descriptor i. */
  private readonly held: Uint8Array;
  /** The avail.idx the driver publishes next (published: `published`). */
  private availIdx = 0;
  private published = 0;
  private lastUsed = 0;

  constructor(options: SplitVirtqueueOptions) {
    const { size, bufferSize } = options;
    if (!(size >= 2 && size <= MAX_QUEUE_SIZE && (size & (size - 1)) === 0)) throw new RangeError(`SplitVirtqueue: size ${size} is not a power of two from 2 to ${MAX_QUEUE_SIZE}`);
    if (!(bufferSize >= 16 && bufferSize <= 0x1_0000 && bufferSize % 16 === 0)) throw new RangeError(`SplitVirtqueue: buffer size ${bufferSize} is not a multiple of 16 from 16 to 65536`);
    this.size = size;
    this.mask = size - 1;
    this.bufferSize = bufferSize;
    this.barrier = options.barrier ?? NO_BARRIERS;
    // 2.7 alignments: descriptors 16, available ring 2, used ring 4.
    const availOffset = DESC_BYTES * size;
    const usedOffset = (availOffset + 6 + 2 * size + 3) & ~3;
    const ringBytes = usedOffset + 6 + 8 * size;
    const ring: DmaBuffer = options.dma.alloc(ringBytes, 16);
    const buffers: DmaBuffer = options.dma.alloc(size * bufferSize, 16);
    if (ring.addr % 16 !== 0 || buffers.addr % 16 !== 0) throw new RangeError("SplitVirtqueue: the DMA allocator returned memory that is not 16-byte aligned");
    this.ring = new DataView(ring.buffer, 0, ringBytes);
    this.availOffset = availOffset;
    this.usedOffset = usedOffset;
    this.addresses = { desc: ring.addr, driver: ring.addr + availOffset, device: ring.addr + usedOffset };
    this.bytes = new Uint8Array(buffers.buffer, 0, size * bufferSize);
    this.buffersAddr = buffers.addr;
    this.freeList = new Uint16Array(size);
    this.held = new Uint8Array(size);
    this.freeCount = size;
    // 4.2.3.2 step 4: the queue's memory starts zeroed (a reused allocation would not be).
    new Uint8Array(ring.buffer, 0, ringBytes).fill(0);
    const v = this.ring;
    const flags = options.deviceWritable ? DESC_F.WRITE : 0;
    for (let i = 0; i < size; i++) {
      const d = DESC_BYTES * i;
      const addr = buffers.addr + i * bufferSize;
      v.setUint32(d, addr >>> 0, true);
      v.setUint32(d + 4, ((addr - (addr >>> 0)) / 0x1_0000_0000) >>> 0, true);
      v.setUint32(d + 8, bufferSize, true);
      v.setUint16(d + 12, flags, true);
      this.freeList[i] = size - 1 - i; // descriptor 0 is taken first
    }
  }

  /** Descriptors the driver holds (free to submit). */
  get free(): number {
    return this.freeCount;
  }

  /** Descriptors the device holds. */
  get outstanding(): number {
    return this.size - this.freeCount;
  }

  /** Byte offset of descriptor `id`'s buffer in `bytes`. */
  offset(id: number): number {
    return id * this.bufferSize;
  }

  /** A free descriptor, or -1 when the device holds them all. */
  take(): number {
    if (this.freeCount === 0) return -1;
    return this.freeList[--this.freeCount];
  }

  /**
   * Puts descriptor `id` (from take()) in the available ring with `length` bytes of its buffer
   * (2.7.13 steps 1-2). The device sees it after publish().
   */
  put(id: number, length: number): void {
    const v = this.ring;
    v.setUint32(DESC_BYTES * id + 8, length, true);
    v.setUint16(this.availOffset + 4 + 2 * (this.availIdx & this.mask), id, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.held[id] = 1;
  }

  /**
   * Makes what put() added visible to the device (2.7.13 steps 3-4: barrier, then avail.idx)
   * and says whether the device wants a notification (steps 5-6: full barrier, then used.flags,
   * 2.7.10). Returns false when nothing was added.
   */
  publish(): boolean {
    if (this.availIdx === this.published) return false;
    const v = this.ring;
    this.barrier.dmb();
    v.setUint16(this.availOffset + 2, this.availIdx, true);
    this.published = this.availIdx;
    // Also orders the idx write before the caller's QueueNotify write (a device register).
    this.barrier.dsb();
    return (v.getUint16(this.usedOffset, true) & USED_F.NO_NOTIFY) === 0;
  }

  /**
   * The next descriptor the device gave back (2.7.14), with its length in `usedLength`, or -1
   * when there is none. Bad entries are counted and skipped; the descriptor returned is the
   * driver's again (submit it again or give it to release()).
   */
  takeUsed(): number {
    const v = this.ring;
    const used = this.usedOffset;
    let pending = (v.getUint16(used + 2, true) - this.lastUsed) & 0xffff;
    if (pending === 0) return -1;
    if (pending > this.size) {
      // The device claims more than it can hold: nothing in the ring can be trusted.
      this.errors.overrun++;
      this.lastUsed = v.getUint16(used + 2, true);
      return -1;
    }
    this.barrier.dmb(); // the entries and buffers after used.idx (2.7.14)
    for (; pending > 0; pending--) {
      const e = used + 4 + 8 * (this.lastUsed & this.mask);
      const id = v.getUint32(e, true);
      this.lastUsed = (this.lastUsed + 1) & 0xffff;
      if (id >= this.size) {
        this.errors.badId++;
      } else if (this.held[id] === 0) {
        this.errors.notHeld++;
      } else {
        this.held[id] = 0;
        this.usedLength = v.getUint32(e + 4, true);
        return id;
      }
    }
    return -1;
  }

  /**
   * Points descriptor `id` (from take()) at `length` bytes at `addr` with `flags` and `next`
   * (2.7.5), for devices whose requests are descriptor chains (virtio-blk, 5.2.6); put the
   * chain's head with putChain(). `addr` may lie outside this queue's own buffers.
   */
  describe(id: number, addr: number, length: number, flags: DESC_F | 0, next: number): void {
    const v = this.ring;
    const d = DESC_BYTES * id;
    v.setUint32(d, addr >>> 0, true);
    v.setUint32(d + 4, ((addr - (addr >>> 0)) / 0x1_0000_0000) >>> 0, true);
    v.setUint32(d + 8, length, true);
    v.setUint16(d + 12, flags, true);
    v.setUint16(d + 14, next, true);
  }

  /** Puts the chain headed by descriptor `id` (set up with describe()) in the available ring. */
  putChain(id: number): void {
    this.ring.setUint16(this.availOffset + 4 + 2 * (this.availIdx & this.mask), id, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.held[id] = 1;
  }

  /** Gives descriptor `id` (from takeUsed()) back to the free list. */
  release(id: number): void {
    this.freeList[this.freeCount++] = id;
  }

  /** Sets the available ring's NO_INTERRUPT flag (2.7.7): the device need not interrupt. */
  suppressInterrupts(on: boolean): void {
    this.ring.setUint16(this.availOffset, on ? AVAIL_F.NO_INTERRUPT : 0, true);
  }
}
