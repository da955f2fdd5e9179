/**
 * virtio block device over virtio-mmio (modern interface), for microvm and Firecracker.
 *
 * Follows Virtual I/O Device (VIRTIO) Version 1.2: the block device (5.2): one virtqueue,
 * requestq = 0 (5.2.2), feature bits (5.2.3), the configuration layout (5.2.4: capacity le64 in
 * 512-byte sectors at 0, size_max at 8), device initialization (5.2.5) and requests (5.2.6:
 * struct virtio_blk_req { le32 type; le32 reserved; le64 sector; u8 data[]; u8 status }).
 * The transport is drivers/virtio/mmio.ts and the queue drivers/virtio/virtqueue.ts, as the
 * network driver's.
 *
 * Each request is a chain of three descriptors: the 16-byte header (device-readable), the
 * data (device-writable for a read, readable for a write) and the status byte (writable);
 * FLUSH has no data (5.2.6). Reads and writes of many blocks are one request each, up to
 * `maxTransfer` bytes (and size_max when the device sets VIRTIO_BLK_F_SIZE_MAX); larger
 * ones are split. One request is in flight at a time (callers are queued). With `timers`
 * the driver waits for the device's used-buffer interrupt (the board calls onInterrupt() from
 * the line's handler, 4.2.3.4) and the CPU sleeps meanwhile, a timer bounding the wait
 * (`timeoutMs`); without, completion is polled on the used ring, bounded by `maxPolls` (host
 * tests, a board without the line). A device that never answers is ETIMEDOUT, a status other
 * than OK is EIO naming the request, never a hang.
 *
 * Features: VIRTIO_F_VERSION_1 (required); VIRTIO_BLK_F_RO (then writes are EROFS before they
 * reach the device), VIRTIO_BLK_F_FLUSH (flush() sends VIRTIO_BLK_T_FLUSH; without it the
 * device has no volatile cache to flush, 5.2.6.2) and VIRTIO_BLK_F_SIZE_MAX when offered.
 */
import type { DmaAllocator, DmaBuffer } from "hal";
import type { PolledDeviceOptions } from "../../hal/register.ts";
import { DEFAULT_MAX_POLLS } from "../../hal/poll.ts";
import { BlockDeviceError, type BlockDevice } from "./block-device.ts";
import { checkRead, checkWrite } from "./bounds.ts";
import { F_VERSION_1_HIGH, VirtioMmio, hex, type FeatureWords } from "../virtio/mmio.ts";
import { DESC_F, SplitVirtqueue, type Barriers } from "../virtio/virtqueue.ts";
import { registerBusMaster } from "../interfaces/bus-master.ts";

/** Device ID of a block device (VIRTIO 1.2, 5). */
export const VIRTIO_ID_BLOCK = 2;
/** Block device feature bits in the low feature word (5.2.3). */
export enum BLK_F { SIZE_MAX = 1 << 1, SEG_MAX = 1 << 2, RO = 1 << 5, BLK_SIZE = 1 << 6, FLUSH = 1 << 9 }
/** Request types (5.2.6). */
export enum BLK_T { IN = 0, OUT = 1, FLUSH = 4 }
/** Request status (5.2.6). */
export enum BLK_S { OK = 0, IOERR = 1, UNSUPP = 2 }
/** Configuration offsets (5.2.4). */
const CONFIG_CAPACITY = 0, CONFIG_SIZE_MAX = 8;
/** The request queue (5.2.2). */
export const REQUEST_QUEUE = 0;
/** Sector size of virtio-blk addressing, whatever blk_size says (5.2.6: "sector" is in 512-byte units). */
const SECTOR = 512;
const HEADER_BYTES = 16;
/** Descriptors: header, data, status; the queue's size is the next power of two. */
const QUEUE_SIZE = 4;

export interface VirtioBlkOptions extends PolledDeviceOptions {
  /** Where the ring, headers and the data buffer live (hal `dma`). */
  readonly dma: DmaAllocator;
  /** hal `barrier`, for the ordering of 2.7.13 (absent in host tests). */
  readonly barrier?: Barriers;
  /** Largest request in bytes, a multiple of 512 (default 64 KiB): the DMA data buffer's size. */
  readonly maxTransfer?: number;
  /** Wait for the interrupt (onInterrupt()) rather than poll, each wait bounded by a timer of these. */
  readonly timers?: VirtioBlkTimers;
  /** How long a request may take with `timers` (default 10 s). */
  readonly timeoutMs?: number;
}

/** The event loop's timers (setTimeout/clearTimeout), injected. */
export interface VirtioBlkTimers {
  set(ms: number, callback: () => void): unknown;
  clear(handle: unknown): void;
}

/** What the driver did, counted (tests check that many blocks go as one request). */
export interface VirtioBlkCounters {
  reads: number;
  writes: number;
  flushes: number;
}

const NAMES: Record<BLK_T, string> = { [BLK_T.IN]: "VIRTIO_BLK_T_IN", [BLK_T.OUT]: "VIRTIO_BLK_T_OUT", [BLK_T.FLUSH]: "VIRTIO_BLK_T_FLUSH" };

export class VirtioBlk implements BlockDevice {
  readonly base: number;
  readonly blockSize = SECTOR;
  blockCount = 0;
  readOnly = false;
  readonly counters: VirtioBlkCounters = { reads: 0, writes: 0, flushes: 0 };
  readonly transport: VirtioMmio;
  /** Features accepted at init(). */
  features: FeatureWords = { low: 0, high: 0 };
  private readonly dma: DmaAllocator;
  private readonly barrier?: Barriers;
  private readonly maxPolls: number;
  private maxTransfer: number;
  private queue?: SplitVirtqueue;
  private data?: DmaBuffer;
  private dataBytes?: Uint8Array;
  private readonly timers?: VirtioBlkTimers;
  private readonly timeoutMs: number;
  /** The request waiting for its interrupt. */
  private waiter?: (id: number) => void;
  /** Callers queue here: one request in flight (the data buffer and descriptors are shared). */
  private queueTail: Promise<unknown> = Promise.resolve();
  /** stop() reset the device: no more requests. */
  private stopped = false;

  constructor(options: VirtioBlkOptions) {
    this.base = options.base;
    this.dma = options.dma;
    this.barrier = options.barrier;
    this.maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
    this.timers = options.timers;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxTransfer = options.maxTransfer ?? 64 * 1024;
    if (!(this.maxTransfer >= SECTOR && this.maxTransfer % SECTOR === 0 && this.maxTransfer <= 0x40_0000)) throw new RangeError(`VirtioBlk: maxTransfer ${this.maxTransfer} is not a multiple of 512 from 512 to 4 MiB`);
    this.transport = new VirtioMmio({ base: options.base, bus: options.bus, maxPolls: options.maxPolls, deviceId: VIRTIO_ID_BLOCK, name: "VirtioBlk" });
  }

  /** Finds and starts the device: 3.1.1 with the block device's part (5.2.5). */
  init(): void {
    if (this.queue !== undefined) throw new Error("VirtioBlk: init() was already called");
    const t = this.transport;
    t.probe();
    this.features = t.negotiate((device) => {
      if ((device.high & F_VERSION_1_HIGH) === 0) throw new Error(`VirtioBlk: the device at 0x${hex(this.base)} does not offer VIRTIO_F_VERSION_1 (feature bit 32)`);
      return { low: device.low & (BLK_F.RO | BLK_F.FLUSH | BLK_F.SIZE_MAX), high: F_VERSION_1_HIGH };
    });
    let q!: SplitVirtqueue;
    // The queue is the device's from here on: a soft restart stops it first (stop()).
    registerBusMaster({ name: `VirtioBlk at 0x${hex(this.base)}`, stop: () => this.stop() });
    t.setupQueue(REQUEST_QUEUE, QUEUE_SIZE, () => {
      q = new SplitVirtqueue({ dma: this.dma, barrier: this.barrier, size: QUEUE_SIZE, bufferSize: HEADER_BYTES, deviceWritable: false });
      return q.addresses;
    });
    // Polled completions need no interrupt (2.7.7).
    q.suppressInterrupts(this.timers === undefined);
    const { capacity, sizeMax } = t.readConfig((r) => ({
      capacity: r.CONFIG32.at(CONFIG_CAPACITY / 4).read() + r.CONFIG32.at(CONFIG_CAPACITY / 4 + 1).read() * 0x1_0000_0000,
      sizeMax: r.CONFIG32.at(CONFIG_SIZE_MAX / 4).read(),
    }));
    if (!Number.isSafeInteger(capacity)) {
      t.fail();
      throw new Error(`VirtioBlk: capacity ${capacity} sectors is beyond what this driver addresses`);
    }
    if (this.features.low & BLK_F.SIZE_MAX && sizeMax >= SECTOR) this.maxTransfer = Math.min(this.maxTransfer, sizeMax - (sizeMax % SECTOR));
    try {
      this.data = this.dma.alloc(this.maxTransfer, 16);
    } catch (e) {
      t.fail();
      throw new RangeError(`VirtioBlk: no DMA memory for a ${this.maxTransfer}-byte data buffer: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.dataBytes = new Uint8Array(this.data.buffer, 0, this.maxTransfer);
    this.blockCount = capacity;
    this.readOnly = (this.features.low & BLK_F.RO) !== 0;
    this.queue = q;
    t.driverOk();
  }

  async read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array> {
    const out = checkRead(this, "VirtioBlk", lba, count, into);
    return this.serial(async () => {
      const per = this.maxTransfer / SECTOR;
      for (let done = 0; done < count; done += per) {
        const n = Math.min(per, count - done);
        await this.request(BLK_T.IN, lba + done, n * SECTOR);
        out.set((this.dataBytes as Uint8Array).subarray(0, n * SECTOR), done * SECTOR);
        this.counters.reads++;
      }
      return out;
    });
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    const count = checkWrite(this, "VirtioBlk", lba, data);
    return this.serial(async () => {
      const per = this.maxTransfer / SECTOR;
      for (let done = 0; done < count; done += per) {
        const n = Math.min(per, count - done);
        (this.dataBytes as Uint8Array).set(data.subarray(done * SECTOR, (done + n) * SECTOR));
        await this.request(BLK_T.OUT, lba + done, n * SECTOR);
        this.counters.writes++;
      }
    });
  }

  flush(): Promise<void> {
    if (this.queue === undefined) return Promise.reject(new BlockDeviceError("VirtioBlk: init() first", "EIO"));
    if ((this.features.low & BLK_F.FLUSH) === 0) return Promise.resolve(); // no volatile write cache (5.2.6.2)
    return this.serial(async () => {
      await this.request(BLK_T.FLUSH, 0, 0);
      this.counters.flushes++;
    });
  }

  /**
   * The device's interrupt (with `timers`): InterruptStatus read and acknowledged (4.2.3.4),
   * then the waiting request completed if the device has given its chain back.
   */
  onInterrupt(): void {
    this.transport.takeInterrupt();
    const q = this.queue;
    const waiter = this.waiter;
    if (q === undefined || waiter === undefined) return;
    const id = q.takeUsed();
    if (id < 0) return;
    this.waiter = undefined;
    waiter(id);
  }

  /** Runs `op` after every operation queued before it. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const p = this.queueTail.then(op);
    this.queueTail = p.catch(() => undefined);
    return p;
  }

  /** The used descriptor of the request in flight: by interrupt and timer, or polled. */
  private used(q: SplitVirtqueue, what: string): Promise<number> | number {
    const timers = this.timers;
    if (timers === undefined) {
      for (let polls = 0; polls < this.maxPolls; polls++) {
        const id = q.takeUsed();
        if (id >= 0) return id;
      }
      throw new BlockDeviceError(`VirtioBlk: ${what}: no answer within ${this.maxPolls} polls`, "ETIMEDOUT");
    }
    const done = q.takeUsed();
    if (done >= 0) return done;
    return new Promise<number>((resolve, reject) => {
      const timer = timers.set(this.timeoutMs, () => {
        this.waiter = undefined;
        reject(new BlockDeviceError(`VirtioBlk: ${what}: no answer within ${this.timeoutMs} ms`, "ETIMEDOUT"));
      });
      this.waiter = (id) => {
        timers.clear(timer);
        resolve(id);
      };
    });
  }

  /**
   * Stops the device for good: a device reset (drivers/virtio/mmio.ts reset(): Status 0, 2.4,
   * 4.2.2.1), after which it no longer reads the queue nor writes a data buffer; later requests
   * are EIO. Throws when the device does not reset (its Status does not return to 0).
   */
  stop(): void {
    this.stopped = true;
    this.transport.reset();
  }

  /** One request, waited for (5.2.6). */
  private async request(type: BLK_T, sector: number, bytes: number): Promise<void> {
    const q = this.queue;
    const data = this.data;
    if (q === undefined || data === undefined) throw new BlockDeviceError("VirtioBlk: init() first", "EIO");
    if (this.stopped) throw new BlockDeviceError("VirtioBlk: the device was stopped (stop(), before a soft restart)", "EIO");
    const what = `${NAMES[type]} of ${bytes / SECTOR} sectors at ${sector}`;
    const h = q.take(), d = q.take(), s = q.take();
    if (h < 0 || d < 0 || s < 0) throw new BlockDeviceError(`VirtioBlk: ${what}: the device still holds the queue's descriptors (an earlier request timed out)`, "EIO");
    const hdr = new DataView(q.bytes.buffer, q.bytes.byteOffset + q.offset(h), HEADER_BYTES);
    hdr.setUint32(0, type, true);
    hdr.setUint32(4, 0, true);
    hdr.setUint32(8, sector >>> 0, true);
    hdr.setUint32(12, ((sector - (sector >>> 0)) / 0x1_0000_0000) >>> 0, true);
    const statusAt = q.offset(s);
    q.bytes[statusAt] = 0xff; // a device that writes no status is caught below
    const base = q.buffersAddr;
    if (bytes > 0) {
      q.describe(h, base + q.offset(h), HEADER_BYTES, DESC_F.NEXT, d);
      q.describe(d, data.addr, bytes, DESC_F.NEXT | (type === BLK_T.IN ? DESC_F.WRITE : 0), s);
    } else {
      q.describe(h, base + q.offset(h), HEADER_BYTES, DESC_F.NEXT, s);
    }
    q.describe(s, base + statusAt, 1, DESC_F.WRITE, 0);
    q.putChain(h);
    if (q.publish()) this.transport.notify(REQUEST_QUEUE);
    const id = await this.used(q, what);
    q.release(s);
    q.release(d);
    q.release(h);
    if (id !== h) throw new BlockDeviceError(`VirtioBlk: ${what}: the device answered descriptor ${id}, not ${h}`, "EIO");
    const status = q.bytes[statusAt];
    if (status !== BLK_S.OK) {
      const name = status === BLK_S.IOERR ? "VIRTIO_BLK_S_IOERR" : status === BLK_S.UNSUPP ? "VIRTIO_BLK_S_UNSUPP" : `status 0x${status.toString(16)}`;
      throw new BlockDeviceError(`VirtioBlk: ${what} failed: ${name}`, "EIO");
    }
  }
}
