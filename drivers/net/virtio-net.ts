/**
 * virtio network device over virtio-mmio (modern interface), for microvm and Firecracker.
 *
 * Follows Virtual I/O Device (VIRTIO) Version 1.2: the network device (5.1): virtqueues
 * receiveq1 = 0 and transmitq1 = 1 (5.1.2), feature bits (5.1.3), the configuration layout
 * (5.1.4: mac at 0, status at 6), device initialization (5.1.5) and the packet header (5.1.6:
 * struct virtio_net_hdr, 12 bytes with VIRTIO_F_VERSION_1, 5.1.6.1). The transport is
 * drivers/virtio/mmio.ts and the queues drivers/virtio/virtqueue.ts.
 *
 * Features: VIRTIO_F_VERSION_1 (required), VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS when
 * offered; no checksum or segmentation offload (every checksum is the stack's), no mergeable
 * receive buffers: each receive buffer holds a whole frame (5.1.6.3.1: without MRG_RXBUF and
 * GUEST_TSO*, buffers of at least 1526 bytes; these are 1536). The header is sent as zeros
 * (5.1.6.2: flags 0, gso_type NONE, num_buffers 0) and skipped on receive without reading it
 * (QEMU 7.2 leaves num_buffers unwritten without MRG_RXBUF: hw/net/virtio-net.c receive_header,
 * and so it was on QEMU here).
 *
 * Receive buffers are posted ahead, all of them at init and each again as soon as its frame
 * has been handed to the stack. Transmit completions raise no interrupt
 * (VIRTQ_AVAIL_F_NO_INTERRUPT) except while send() refuses frames for want of a descriptor.
 * Memory is fixed at init: rxQueueSize + txQueueSize buffers of 1536 bytes and the rings, from
 * the injected DMA allocator (about 150 KB at the defaults); a frame is copied once each way.
 *
 * The board calls onInterrupt() from the device's interrupt handler (a level-triggered line,
 * 4.2.3.4: it stays asserted until InterruptACK clears InterruptStatus). What a device gets
 * wrong (a used id out of range, a length beyond the buffer) is counted in `errors` and the
 * frame dropped; onInterrupt() only throws what the stack's own callbacks throw, after the
 * rings are back in order.
 */
import type { DmaAllocator } from "hal";
import type { PolledDeviceOptions } from "../../hal/register.ts";
import type { NetworkInterface, NetworkInterfaceEvents } from "../interfaces/network-interface.ts";
import { F_VERSION_1_HIGH, INTERRUPT, STATUS, VirtioMmio, hex, type FeatureWords } from "../virtio/mmio.ts";
import { SplitVirtqueue, type Barriers, type VirtqueueErrors } from "../virtio/virtqueue.ts";
import { registerBusMaster } from "../interfaces/bus-master.ts";

/** Device ID of a network card (VIRTIO 1.2, 5). */
export const VIRTIO_ID_NET = 1;
/** Network device feature bits in the low feature word (5.1.3). */
export enum NET_F {
  CSUM = 1 << 0, GUEST_CSUM = 1 << 1, MTU = 1 << 3, MAC = 1 << 5, GUEST_TSO4 = 1 << 7,
  MRG_RXBUF = 1 << 15, STATUS = 1 << 16, CTRL_VQ = 1 << 17,
}
/** The configuration's status field (5.1.4). */
export enum NET_S { LINK_UP = 1, ANNOUNCE = 2 }
/** Configuration offsets (5.1.4). */
const CONFIG_MAC = 0, CONFIG_STATUS = 6;
/** struct virtio_net_hdr with num_buffers: always 12 bytes with VIRTIO_F_VERSION_1 (5.1.6). */
export const NET_HDR_BYTES = 12;
/** Virtqueue indices (5.1.2). */
export const RX_QUEUE = 0, TX_QUEUE = 1;
/** Bytes of each buffer: the header and a 1514-byte frame (1518 with a VLAN tag) fit. */
export const BUFFER_BYTES = 1536;
/** Largest frame sent or received, without FCS (the buffer less the header). */
export const MAX_FRAME = BUFFER_BYTES - NET_HDR_BYTES;
/** An Ethernet header's length: nothing shorter is a frame. */
const ETH_HEADER = 14;
const MTU = 1500;

export interface VirtioNetOptions extends PolledDeviceOptions {
  /** Where the rings and buffers live (hal `dma`). */
  readonly dma: DmaAllocator;
  /** hal `barrier`, for the ordering of 2.7.13 (absent in host tests). */
  readonly barrier?: Barriers;
  /** Receive buffers posted ahead: a power of two from 2 to 256 (default 64). */
  readonly rxQueueSize?: number;
  /** Frames in flight to the device: a power of two from 2 to 256 (default 32). */
  readonly txQueueSize?: number;
  /** The MAC address when the device offers none (5.1.5: the driver then picks one). */
  readonly mac?: Uint8Array;
}

/** What happened, counted. */
export interface VirtioNetCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  /** send() returned false: no free transmit descriptor, or the link was down. */
  txBusy: number;
  /** Frames received before attach(), dropped. */
  rxUnclaimed: number;
}

/** Device misbehaviour, counted; the frame concerned is dropped. */
export interface VirtioNetErrors {
  /** A receive used length shorter than the 12-byte header. */
  rxTooShort: number;
  /** A receive used length longer than the buffer. */
  rxTooLong: number;
  /** The device set DEVICE_NEEDS_RESET (2.1.1); it is not used any more. */
  needsReset: number;
  /** The receive queue's (drivers/virtio/virtqueue.ts), from init(). */
  rx: VirtqueueErrors;
  /** The transmit queue's. */
  tx: VirtqueueErrors;
}

const NO_LISTENER: NetworkInterfaceEvents = { receive() {}, writable() {}, link() {} };

export class VirtioNet implements NetworkInterface {
  readonly base: number;
  readonly mac = new Uint8Array(6);
  readonly mtu = MTU;
  readonly counters: VirtioNetCounters = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txBusy: 0, rxUnclaimed: 0 };
  readonly errors: VirtioNetErrors;
  /** The transport, for what this driver does not wrap. */
  readonly transport: VirtioMmio;
  /** Features accepted at init(). */
  features: FeatureWords = { low: 0, high: 0 };
  private readonly dma: DmaAllocator;
  private readonly barrier?: Barriers;
  private readonly rxSize: number;
  private readonly txSize: number;
  private readonly fallbackMac?: Uint8Array;
  private events: NetworkInterfaceEvents = NO_LISTENER;
  private rx?: SplitVirtqueue;
  private tx?: SplitVirtqueue;
  private up = false;
  private broken = false;
  /** send() refused a frame: call writable() once it can take one. */
  private txBlocked = false;

  constructor(options: VirtioNetOptions) {
    this.base = options.base;
    this.dma = options.dma;
    this.barrier = options.barrier;
    this.rxSize = queueSize(options.rxQueueSize, 64, "rxQueueSize");
    this.txSize = queueSize(options.txQueueSize, 32, "txQueueSize");
    if (options.mac !== undefined && options.mac.length !== 6) throw new RangeError(`VirtioNet: mac has ${options.mac.length} bytes, not 6`);
    this.fallbackMac = options.mac;
    this.transport = new VirtioMmio({ base: options.base, bus: options.bus, maxPolls: options.maxPolls, deviceId: VIRTIO_ID_NET, name: "VirtioNet" });
    this.errors = { rxTooShort: 0, rxTooLong: 0, needsReset: 0, rx: { badId: 0, notHeld: 0, overrun: 0 }, tx: { badId: 0, notHeld: 0, overrun: 0 } };
  }

  get linkUp(): boolean {
    return this.up;
  }

  /**
   * Finds and starts the device: 3.1.1 with the network device's part (5.1.5): queues set up,
   * MAC and link status read, every receive buffer posted, DRIVER_OK, then the first
   * notification (3.1.1: none before DRIVER_OK).
   */
  init(): void {
    if (this.rx !== undefined) throw new Error("VirtioNet: init() was already called");
    const t = this.transport;
    t.probe();
    const mac = this.fallbackMac;
    this.features = t.negotiate((device) => {
      if ((device.high & F_VERSION_1_HIGH) === 0) throw new Error(`VirtioNet: the device at 0x${hex(this.base)} does not offer VIRTIO_F_VERSION_1 (feature bit 32)`);
      if ((device.low & NET_F.MAC) === 0 && mac === undefined) throw new Error("VirtioNet: the device has no MAC address (no VIRTIO_NET_F_MAC) and no `mac` option was given");
      return { low: device.low & (NET_F.MAC | NET_F.STATUS), high: F_VERSION_1_HIGH };
    });
    const dma = this.dma;
    const barrier = this.barrier;
    let rxq!: SplitVirtqueue;
    let txq!: SplitVirtqueue;
    const queue = (size: number, deviceWritable: boolean, what: string): SplitVirtqueue => {
      try {
        return new SplitVirtqueue({ dma, barrier, size, bufferSize: BUFFER_BYTES, deviceWritable });
      } catch (e) {
        // The rings and size * 1536 bytes of buffers; the board's DMA region must hold them.
        throw new RangeError(`VirtioNet: no DMA memory for the ${what} queue (${size} buffers of ${BUFFER_BYTES} bytes): ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    // The queues are the device's from here on: a soft restart stops it first (stop()).
    registerBusMaster({ name: `VirtioNet at 0x${hex(this.base)}`, stop: () => this.stop() });
    t.setupQueue(RX_QUEUE, this.rxSize, () => (rxq = queue(this.rxSize, true, "receive")).addresses);
    t.setupQueue(TX_QUEUE, this.txSize, () => (txq = queue(this.txSize, false, "transmit")).addresses);
    // The transmit headers are zeros for good (5.1.6.2); the device never writes them.
    txq.bytes.fill(0);
    // Sent buffers are taken back when the ring fills (send()), not on an interrupt each: the
    // transmit queue interrupts only while send() waits for room (2.7.7).
    txq.suppressInterrupts(true);
    if (this.features.low & NET_F.MAC) {
      t.readConfig((r) => {
        for (let i = 0; i < 6; i++) this.mac[i] = r.CONFIG8.at(CONFIG_MAC + i).read();
      });
    } else {
      this.mac.set(mac as Uint8Array);
    }
    this.up = this.readLink();
    for (let i = 0; i < this.rxSize; i++) rxq.put(rxq.take(), BUFFER_BYTES);
    const kick = rxq.publish();
    this.rx = rxq;
    this.tx = txq;
    this.errors.rx = rxq.errors;
    this.errors.tx = txq.errors;
    t.driverOk();
    if (kick) t.notify(RX_QUEUE);
  }

  /**
   * Stops the device for good: a device reset (drivers/virtio/mmio.ts reset(): Status 0, 2.4,
   * 4.2.2.1), after which it neither receives into the posted buffers nor reads the transmit ring.
   * The interface is down and send() refuses frames afterwards; the next boot sets it up again.
   * Throws when the device does not reset (its Status does not return to 0).
   */
  stop(): void {
    this.broken = true;
    this.up = false;
    this.transport.reset();
  }

  attach(events: NetworkInterfaceEvents): void {
    this.events = events;
  }

  send(frame: Uint8Array): boolean {
    const tx = this.tx;
    if (tx === undefined) throw new Error("VirtioNet: init() first");
    const n = frame.length;
    if (n < ETH_HEADER || n > MAX_FRAME) throw new RangeError(`VirtioNet: a frame of ${n} bytes is not 14 to ${MAX_FRAME} bytes`);
    if (!this.up) {
      this.txBlocked = true;
      this.counters.txBusy++;
      return false;
    }
    let id = tx.take();
    if (id < 0) {
      this.reclaim(tx);
      id = tx.take();
      if (id < 0) {
        // Full: ask for an interrupt when the device gives buffers back, then look once more,
        // as it may have done so before it saw the flag (2.7.10, 2.7.14).
        tx.suppressInterrupts(false);
        this.barrier?.dsb();
        this.reclaim(tx);
        id = tx.take();
        if (id < 0) {
          this.txBlocked = true;
          this.counters.txBusy++;
          return false;
        }
        tx.suppressInterrupts(true);
      }
    }
    tx.bytes.set(frame, id * BUFFER_BYTES + NET_HDR_BYTES); // tx.offset(id): one call less per frame
    tx.put(id, NET_HDR_BYTES + n);
    if (tx.publish()) this.transport.notify(TX_QUEUE);
    this.counters.txFrames++;
    this.counters.txBytes += n;
    return true;
  }

  /**
   * The device's interrupt: InterruptStatus read and acknowledged (4.2.3.4), the link status
   * read again on a configuration change, sent frames reclaimed (then `writable` if send() had
   * refused one), received frames handed to the stack and their buffers posted again. Throws
   * only what the stack's callbacks threw (the first of them), after finishing its work.
   */
  onInterrupt(): void {
    const pending = this.transport.takeInterrupt();
    const rx = this.rx;
    const tx = this.tx;
    if (rx === undefined || tx === undefined || this.broken) return;
    let error: unknown;
    let failed = false;
    const events = this.events;
    if (pending & INTERRUPT.CONFIG_CHANGE) {
      try {
        this.configChanged();
      } catch (e) {
        error = e;
        failed = true;
      }
      if (this.broken) {
        if (failed) throw error;
        return;
      }
    }
    // Used buffers are looked for on every interrupt: cheap, and robust to a lost status bit.
    this.reclaim(tx);
    if (this.txBlocked && this.up && tx.free > 0) {
      this.txBlocked = false;
      tx.suppressInterrupts(true);
      try {
        events.writable();
      } catch (e) {
        if (!failed) error = e;
        failed = true;
      }
    }
    let reposted = false;
    const bytes = rx.bytes;
    // Bounded: a device that keeps the ring full cannot hold the loop here.
    for (let n = 4 * rx.size; n > 0; n--) {
      const id = rx.takeUsed();
      if (id < 0) break;
      const len = rx.usedLength;
      if (len < NET_HDR_BYTES) {
        this.errors.rxTooShort++;
      } else if (len > BUFFER_BYTES) {
        this.errors.rxTooLong++;
      } else {
        const off = id * BUFFER_BYTES; // rx.offset(id): one call less per frame
        this.counters.rxFrames++;
        this.counters.rxBytes += len - NET_HDR_BYTES;
        if (events === NO_LISTENER) this.counters.rxUnclaimed++;
        try {
          events.receive(bytes.subarray(off + NET_HDR_BYTES, off + len));
        } catch (e) {
          if (!failed) error = e;
          failed = true;
        }
      }
      rx.put(id, BUFFER_BYTES);
      reposted = true;
    }
    if (reposted && rx.publish()) this.transport.notify(RX_QUEUE);
    if (failed) throw error;
  }

  /** Takes back the transmit descriptors the device has finished with. */
  private reclaim(tx: SplitVirtqueue): void {
    for (let id = tx.takeUsed(); id >= 0; id = tx.takeUsed()) tx.release(id);
  }

  /** A configuration change (4.2.3.4, bit 1): a reset request, or the link status (5.1.4). */
  private configChanged(): void {
    if (this.transport.readStatus() & STATUS.DEVICE_NEEDS_RESET) {
      this.errors.needsReset++;
      this.broken = true;
      if (this.up) {
        this.up = false;
        this.events.link(false);
      }
      return;
    }
    const up = this.readLink();
    if (up === this.up) return;
    this.up = up;
    this.events.link(up);
  }

  /** Link status: the config status field with VIRTIO_NET_F_STATUS, else always up (5.1.4). */
  private readLink(): boolean {
    if ((this.features.low & NET_F.STATUS) === 0) return true;
    return (this.transport.readConfig((r) => r.CONFIG16.at(CONFIG_STATUS / 2).read()) & NET_S.LINK_UP) !== 0;
  }
}

function queueSize(size: number | undefined, fallback: number, what: string): number {
  const n = size ?? fallback;
  if (!(n >= 2 && n <= 256 && (n & (n - 1)) === 0)) throw new RangeError(`VirtioNet: ${what} ${n} is not a power of two from 2 to 256`);
  return n;
}
