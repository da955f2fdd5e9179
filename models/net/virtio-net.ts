/**
 * Register- and descriptor-level model of QEMU 7.2's virtio-mmio transport with a
 * virtio-net-device behind it (hw/virtio/virtio-mmio.c, hw/net/virtio-net.c, hw/virtio/virtio.c),
 * after VIRTIO 1.2: MMIO registers (4.2.2), device status (2.1), split virtqueues (2.7), the
 * network device (5.1). Offsets and bits are written out from those sources, not imported from
 * the driver.
 *
 * As QEMU does:
 * - Version reads 2 (1 with `version: 1`, QEMU's default force-legacy=true); DeviceID 0 with
 *   `deviceId: 0` (an empty transport, where only MagicValue, Version and VendorID read).
 *   Registers other than the config space answer 32-bit accesses only (others read 0, writes
 *   are ignored).
 * - DeviceFeaturesSel / DriverFeaturesSel: any nonzero value selects word 1. The driver's
 *   features take effect when a Status write carries FEATURES_OK, masked to those offered; a
 *   refused FEATURES_OK leaves the whole Status write undone (virtio_set_status returns early).
 * - Writing 0 to Status resets the device: queues, InterruptStatus, features.
 * - QueueNumMax reads `queueNumMax` (default 1024, QEMU's VIRTQUEUE_MAX_SIZE, read on QEMU 7.2
 *   here) for queues 0-2 (receive, transmit, control) and 0 for others; QueueReady 1 takes the
 *   size and addresses. (The queues' own default size, 256, is not what QueueNumMax reports.)
 * - Receive: a frame goes into one chain of device-writable descriptors, after a 12-byte
 *   header whose first 10 bytes are zeroed and whose num_buffers is left as it was (no
 *   MRG_RXBUF: receive_header; seen on QEMU 7.2 with a probe). A chain too small for it drops the frame and keeps the chain
 *   (virtqueue_unpop). With no buffers or before DRIVER_OK frames wait in a backlog (QEMU's
 *   net queue), delivered when the driver notifies queue 0; with the link down they are lost.
 * - Transmit runs at the QueueNotify write (QEMU: a bottom half shortly after): each chain's
 *   readable bytes less the 12-byte header go to `onTransmit`, the used length is 0. With the
 *   link down the frames are dropped but the buffers still returned (virtio_net_drop_tx_queue_data).
 * - Interrupts: InterruptStatus bit 0 after used buffers unless the driver set NO_INTERRUPT,
 *   bit 1 on a config change (link) once DRIVER_OK is set; the line is level: asserted while
 *   InterruptStatus is nonzero; InterruptACK clears bits.
 * - A protocol error (avail index, descriptor index, looped chain, memory outside DMA) marks the
 *   device DEVICE_NEEDS_RESET with a config interrupt and stops it (virtio_error), noted in
 *   `errors`.
 *
 * Stricter than QEMU, so driver mistakes show in `errors` without changing behaviour: features
 * written that were not offered, notifications before DRIVER_OK, accesses of the wrong width.
 *
 * Host side: inject(frame) delivers a frame to the guest, `onTransmit` receives what it sends,
 * setLink(up) changes the link. `txPaused` holds transmitted chains until completeTx(), for
 * backpressure tests. `irq` is the interrupt line's output.
 */
import type { MemoryBus } from "../memory-bus.ts";
import type { DmaMemory } from "../mailbox/bcm2835.ts";
import { VirtioGuestError } from "../virtio/virtqueue.ts";
import {
  CONFIG, CONFIG_GENERATION, DEVICE_FEATURES, DEVICE_FEATURES_SEL, DEVICE_ID, DRIVER_FEATURES, DRIVER_FEATURES_SEL,
  INTERRUPT_ACK, INTERRUPT_STATUS, MAGIC, MAGIC_VALUE, QUEUE_DESC_HIGH, QUEUE_DESC_LOW, QUEUE_DEVICE_HIGH,
  QUEUE_DEVICE_LOW, QUEUE_DRIVER_HIGH, QUEUE_DRIVER_LOW, QUEUE_NOTIFY, QUEUE_NUM, QUEUE_NUM_MAX, QUEUE_READY,
  QUEUE_SEL, S_DRIVER_OK, S_FEATURES_OK, S_NEEDS_RESET, STATUS, VENDOR_ID, VENDOR_QEMU, VERSION, WINDOW,
  deviceQueue, emptyQueueRegs, type QueueRegs,
} from "../virtio/mmio-registers.ts";
// InterruptStatus bits (4.2.2).
const INT_VRING = 1, INT_CONFIG = 2;
/** QEMU's VIRTIO_QUEUE_MAX: QueueSel values at or above it are ignored. */
const VIRTIO_QUEUE_MAX = 1024;
/** virtio-net queues without multiqueue: receiveq1, transmitq1, controlq (5.1.2). */
const RX = 0, TX = 1, QUEUES = 3;
const NET_HDR = 12;
// Feature bits (5.1.3, 6).
const F_MAC = 5, F_STATUS = 16, F_VERSION_1 = 32;
const NET_S_LINK_UP = 1;
const DELIVERED = 0, LOST = 1, WAIT = 2;
type ReceiveResult = typeof DELIVERED | typeof LOST | typeof WAIT;

/**
 * Features QEMU 7.2's virtio-net-device offers a modern driver over `-netdev user`, read on
 * microvm here: DeviceFeatures 0x30bf8024 (word 0) and 0x101 (word 1). No checksum or
 * segmentation offload (slirp has no vnet header). Bits: CTRL_GUEST_OFFLOADS 2, MAC 5,
 * MRG_RXBUF 15, STATUS 16, CTRL_VQ 17, CTRL_RX 18, CTRL_VLAN 19, CTRL_RX_EXTRA 20,
 * GUEST_ANNOUNCE 21, CTRL_MAC_ADDR 23, RING_INDIRECT_DESC 28, RING_EVENT_IDX 29, VERSION_1 32,
 * RING_RESET 40.
 */
export const QEMU_SLIRP_FEATURES = (0x101n << 32n) | 0x30bf_8024n;

export interface VirtioNetModelOptions {
  /** DMA memory the device reads and writes (FakeDma in tests, SimDma in the simulator). */
  readonly dma: DmaMemory & { flush?(): void };
  /** Default QEMU's 52:54:00:12:34:56. */
  readonly mac?: readonly number[];
  /** 2 (modern, default) or 1 (QEMU's force-legacy default). */
  readonly version?: number;
  /** 1 (network card, default); 0 for a transport with no device. */
  readonly deviceId?: number;
  /** Offered feature bits (default QEMU_SLIRP_FEATURES). */
  readonly features?: bigint;
  readonly queueNumMax?: number;
  /** Frames held while the guest has no receive buffer (default 256). */
  readonly backlog?: number;
  readonly linkUp?: boolean;
  /** The interrupt line's output, called when its level changes. */
  readonly irq?: (level: boolean) => void;
}

export interface VirtioNetModelCounters {
  /** Frames written into receive buffers. */
  rxDelivered: number;
  /** Frames lost because the link was down. */
  rxLinkDown: number;
  /** Frames larger than the receive chain offered for them. */
  rxTooBig: number;
  /** Frames lost because the backlog was full. */
  rxBacklogFull: number;
  /** Frames the guest sent. */
  txFrames: number;
  /** Frames the guest sent while the link was down, dropped. */
  txLinkDown: number;
}

export class VirtioNetModel {
  /** Frames the guest transmits (without the virtio header). */
  onTransmit?: (frame: Uint8Array) => void;
  /** While true, transmit notifications are held until completeTx(). */
  txPaused = false;
  /** Refuse FEATURES_OK (a device that cannot work with the driver's features). */
  refuseFeaturesOk = false;
  readonly errors: string[] = [];
  readonly counters: VirtioNetModelCounters = { rxDelivered: 0, rxLinkDown: 0, rxTooBig: 0, rxBacklogFull: 0, txFrames: 0, txLinkDown: 0 };
  /** Every value written to QueueNotify, in order. */
  readonly notifications: number[] = [];
  readonly mac: readonly number[];
  status = 0;
  isr = 0;
  generation = 0;
  /** Features in effect (after FEATURES_OK). */
  negotiated = 0n;
  private readonly dma: DmaMemory & { flush?(): void };
  private readonly version: number;
  private readonly deviceId: number;
  private readonly offered: bigint;
  private readonly queueNumMax: number;
  private readonly backlogLimit: number;
  private readonly backlog: Uint8Array[] = [];
  private readonly irqOut?: (level: boolean) => void;
  private linkUp: boolean;
  private level = false;
  private broken = false;
  private txPending = false;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures: [number, number] = [0, 0];
  private queueSel = 0;
  private queues = new Map<number, QueueRegs>();

  constructor(bus: MemoryBus, readonly base: number, options: VirtioNetModelOptions) {
    this.dma = options.dma;
    this.mac = options.mac ?? [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
    this.version = options.version ?? 2;
    this.deviceId = options.deviceId ?? 1;
    this.offered = options.features ?? QEMU_SLIRP_FEATURES;
    this.queueNumMax = options.queueNumMax ?? 1024;
    this.backlogLimit = options.backlog ?? 256;
    this.linkUp = options.linkUp ?? true;
    this.irqOut = options.irq;
    for (let off = 0; off < CONFIG; off += 4) {
      bus.onRead(base + off, (_a, width) => this.read(off, width));
      bus.onWrite(base + off, (v, _a, width) => this.write(off, v, width));
    }
    for (let off = CONFIG; off < WINDOW; off++) {
      bus.onRead(base + off, (_a, width) => this.readConfig(off - CONFIG, width));
      bus.onWrite(base + off, () => {}); // the network config space is read-only (5.1.4)
    }
  }

  /** The interrupt line: asserted while InterruptStatus is nonzero. */
  get irqLevel(): boolean {
    return this.level;
  }

  /** Frames waiting for receive buffers. */
  get backlogLength(): number {
    return this.backlog.length;
  }

  /**
   * The host sends `frame` (an Ethernet frame without FCS) to the guest. Returns false if it
   * was lost (link down, backlog full, too big for the buffer offered).
   */
  inject(frame: Uint8Array): boolean {
    if (!this.linkUp) {
      this.counters.rxLinkDown++;
      return false;
    }
    let result = this.backlog.length > 0 ? WAIT : this.receive(frame);
    if (result === WAIT) {
      if (this.backlog.length >= this.backlogLimit) {
        this.counters.rxBacklogFull++;
        result = LOST;
      } else {
        this.backlog.push(frame.slice());
      }
    }
    this.dma.flush?.();
    return result !== LOST;
  }

  /** Changes the link (5.1.4 status field); a config interrupt if it changed and DRIVER_OK is set. */
  setLink(up: boolean): void {
    if (up === this.linkUp) return;
    this.linkUp = up;
    this.configChanged();
  }

  /** Processes the transmit queue held while `txPaused`. */
  completeTx(): void {
    this.txPaused = false;
    if (this.txPending) {
      this.txPending = false;
      this.transmit();
      this.dma.flush?.();
    }
  }

  private read(off: number, width: number): number {
    if (this.deviceId === 0) {
      // An empty transport (virtio_mmio_read with no vdev).
      if (off === MAGIC_VALUE) return MAGIC;
      if (off === VERSION) return this.version;
      if (off === VENDOR_ID) return VENDOR_QEMU;
      return 0;
    }
    if (width !== 32) {
      this.errors.push(`${width}-bit read of register 0x${off.toString(16)}`);
      return 0;
    }
    switch (off) {
      case MAGIC_VALUE: return MAGIC;
      case VERSION: return this.version;
      case DEVICE_ID: return this.deviceId;
      case VENDOR_ID: return VENDOR_QEMU;
      case DEVICE_FEATURES: return Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn);
      case QUEUE_NUM_MAX: return this.queueSel < QUEUES ? this.queueNumMax : 0;
      case QUEUE_READY: return this.queue().ready ? 1 : 0;
      case INTERRUPT_STATUS: return this.isr;
      case STATUS: return this.status;
      case CONFIG_GENERATION: return this.generation;
      default:
        this.errors.push(`read of write-only or unknown register 0x${off.toString(16)}`);
        return 0;
    }
  }

  private write(off: number, value: number, width: number): void {
    if (this.deviceId === 0) return;
    if (width !== 32) {
      this.errors.push(`${width}-bit write of register 0x${off.toString(16)}`);
      return;
    }
    const q = this.queue();
    switch (off) {
      case DEVICE_FEATURES_SEL: this.deviceFeaturesSel = value ? 1 : 0; return;
      case DRIVER_FEATURES: this.driverFeatures[this.driverFeaturesSel] = value >>> 0; return;
      case DRIVER_FEATURES_SEL: this.driverFeaturesSel = value ? 1 : 0; return;
      case QUEUE_SEL: if (value < VIRTIO_QUEUE_MAX) this.queueSel = value; return;
      case QUEUE_NUM: q.num = value; return;
      case QUEUE_READY: this.queueReady(q, value); return;
      case QUEUE_NOTIFY: this.notify(value); break;
      case INTERRUPT_ACK: this.isr &= ~value; this.updateIrq(); return;
      case STATUS: this.writeStatus(value & 0xff); return;
      case QUEUE_DESC_LOW: q.desc[0] = value; return;
      case QUEUE_DESC_HIGH: q.desc[1] = value; return;
      case QUEUE_DRIVER_LOW: q.driver[0] = value; return;
      case QUEUE_DRIVER_HIGH: q.driver[1] = value; return;
      case QUEUE_DEVICE_LOW: q.device[0] = value; return;
      case QUEUE_DEVICE_HIGH: q.device[1] = value; return;
      default:
        this.errors.push(`write of read-only or unknown register 0x${off.toString(16)}`);
        return;
    }
  }

  /** The config space (5.1.4): mac[6], status le16; QEMU's config_len with MAC and STATUS is 8. */
  private readConfig(off: number, width: number): number {
    const bytes = [...this.mac, this.linkUp ? NET_S_LINK_UP : 0, 0];
    const n = width / 8;
    if (off + n > bytes.length) return 0xffff_ffff >>> (32 - width);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[off + i];
    return v >>> 0;
  }

  private queue(): QueueRegs {
    let q = this.queues.get(this.queueSel);
    if (q === undefined) this.queues.set(this.queueSel, (q = emptyQueueRegs()));
    return q;
  }

  private queueReady(q: QueueRegs, value: number): void {
    if (!value) {
      q.ready = false;
      q.queue = undefined;
      return;
    }
    // virtio_queue_set_num ignores a size of 0 or above the maximum.
    if (this.queueSel >= QUEUES || q.num === 0 || q.num > this.queueNumMax) {
      this.errors.push(`QueueReady on queue ${this.queueSel} with QueueNum ${q.num}`);
      q.ready = true;
      return;
    }
    q.queue = deviceQueue(this.dma, q);
    q.ready = true;
  }

  private writeStatus(value: number): void {
    if (value & S_FEATURES_OK && (this.status & S_FEATURES_OK) === 0) {
      const wanted = (BigInt(this.driverFeatures[1]) << 32n) | BigInt(this.driverFeatures[0]);
      if (wanted & ~this.offered) this.errors.push(`driver features 0x${wanted.toString(16)} include some not offered (0x${this.offered.toString(16)})`);
      this.negotiated = wanted & this.offered;
      // virtio_set_status: a device that does not accept the features leaves Status as it was.
      if (this.refuseFeaturesOk) return;
    }
    const was = this.status;
    this.status = value;
    if (value === 0) {
      this.reset();
      return;
    }
    if (value & S_DRIVER_OK && (was & S_DRIVER_OK) === 0) this.flushBacklog();
  }

  private reset(): void {
    this.status = 0;
    this.isr = 0;
    this.negotiated = 0n;
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeatures = [0, 0];
    this.queueSel = 0;
    this.queues.clear();
    this.broken = false;
    this.txPending = false;
    this.updateIrq();
  }

  private notify(index: number): void {
    this.notifications.push(index);
    if ((this.status & S_DRIVER_OK) === 0) {
      this.errors.push(`notification of queue ${index} before DRIVER_OK (3.1.1)`);
      return;
    }
    if (index === RX) this.flushBacklog();
    else if (index === TX) {
      if (this.txPaused) this.txPending = true;
      else this.transmit();
    } else this.errors.push(`notification of queue ${index}, which the driver did not set up`);
  }

  /** Delivers `frame` into the next receive chain: DELIVERED, LOST, or WAIT (no buffer, not ready). */
  private receive(frame: Uint8Array): ReceiveResult {
    const q = this.queues.get(RX)?.queue;
    if (q === undefined || this.broken || (this.status & S_DRIVER_OK) === 0) return WAIT;
    return this.guarded((): ReceiveResult => {
      const chain = q.pop();
      if (chain === undefined) return WAIT;
      if (q.capacity(chain) < NET_HDR + frame.length) {
        q.unpop();
        this.counters.rxTooBig++;
        return LOST; // the buffer stays the guest's
      }
      q.scatter(chain, 0, new Uint8Array(10)); // flags .. csum_offset; num_buffers untouched
      q.scatter(chain, NET_HDR, frame);
      q.push(chain.head, NET_HDR + frame.length);
      this.counters.rxDelivered++;
      if (q.wantsInterrupt()) this.raise(INT_VRING);
      return DELIVERED;
    }, WAIT);
  }

  private flushBacklog(): void {
    while (this.backlog.length > 0 && this.receive(this.backlog[0]) !== WAIT) this.backlog.shift();
  }

  private transmit(): void {
    const q = this.queues.get(TX)?.queue;
    if (q === undefined || this.broken) return;
    this.guarded(() => {
      let used = false;
      for (let chain = q.pop(); chain !== undefined; chain = q.pop()) {
        const bytes = q.gather(chain);
        if (bytes.length < NET_HDR) throw new VirtioGuestError("virtio-net header incorrect");
        if (this.linkUp) {
          this.counters.txFrames++;
          this.onTransmit?.(bytes.slice(NET_HDR));
        } else {
          this.counters.txLinkDown++;
        }
        q.push(chain.head, 0);
        used = true;
      }
      if (used && q.wantsInterrupt()) this.raise(INT_VRING);
      return true;
    }, false);
  }

  /** Runs `f`; a VirtioGuestError breaks the device as QEMU's virtio_error() does. */
  private guarded<T>(f: () => T, failed: T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof VirtioGuestError)) throw e;
      this.errors.push(e.message);
      this.broken = true;
      if (this.negotiated & (1n << BigInt(F_VERSION_1))) {
        this.status |= S_NEEDS_RESET;
        this.configChanged();
      }
      return failed;
    }
  }

  /** virtio_notify_config: only once DRIVER_OK is set. */
  private configChanged(): void {
    if ((this.status & S_DRIVER_OK) === 0) return;
    this.generation = (this.generation + 1) >>> 0;
    this.raise(INT_CONFIG);
  }

  private raise(bit: number): void {
    this.isr |= bit;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.isr !== 0;
    if (level === this.level) return;
    this.level = level;
    this.irqOut?.(level);
  }
}

/** Feature bit numbers a test may want (5.1.3, 6). */
export const FEATURE = { MAC: F_MAC, STATUS: F_STATUS, VERSION_1: F_VERSION_1 } as const;
