/**
 * Register-level model of an I/O APIC, after the Intel 82093AA datasheet (May 1996): IOREGSEL at
 * base + 0x00 selects a register that IOWIN at base + 0x10 reads and writes (3.0); ID (0x00),
 * version (0x01: 0x11 in bits 0-7, the highest redirection entry in bits 16-23) and the
 * redirection table at 0x10 + 2n / 0x11 + 2n (3.2.4), reset masked (3.2.4: bit 16 is 1 after
 * reset).
 *
 * Inputs (`setLevel`): an edge-triggered input delivers on a rising edge only while unmasked (an
 * edge on a masked input is ignored, as the datasheet and QEMU's model have it); a
 * level-triggered input delivers while high, unmasked and its Remote IRR (bit 14) clear, sets
 * Remote IRR on delivery, and an EOI for its vector (`eoi`, the local APIC's broadcast) clears it.
 * Deliveries are recorded as vectors in `delivered`. Offsets are written out here, not imported.
 */
import type { MemoryBus } from "../memory-bus.ts";

const IOREGSEL = 0x00, IOWIN = 0x10;
const VERSION_INDEX = 0x01, TABLE = 0x10;
const MASKED = 1 << 16, LEVEL = 1 << 15, REMOTE_IRR = 1 << 14, DELIVERY_STATUS = 1 << 12;
/** Bits the CPU cannot write: delivery status and Remote IRR (3.2.4). */
const READ_ONLY = DELIVERY_STATUS | REMOTE_IRR;

export class IoApicModel {
  /** Vectors sent to the local APIC, in order. */
  readonly delivered: number[] = [];
  readonly inputs: number;
  private select = 0;
  private id = 0;
  private readonly low: number[];
  private readonly high: number[];
  private readonly levels: boolean[];

  constructor(bus: MemoryBus, base: number, inputs = 24) {
    this.inputs = inputs;
    this.low = new Array<number>(inputs).fill(MASKED);
    this.high = new Array<number>(inputs).fill(0);
    this.levels = new Array<boolean>(inputs).fill(false);
    bus.onRead(base + IOREGSEL, () => this.select);
    bus.onWrite(base + IOREGSEL, (v) => (this.select = v & 0xff));
    bus.onRead(base + IOWIN, () => this.read(this.select));
    bus.onWrite(base + IOWIN, (v) => this.write(this.select, v));
  }

  /** Drives input `n`. */
  setLevel(n: number, level: boolean): void {
    const rising = level && !this.levels[n];
    this.levels[n] = level;
    if (this.low[n] & LEVEL) this.service(n);
    else if (rising && !(this.low[n] & MASKED)) this.delivered.push(this.low[n] & 0xff);
  }

  /** The local APIC's EOI broadcast for `vector`: clears Remote IRR of the level inputs on it. */
  eoi(vector: number): void {
    for (let n = 0; n < this.inputs; n++) {
      if ((this.low[n] & 0xff) === vector && this.low[n] & LEVEL && this.low[n] & REMOTE_IRR) {
        this.low[n] &= ~REMOTE_IRR;
        this.service(n);
      }
    }
  }

  entry(n: number): { low: number; high: number } {
    return { low: this.low[n] >>> 0, high: this.high[n] >>> 0 };
  }

  private service(n: number): void {
    const e = this.low[n];
    if (this.levels[n] && !(e & MASKED) && !(e & REMOTE_IRR)) {
      this.low[n] = e | REMOTE_IRR;
      this.delivered.push(e & 0xff);
    }
  }

  private read(index: number): number {
    if (index === 0) return this.id;
    if (index === VERSION_INDEX) return (((this.inputs - 1) << 16) | 0x11) >>> 0;
    const n = (index - TABLE) >> 1;
    if (index < TABLE || n >= this.inputs) return 0;
    return (index & 1 ? this.high[n] : this.low[n]) >>> 0;
  }

  private write(index: number, v: number): void {
    if (index === 0) {
      this.id = v & 0x0f00_0000;
      return;
    }
    const n = (index - TABLE) >> 1;
    if (index < TABLE || n >= this.inputs) return;
    if (index & 1) {
      this.high[n] = v & 0xff00_0000;
      return;
    }
    this.low[n] = (v & ~READ_ONLY) | (this.low[n] & READ_ONLY);
    // Unmasking (or switching to level) looks at the input again, as QEMU's model does.
    if (this.low[n] & LEVEL) this.service(n);
  }
}
