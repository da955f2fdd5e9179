/**
 * Register- and descriptor-level model of a virtio-mmio transport with a virtio block device
 * behind it (QEMU 7.2's virtio-blk-device, hw/block/virtio-blk.c), after VIRTIO 1.2: MMIO
 * registers (4.2.2), device status (2.1), the split virtqueue (2.7, models/virtio/virtqueue.ts)
 * and the block device (5.2). Offsets and bits are written out from the spec, not imported from
 * the driver.
 *
 * The disk is a byte array of 512-byte sectors. Requests are served at the QueueNotify write
 * (QEMU completes them shortly after, from its block layer), each chain read as QEMU does: the
 * header from the device-readable bytes, the status the last writable byte (virtio_blk_handle_request).
 * VIRTIO_BLK_T_IN/OUT beyond the capacity get VIRTIO_BLK_S_IOERR (virtio_blk_sect_range_ok);
 * OUT on a read-only disk IOERR; an unknown type UNSUPP. `failAt` makes one sector fail (a bad
 * medium), `silent` stops the device answering (a hung device). Driver mistakes (width,
 * unknown registers, notification before DRIVER_OK) are recorded in `errors`.
 */
import type { MemoryBus } from "../memory-bus.ts";
import type { DmaMemory } from "../mailbox/bcm2835.ts";
import { VirtioGuestError, type Chain, type DeviceVirtqueue } from "../virtio/virtqueue.ts";
import {
  CONFIG, CONFIG_GENERATION, DEVICE_FEATURES, DEVICE_FEATURES_SEL, DEVICE_ID, DRIVER_FEATURES, DRIVER_FEATURES_SEL,
  INTERRUPT_ACK, INTERRUPT_STATUS, MAGIC, MAGIC_VALUE, QUEUE_DESC_HIGH, QUEUE_DESC_LOW, QUEUE_DEVICE_HIGH,
  QUEUE_DEVICE_LOW, QUEUE_DRIVER_HIGH, QUEUE_DRIVER_LOW, QUEUE_NOTIFY, QUEUE_NUM, QUEUE_NUM_MAX, QUEUE_READY,
  QUEUE_SEL, S_DRIVER_OK, S_FEATURES_OK, S_NEEDS_RESET, STATUS, VENDOR_ID, VENDOR_QEMU, VERSION, WINDOW,
  deviceQueue, emptyQueueRegs, type QueueRegs,
} from "../virtio/mmio-registers.ts";
/** Feature bits (5.2.3, 6). */
export const BLK_FEATURE = { SIZE_MAX: 1, SEG_MAX: 2, RO: 5, BLK_SIZE: 6, FLUSH: 9, VERSION_1: 32 } as const;
const T_IN = 0, T_OUT = 1, T_FLUSH = 4;
const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;

export interface VirtioBlkModelOptions {
  readonly dma: DmaMemory & { flush?(): void };
  /** The disk's bytes, a whole number of 512-byte sectors (kept, not copied). */
  readonly disk: Uint8Array;
  readonly readOnly?: boolean;
  /** Offer VIRTIO_BLK_F_FLUSH (default true, as QEMU with a write-back cache). */
  readonly flush?: boolean;
  /** VIRTIO_BLK_F_SIZE_MAX with this size_max (default: not offered). */
  readonly sizeMax?: number;
  /** 2 (default) or 1 (legacy). */
  readonly version?: number;
  readonly queueNumMax?: number;
  /** The interrupt line's output, called when its level changes: asserted while InterruptStatus is nonzero (as QEMU's virtio-mmio). */
  readonly irq?: (level: boolean) => void;
}

/** One request the device served. */
export interface BlkRequest {
  readonly type: number;
  readonly sector: number;
  readonly bytes: number;
  readonly status: number;
}

export class VirtioBlkModel {
  readonly errors: string[] = [];
  readonly requests: BlkRequest[] = [];
  /** A sector whose reads and writes fail with IOERR. */
  failAt = -1;
  /** While true, requests are taken but never answered. */
  silent = false;
  /** Whether data written is still only in the volatile cache (cleared by FLUSH). */
  unflushed = false;
  status = 0;
  negotiated = 0n;
  private readonly dma: DmaMemory & { flush?(): void };
  private readonly disk: Uint8Array;
  private readonly offered: bigint;
  private readonly version: number;
  private readonly queueNumMax: number;
  private readonly sizeMax: number;
  private readonly readOnly: boolean;
  private readonly irqOut?: (level: boolean) => void;
  private level = false;
  private isrBits = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures: [number, number] = [0, 0];
  private queueSel = 0;
  private q: QueueRegs = emptyQueueRegs();

  constructor(bus: MemoryBus, readonly base: number, options: VirtioBlkModelOptions) {
    if (options.disk.length % 512 !== 0) throw new RangeError("VirtioBlkModel: the disk is not a whole number of sectors");
    this.dma = options.dma;
    this.disk = options.disk;
    this.readOnly = options.readOnly ?? false;
    this.version = options.version ?? 2;
    this.queueNumMax = options.queueNumMax ?? 256;
    this.sizeMax = options.sizeMax ?? 0;
    this.irqOut = options.irq;
    let f = 1n << BigInt(BLK_FEATURE.VERSION_1);
    if (options.flush ?? true) f |= 1n << BigInt(BLK_FEATURE.FLUSH);
    if (this.readOnly) f |= 1n << BigInt(BLK_FEATURE.RO);
    if (this.sizeMax) f |= 1n << BigInt(BLK_FEATURE.SIZE_MAX);
    this.offered = f;
    for (let off = 0; off < CONFIG; off += 4) {
      bus.onRead(base + off, (_a, width) => this.read(off, width));
      bus.onWrite(base + off, (v, _a, width) => this.write(off, v, width));
    }
    for (let off = CONFIG; off < WINDOW; off += 4) {
      bus.onRead(base + off, () => this.readConfig(off - CONFIG));
      bus.onWrite(base + off, () => this.errors.push("write to the block config space"));
    }
  }

  /** InterruptStatus: bit 0 after used buffers unless the driver set NO_INTERRUPT. */
  get interruptStatus(): number {
    return this.isr;
  }

  private get isr(): number {
    return this.isrBits;
  }

  /** Every change of InterruptStatus moves the line with it. */
  private set isr(value: number) {
    this.isrBits = value;
    const level = value !== 0;
    if (level !== this.level) {
      this.level = level;
      this.irqOut?.(level);
    }
  }

  /** The config space (5.2.4): capacity le64, size_max le32 (a 32-bit read at each word). */
  private readConfig(off: number): number {
    const sectors = this.disk.length / 512;
    if (off === 0) return sectors >>> 0;
    if (off === 4) return Math.floor(sectors / 0x1_0000_0000) >>> 0;
    if (off === 8) return this.sizeMax >>> 0;
    return 0;
  }

  private read(off: number, width: number): number {
    if (width !== 32) {
      this.errors.push(`${width}-bit read of register 0x${off.toString(16)}`);
      return 0;
    }
    switch (off) {
      case MAGIC_VALUE: return MAGIC;
      case VERSION: return this.version;
      case DEVICE_ID: return 2;
      case VENDOR_ID: return VENDOR_QEMU;
      case DEVICE_FEATURES: return Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn);
      case QUEUE_NUM_MAX: return this.queueSel === 0 ? this.queueNumMax : 0;
      case QUEUE_READY: return this.q.ready && this.queueSel === 0 ? 1 : 0;
      case INTERRUPT_STATUS: return this.isr;
      case STATUS: return this.status;
      case CONFIG_GENERATION: return 0;
      default:
        this.errors.push(`read of register 0x${off.toString(16)}`);
        return 0;
    }
  }

  private write(off: number, value: number, width: number): void {
    if (width !== 32) {
      this.errors.push(`${width}-bit write of register 0x${off.toString(16)}`);
      return;
    }
    const q = this.q;
    switch (off) {
      case DEVICE_FEATURES_SEL: this.deviceFeaturesSel = value ? 1 : 0; return;
      case DRIVER_FEATURES: this.driverFeatures[this.driverFeaturesSel] = value >>> 0; return;
      case DRIVER_FEATURES_SEL: this.driverFeaturesSel = value ? 1 : 0; return;
      case QUEUE_SEL: this.queueSel = value; return;
      case QUEUE_NUM: q.num = value; return;
      case QUEUE_READY: {
        if (this.queueSel !== 0 || q.num === 0 || q.num > this.queueNumMax) {
          this.errors.push(`QueueReady on queue ${this.queueSel} with QueueNum ${q.num}`);
          return;
        }
        q.queue = value ? deviceQueue(this.dma, q) : undefined;
        q.ready = value !== 0;
        return;
      }
      case QUEUE_NOTIFY: this.notify(value); return;
      case INTERRUPT_ACK: this.isr &= ~value; return;
      case STATUS: {
        if (value & S_FEATURES_OK && (this.status & S_FEATURES_OK) === 0) {
          const wanted = (BigInt(this.driverFeatures[1]) << 32n) | BigInt(this.driverFeatures[0]);
          if (wanted & ~this.offered) this.errors.push(`driver features 0x${wanted.toString(16)} not offered`);
          this.negotiated = wanted & this.offered;
        }
        this.status = value & 0xff;
        if (this.status === 0) {
          this.q = emptyQueueRegs();
          this.isr = 0;
          this.negotiated = 0n;
        }
        return;
      }
      case QUEUE_DESC_LOW: q.desc[0] = value; return;
      case QUEUE_DESC_HIGH: q.desc[1] = value; return;
      case QUEUE_DRIVER_LOW: q.driver[0] = value; return;
      case QUEUE_DRIVER_HIGH: q.driver[1] = value; return;
      case QUEUE_DEVICE_LOW: q.device[0] = value; return;
      case QUEUE_DEVICE_HIGH: q.device[1] = value; return;
      default:
        this.errors.push(`write of register 0x${off.toString(16)}`);
    }
  }

  private notify(index: number): void {
    if ((this.status & S_DRIVER_OK) === 0) {
      this.errors.push(`notification of queue ${index} before DRIVER_OK (3.1.1)`);
      return;
    }
    const q = this.q.queue;
    if (index !== 0 || q === undefined) {
      this.errors.push(`notification of queue ${index}, which is not set up`);
      return;
    }
    if (this.silent) return;
    this.process();
  }

  /** Serves every chain the driver has made available (what a notification does; also after `silent`). */
  process(): void {
    const q = this.q.queue;
    if (q === undefined) return;
    try {
      for (let chain = q.pop(); chain !== undefined; chain = q.pop()) this.serve(q, chain);
    } catch (e) {
      if (!(e instanceof VirtioGuestError)) throw e;
      this.errors.push(e.message);
      this.status |= S_NEEDS_RESET;
    }
    if (q.wantsInterrupt()) this.isr |= 1;
    this.dma.flush?.();
  }

  private serve(q: DeviceVirtqueue, chain: Chain): void {
    const out = q.gather(chain);
    const inLen = q.capacity(chain);
    if (out.length < 16 || inLen < 1) throw new VirtioGuestError("virtio-blk missing headers");
    const h = new DataView(out.buffer, out.byteOffset, 16);
    const type = h.getUint32(0, true);
    const sector = h.getUint32(8, true) + h.getUint32(12, true) * 0x1_0000_0000;
    const sectors = this.disk.length / 512;
    let status = S_OK;
    let bytes = 0;
    let written = 1;
    if (type === T_IN || type === T_OUT) {
      bytes = type === T_IN ? inLen - 1 : out.length - 16;
      const n = bytes / 512;
      if (bytes % 512 !== 0 || sector + n > sectors || (this.failAt >= sector && this.failAt < sector + n)) status = S_IOERR;
      else if (type === T_OUT && this.readOnly) status = S_IOERR;
      else if (type === T_IN) {
        q.scatter(chain, 0, this.disk.subarray(sector * 512, sector * 512 + bytes));
        written += bytes;
      } else {
        this.disk.set(out.subarray(16), sector * 512);
        this.unflushed = true;
      }
    } else if (type === T_FLUSH) {
      this.unflushed = false;
    } else {
      status = S_UNSUPP;
    }
    q.scatter(chain, inLen - 1, new Uint8Array([status]));
    q.push(chain.head, written);
    this.requests.push({ type, sector, bytes, status });
  }
}
