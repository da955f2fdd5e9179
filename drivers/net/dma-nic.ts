/**
 * What the descriptor-ring NIC drivers (cadence-gem.ts, imx-enet.ts) share: the NetworkInterface
 * bookkeeping around a receive and a transmit ring of descriptors in DMA memory, one buffer per
 * descriptor, with a PHY polled over the MAC's MDIO port.
 *
 * Here: the rings and buffers, allocated once (a second init() reuses them); the link state and
 * mode that pollLink() takes from the PHY; the transmit path (frame bounds, refusal while the link
 * is down or every descriptor is in flight, the copy into the descriptor's buffer, zero padding to
 * the 60-byte minimum, writable() once a refused send() can go through); the walks over the rings
 * that hand received frames on and take back sent descriptors; the counters. What is the
 * hardware's stays in each driver, behind the abstract methods: the descriptor layout and its
 * ownership bits, the doorbells, the registers and their programming sequence.
 */
import type { DmaAllocator, DmaBuffer } from "hal";
import { NO_BUS, type PolledDeviceOptions, type RegisterBus } from "../../hal/register.ts";
import { pollOptions, PollTimeoutError, type PollOptions } from "../../hal/poll.ts";
import type { NetworkInterface, NetworkInterfaceEvents } from "../interfaces/network-interface.ts";
import { MDIO_FRAME, MDIO_OP, MiiPhy, findPhy, mdioFrame, type FoundPhy, type LinkMode, type MdioBus } from "./mii-phy.ts";
import { checkMac, ringSize } from "./nic-options.ts";
import { registerBusMaster } from "../interfaces/bus-master.ts";

const HEADER_BYTES = 14;
/** The shortest frame on the wire without its FCS (IEEE 802.3 4.2.3.3); shorter ones are padded with zeros. */
const MIN_FRAME = 60;

export interface DmaNicOptions extends PolledDeviceOptions {
  /** Where rings and buffers are allocated (hal `dma`). */
  readonly dma: DmaAllocator;
  /** The interface's MAC address: 6 bytes, unicast, not all zero. */
  readonly mac: Uint8Array;
  /** The PHY's address on its MDIO bus (0-31): where init() looks first (see findPhy). */
  readonly phyAddress: number;
  /**
   * Told when init() found no PHY at phyAddress and took the one it found at another address
   * (the board logs it: its board.json fact is wrong, or QEMU's PHY is elsewhere).
   */
  readonly onPhyFound?: (found: FoundPhy, configured: number) => void;
  /** Receive descriptors (default 16, 2-1024). */
  readonly rxRing?: number;
  /** Transmit descriptors (default 16, 2-1024). */
  readonly txRing?: number;
  /** Orders descriptor writes against ownership and doorbells (hal `barrier`; none in host tests). */
  readonly barrier?: () => void;
}

/** The rings' geometry: facts of the driver's hardware. */
export interface RingLayout {
  /** Bytes per descriptor. */
  readonly descriptorBytes: number;
  /** Bytes per buffer: every frame the MAC accepts fits one. */
  readonly bufferBytes: number;
  /** The alignment of rings and buffers. */
  readonly align: number;
  /** The most descriptors a ring may have. */
  readonly maxRing: number;
  /** Bytes after the transmit ring that the MAC may write (default 0). */
  readonly txSlack?: number;
}

/** The counters both drivers keep; a driver adds its own. */
export interface DmaNicStats {
  rxFrames: number;
  rxBytes: number;
  /** Received while no listener was attached. */
  rxUnclaimed: number;
  txFrames: number;
  txBytes: number;
  /** send() refused: every transmit descriptor in flight. */
  txBusy: number;
  /** send() refused: the link was down. */
  txLinkDown: number;
  /** Frames still queued when the MAC was restarted. */
  txDropped: number;
  /** A DMA bus error stopped the MAC; the driver restarts it. */
  busErrors: number;
  /** Times the rings were reset and the MAC started again. */
  restarts: number;
}

export abstract class DmaNic<Registers> implements NetworkInterface, MdioBus {
  readonly base: number;
  readonly mac: Uint8Array;
  readonly mtu = 1500;
  /** The PHY's address as configured (DmaNicOptions.phyAddress). */
  readonly phyAddress: number;
  abstract readonly stats: DmaNicStats;
  /** The register block, for what the driver does not wrap. */
  abstract readonly registers: Registers;
  /** The driver's name, which starts its error messages. */
  protected readonly owner: string;
  protected readonly rxSize: number;
  protected readonly txSize: number;
  protected readonly wait?: PollOptions;
  protected readonly barrier?: () => void;
  protected up = false;
  /** What the MAC is programmed for: 100 Mb/s full duplex until a link says otherwise. */
  protected mode: LinkMode = { speed: 100, fullDuplex: true };
  /** Inside a frame spread over several receive buffers: dropped up to its last buffer. */
  protected rxFragment = false;
  /** Set by init() once the MAC is programmed. */
  protected initialized = false;
  /** stop() halted the MAC for good. */
  protected stopped = false;
  // The rings and their buffers (allocated by the first init()), and where the driver is in them.
  protected rxRingView!: DataView;
  protected txRingView!: DataView;
  protected readonly rxBufferAddr: number[] = [];
  protected readonly txBufferAddr: number[] = [];
  protected rxRingAddr = 0;
  protected txRingAddr = 0;
  protected rxIndex = 0;
  protected txHead = 0;
  protected txTail = 0;
  protected txCount = 0;
  private readonly dma: DmaAllocator;
  private readonly layout: RingLayout;
  private events?: NetworkInterfaceEvents;
  /** send() returned false since the last writable(). */
  private blocked = false;
  private allocated = false;
  private readonly rxBuffers: Uint8Array[] = [];
  private readonly txBuffers: Uint8Array[] = [];
  private readonly phyMdio: MdioBus;
  private readonly maxPolls?: number;
  private readonly onPhyFound?: (found: FoundPhy, configured: number) => void;
  private currentPhy: MiiPhy;

  /** Checks the shared options; the PHY is managed through `mdio`, by default this MAC's own port. */
  protected constructor(owner: string, options: DmaNicOptions, layout: RingLayout, mdio?: MdioBus) {
    this.owner = owner;
    this.base = options.base;
    this.dma = options.dma;
    this.layout = layout;
    this.mac = checkMac(owner, options.mac);
    this.rxSize = ringSize(owner, options.rxRing, "rxRing", layout.maxRing);
    this.txSize = ringSize(owner, options.txRing, "txRing", layout.maxRing);
    this.wait = pollOptions(options.maxPolls);
    this.barrier = options.barrier;
    this.phyMdio = mdio ?? this;
    this.maxPolls = options.maxPolls;
    this.onPhyFound = options.onPhyFound;
    this.currentPhy = new MiiPhy({ mdio: this.phyMdio, address: options.phyAddress, maxPolls: options.maxPolls });
    this.phyAddress = options.phyAddress;
  }

  /** The PHY, for what the driver does not wrap (its identifier, forced modes): after init(), the one findPhy() found. */
  get phy(): MiiPhy {
    return this.currentPhy;
  }

  get linkUp(): boolean {
    return this.up;
  }

  /** The speed and duplex the MAC is programmed for (the PHY's resolved mode once the link came up). */
  get linkMode(): LinkMode {
    return this.mode;
  }

  /** Transmit descriptors in flight (queued, not yet handed back by the MAC). */
  get txPending(): number {
    return this.txCount;
  }

  attach(events: NetworkInterfaceEvents): void {
    this.events = events;
  }

  /**
   * Programs the MAC, hands it the rings and enables it, then finds the PHY (findPhy), resets it and starts
   * auto-negotiation. The link is down until pollLink() sees it come up. May be called again
   * (after an error, say): it starts over with empty rings and the same DMA memory.
   */
  abstract init(): void;


  /**
   * Polls the PHY for a link change and applies it: on link up the MAC is set to the negotiated
   * speed and duplex, the listener hears link(true) and, if send() refused a frame meanwhile,
   * writable(); on link down, link(false). Call it from a timer (once a second is enough; a PHY
   * takes seconds to negotiate). Returns the link state.
   */
  pollLink(): boolean {
    this.checked();
    if (this.stopped) return false;
    let up = this.phy.linkUp();
    let mode: LinkMode | undefined;
    if (up && !this.up) {
      mode = this.negotiated();
      // No common ability: IEEE 802.3 28B.3 leaves the link down.
      if (mode === undefined) up = false;
    }
    if (up === this.up) return up;
    this.up = up;
    if (mode !== undefined && (mode.speed !== this.mode.speed || mode.fullDuplex !== this.mode.fullDuplex)) {
      this.mode = mode;
      this.applyMode();
    }
    const events = this.events;
    if (events !== undefined) events.link(up);
    if (up) this.notifyWritable();
    return up;
  }

  /**
   * Queues `frame` (an Ethernet frame without its FCS: 14 to 1514 bytes; shorter than 60 is padded
   * with zeros) and tells the MAC. The bytes are copied: the caller may reuse `frame`. Returns
   * false, taking nothing, while the link is down or every transmit descriptor is in flight.
   */
  send(frame: Uint8Array): boolean {
    const length = frame.length;
    if (!(length >= HEADER_BYTES && length <= HEADER_BYTES + this.mtu)) {
      throw new RangeError(`${this.owner}: a frame of ${length} bytes is not ${HEADER_BYTES} to ${HEADER_BYTES + this.mtu} bytes`);
    }
    this.checked();
    const stats = this.stats;
    if (!this.up) {
      stats.txLinkDown++;
      this.blocked = true;
      return false;
    }
    if (this.txCount === this.txSize && this.reclaim() === 0) {
      stats.txBusy++;
      this.blocked = true;
      return false;
    }
    const i = this.txHead;
    const buffer = this.txBuffers[i];
    buffer.set(frame);
    let wire = length;
    if (wire < MIN_FRAME) {
      buffer.fill(0, wire, MIN_FRAME);
      wire = MIN_FRAME;
    }
    const last = i === this.txSize - 1;
    this.handOver(i, wire, last);
    this.txHead = last ? 0 : i + 1;
    this.txCount++;
    stats.txFrames++;
    stats.txBytes += length;
    return true;
  }

  /**
   * The interrupt line's handler (the board's line handler calls it): acknowledges the MAC's
   * events; after a bus error that stopped the MAC, counts it and starts the MAC again on empty
   * rings (dropping what was queued); else hands received frames to the listener and returns their
   * descriptors and reclaims sent ones. Then writable() if send() was refused meanwhile.
   */
  onInterrupt(): void {
    this.checked();
    if (this.stopped) return;
    if (this.acknowledge()) {
      this.stats.busErrors++;
      this.restart();
      this.notifyWritable();
      return;
    }
    this.receive();
    if (this.txCount !== 0) this.reclaim();
    this.notifyWritable();
  }

  /**
   * Stops the MAC for good, before a soft restart (drivers/interfaces/bus-master.ts): it no longer
   * writes received frames into the receive buffers nor reads the transmit ring. The link is down
   * and send() refuses frames afterwards; init() would start it again. Throws when the MAC does
   * not report it stopped within the driver's bounded wait. Afterwards onInterrupt() does
   * nothing and pollLink() reports the link down: nothing writes the MAC's registers again.
   */
  stop(): void {
    this.up = false;
    this.stopped = true;
    if (this.allocated) this.halt(); // else never handed the rings: nothing to stop
  }

  mdioRead(phy: number, reg: number): number {
    return this.mdio(MDIO_OP.READ, phy, reg, 0);
  }

  mdioWrite(phy: number, reg: number, value: number): void {
    this.mdio(MDIO_OP.WRITE, phy, reg, value);
  }

  /**
   * Sends the clause 22 management frame `frame` (IEEE 802.3 22.2.4.5) on the MAC's MDIO port and
   * waits, bounded, until it went out and, for a read, the data came back.
   */
  protected abstract mdioTransfer(frame: number): void;
  /** The management register after a read frame: the data in MDIO_FRAME.DATA. */
  protected abstract mdioData(): number;
  /**
   * stop()'s hardware part: receive and transmit DMA off, the MAC's interrupts masked, and a
   * bounded wait until the MAC reports it stopped; throws (through timeout()) when it does not.
   */
  protected abstract halt(): void;
  /** Reads and acknowledges the MAC's interrupt events; true when a DMA bus error stopped the MAC. */
  protected abstract acknowledge(): boolean;
  /** Stops the MAC, drops what was queued (countRestart), and starts it again on empty rings. */
  protected abstract restart(): void;
  /** The mode the PHY negotiated once its link is up; undefined for none in common. */
  protected abstract negotiated(): LinkMode | undefined;
  /** Programs the running MAC for `mode`, which pollLink() has just changed. */
  protected abstract applyMode(): void;
  /** Hands transmit descriptor `i` (`length` bytes in its buffer; `last` of the ring) to the MAC and rings its doorbell. */
  protected abstract handOver(i: number, length: number, last: boolean): void;
  /** Whether the MAC has handed transmit descriptor `i` back (counting any error it reports). */
  protected abstract txDone(i: number): boolean;
  /** Whether the MAC has handed receive descriptor `i` back, holding a frame or part of one. */
  protected abstract rxFilled(i: number): boolean;
  /** Reads receive descriptor `i`'s status and length and delivers the frame (deliverFrame) or counts why not. */
  protected abstract rxTake(i: number): void;
  /** Hands receive descriptor `i` (`last` of the ring) back to the MAC, empty. */
  protected abstract rxReturn(i: number, last: boolean): void;
  /** After descriptors were returned: lets a MAC that stalled on a full ring go on. */
  protected abstract rxResume(): void;

  /**
   * init()'s first steps: the base address and the bus checked, the rings allocated on the first
   * call, the link down and the mode back to the one programmed at init. `bus` is the register block's.
   */
  protected prepare(bus: RegisterBus): void {
    if (!this.base) throw new Error(`${this.owner}: invalid base address`);
    if (bus === NO_BUS) throw new TypeError(`${this.owner}: no RegisterBus given and none installed`);
    // DMA memory is never freed: a second init() (after a PHY that did not answer) reuses it.
    if (!this.allocated) {
      this.allocate();
      // The rings are the MAC's from here on: a soft restart stops it first (stop()).
      registerBusMaster({ name: `${this.owner} at 0x${hex(this.base)}`, stop: () => this.stop() });
    }
    this.up = false;
    this.stopped = false;
    this.mode = { speed: 100, fullDuplex: true };
  }

  /**
   * init()'s PHY step: the PHY where it answered last (phyAddress at first), else the first that
   * answers on the bus (mii-phy.ts findPhy), which becomes `phy` and is reported to onPhyFound.
   * Returns its identifier; throws naming phyAddress when no PHY answers at all.
   */
  protected findPhy(): number {
    const tried = this.currentPhy.address;
    const found = findPhy(this.phyMdio, tried);
    if (found === undefined) throw new Error(`MiiPhy: no PHY answers at address ${tried}, nor at any other address 0-31`);
    if (found.address !== tried) {
      this.currentPhy = new MiiPhy({ mdio: this.phyMdio, address: found.address, maxPolls: this.maxPolls });
      if (this.onPhyFound) this.onPhyFound(found, this.phyAddress);
    }
    return found.id;
  }

  /** With the descriptors the driver empties: both rings from their start, no frame half received. */
  protected resetIndexes(): void {
    this.rxIndex = this.txHead = this.txTail = this.txCount = 0;
    this.rxFragment = false;
  }

  /** Counts a restart of the MAC, which drops the frames still queued. */
  protected countRestart(): void {
    this.stats.txDropped += this.txCount;
    this.stats.restarts++;
  }

  /** Hands the first `length` bytes of receive buffer `i` to the listener, or counts them unclaimed. */
  protected deliverFrame(i: number, length: number): void {
    const stats = this.stats;
    const events = this.events;
    if (events === undefined) {
      stats.rxUnclaimed++;
      return;
    }
    stats.rxFrames++;
    stats.rxBytes += length;
    events.receive(this.rxBuffers[i].subarray(0, length));
  }

  /** writable() once send() was refused and there is room and a link again. */
  private notifyWritable(): void {
    if (!this.blocked || !this.up || this.txCount === this.txSize) return;
    this.blocked = false;
    const events = this.events;
    if (events !== undefined) events.writable();
  }

  /** A bounded wait that ran out, as "<driver>: `what` (the wait's message)"; any other error as it is. */
  protected timeout(e: unknown, what: string): unknown {
    return e instanceof PollTimeoutError ? new Error(`${this.owner}: ${what} (${e.message})`) : e;
  }

  protected checked(): Registers {
    if (!this.initialized) throw new Error(`${this.owner}: init() first`);
    return this.registers;
  }

  /** One management frame: the arguments checked, then the MAC's port; the data read, 0 for a write. */
  private mdio(op: MDIO_OP, phy: number, reg: number, value: number): number {
    const frame = mdioFrame(this.owner, op, phy, reg, value);
    this.checked();
    try {
      this.mdioTransfer(frame);
    } catch (e) {
      throw this.timeout(e, `no answer on MDIO (PHY ${phy}, register ${reg})`);
    }
    return op === MDIO_OP.READ ? this.mdioData() & MDIO_FRAME.DATA : 0;
  }

  /** Hands received frames to the listener and returns their descriptors; at most one ring's worth. */
  private receive(): void {
    const barrier = this.barrier;
    const last = this.rxSize - 1;
    let returned = 0;
    try {
      for (let n = 0; n <= last; n++) {
        const i = this.rxIndex;
        if (!this.rxFilled(i)) break;
        if (barrier) barrier(); // ownership seen: length and data after it
        this.rxIndex = i === last ? 0 : i + 1;
        try {
          this.rxTake(i);
        } finally {
          this.rxReturn(i, i === last);
          returned++;
        }
      }
    } finally {
      if (returned !== 0) this.rxResume();
    }
  }

  /** Takes back the transmit descriptors the MAC has finished with; returns how many. */
  private reclaim(): number {
    const last = this.txSize - 1;
    let freed = 0;
    while (this.txCount !== 0) {
      const i = this.txTail;
      if (!this.txDone(i)) break;
      this.txTail = i === last ? 0 : i + 1;
      this.txCount--;
      freed++;
    }
    return freed;
  }

  /**
   * Allocates rings and buffers, once. The descriptors hold 32-bit buffer addresses (both drivers
   * use the descriptor formats without the upper halves), so all of it lies below 4 GiB.
   */
  private allocate(): void {
    const { descriptorBytes, bufferBytes, align, txSlack = 0 } = this.layout;
    const dma = this.dma;
    const rxRing = dma.alloc(this.rxSize * descriptorBytes, align);
    const txRing = dma.alloc(this.txSize * descriptorBytes + txSlack, align);
    const rxData = dma.alloc(this.rxSize * bufferBytes, align);
    const txData = dma.alloc(this.txSize * bufferBytes, align);
    for (const b of [rxRing, txRing, rxData, txData]) {
      if (b.addr % align !== 0 || b.addr >>> 0 !== b.addr || b.addr + b.buffer.byteLength > 0x1_0000_0000) {
        throw new RangeError(`${this.owner}: DMA memory at 0x${hex(b.addr)} is not ${align}-byte aligned below 4 GiB`);
      }
    }
    this.allocated = true;
    this.rxRingAddr = rxRing.addr;
    this.txRingAddr = txRing.addr;
    this.rxRingView = new DataView(rxRing.buffer, 0, this.rxSize * descriptorBytes);
    this.txRingView = new DataView(txRing.buffer, 0, this.txSize * descriptorBytes);
    split(rxData, this.rxSize, bufferBytes, this.rxBufferAddr, this.rxBuffers);
    split(txData, this.txSize, bufferBytes, this.txBufferAddr, this.txBuffers);
  }
}

/** Cuts `data` into `count` buffers of `bytes`, appending their addresses and views. */
function split(data: DmaBuffer, count: number, bytes: number, addrs: number[], views: Uint8Array[]): void {
  for (let i = 0; i < count; i++) {
    addrs.push(data.addr + i * bytes);
    views.push(new Uint8Array(data.buffer, i * bytes, bytes));
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
