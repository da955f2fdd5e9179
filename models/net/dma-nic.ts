/**
 * What the i.MX ENET and Cadence GEM models share: a MAC that moves frames through descriptor
 * rings in DMA memory, with a PHY on MDIO, 32-bit-only registers (QEMU's models refuse other
 * widths), frames from the wire queued while reception cannot go on, a transmit the tests may
 * hold back, and an interrupt line reported on every change.
 */
import type { DmaMemory } from "../mailbox/bcm2835.ts";
import type { MemoryBus } from "../memory-bus.ts";

/** Frames kept while reception cannot go on (QEMU's queue holds more; a bound keeps tests honest). */
const QUEUE_LIMIT = 256;

export interface DmaNicModelOptions<Phy> {
  readonly dma: DmaMemory;
  readonly phy?: Phy;
  /** The PHY's MDIO address; null: no PHY on the bus (every address reads 0xFFFF). */
  readonly phyAddress?: number | null;
  /** The interrupt line's level, on every change. */
  readonly onIrq?: (level: boolean) => void;
  /** Each transmitted frame, as it went to the wire. */
  readonly onTransmit?: (frame: Uint8Array) => void;
}

export abstract class DmaNicModel<Phy, Queued> {
  readonly phy: Phy;
  /** The PHY's MDIO address, null for none on the bus. */
  readonly phyAddress: number | null;
  /** Every transmitted frame, in order. */
  readonly transmitted: Uint8Array[] = [];
  /** What the driver did that the hardware would not accept (bad MDIO frames, DMA outside memory). */
  readonly guestErrors: string[] = [];
  /** Frames dropped because the queue was full (and, on the GEM, because a flush found no descriptor). */
  queueDrops = 0;
  /** While true, a transmit request is only noted; releaseTransmit() sends. */
  holdTransmit = false;
  /** The current interrupt line level. */
  irq = false;
  protected readonly dma: DmaMemory;
  protected readonly onTransmit?: (frame: Uint8Array) => void;
  protected readonly queue: Queued[] = [];
  protected txRequested = false;
  private readonly onIrq?: (level: boolean) => void;

  protected constructor(options: DmaNicModelOptions<Phy>, defaultPhy: () => Phy, defaultPhyAddress: number) {
    this.dma = options.dma;
    this.phy = options.phy ?? defaultPhy();
    this.phyAddress = options.phyAddress === undefined ? defaultPhyAddress : options.phyAddress;
    this.onIrq = options.onIrq;
    this.onTransmit = options.onTransmit;
  }

  /** Frames waiting until reception can go on. */
  get queued(): number {
    return this.queue.length;
  }

  /** Sends what the transmit requests asked for while `holdTransmit` was set. */
  releaseTransmit(): void {
    this.holdTransmit = false;
    if (this.txRequested) {
      this.txRequested = false;
      this.transmit();
      this.update();
    }
  }

  protected abstract transmit(): void;

  /** Whether the interrupt line is asserted now. */
  protected abstract interruptAsserted(): boolean;

  /**
   * Maps the registers at `offsets` from `base`: an access of another width than 32 bits is a
   * guest error (a read still answers, a write is dropped); the line is updated after each write.
   */
  protected mapRegisters(bus: MemoryBus, base: number, offsets: Iterable<number>, read: (off: number) => number, write: (off: number, value: number) => void): void {
    for (const off of offsets) {
      bus.onRead(base + off, (_addr, width) => {
        if (width !== 32) this.guestErrors.push(`${width}-bit read at 0x${off.toString(16)}`);
        return read(off);
      });
      bus.onWrite(base + off, (value, _addr, width) => {
        if (width !== 32) {
          this.guestErrors.push(`${width}-bit write at 0x${off.toString(16)}`);
          return;
        }
        write(off, value >>> 0);
        this.update();
      });
    }
  }

  /** Keeps a frame from the wire for later, or counts it dropped when the queue is full. */
  protected holdBack(item: Queued): void {
    if (this.queue.length >= QUEUE_LIMIT) this.queueDrops++;
    else this.queue.push(item);
  }

  /** DMA memory at `addr`, or undefined (a guest error) when it is not all DMA memory. */
  protected view(addr: number, length: number): DataView | undefined {
    if (this.dma.find(addr, length) === undefined) {
      this.guestErrors.push(`DMA to 0x${addr.toString(16)}+${length}: not DMA memory`);
      return undefined;
    }
    return this.dma.view(addr, length);
  }

  protected update(): void {
    const level = this.interruptAsserted();
    if (level === this.irq) return;
    this.irq = level;
    if (this.onIrq) this.onIrq(level);
  }
}
