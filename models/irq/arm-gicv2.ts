/**
 * Register-level model of an ARM GIC v2 for one CPU (ARM IHI 0048B.b, "GIC architecture
 * specification v2"), as the Cortex-A7 MPCore's GIC-400 in the i.MX6UL: the distributor (4.3:
 * GICD_CTLR 0x000, TYPER 0x004, ISENABLER 0x100, ICENABLER 0x180, ISPENDR 0x200, ICPENDR 0x280,
 * IPRIORITYR 0x400, ITARGETSR 0x800) and the CPU interface (4.4: GICC_CTLR 0x000, PMR 0x004, BPR
 * 0x008, IAR 0x00C, EOIR 0x010, DIR 0x1000). Offsets are written out here from the specification,
 * not imported from the driver.
 *
 * Each interrupt ID has an input level (`setLine`, level-sensitive as the i.MX6UL's peripherals
 * are) and a software pending latch (ISPENDR); it is pending while either holds. Reading IAR takes
 * the highest-priority (lowest value, then lowest ID) pending, enabled, inactive interrupt whose
 * priority passes PMR, makes it active and clears its latch, or returns 1023 (spurious). With
 * GICC_CTLR.EOImode set an EOIR write only drops the running priority and DIR deactivates (4.4.5,
 * 4.4.15); with it clear EOIR deactivates too. The CPU's IRQ input is asserted while the
 * distributor and the interface are enabled (Group 0) and such an interrupt exists. SGIs are
 * always enabled (4.3.5) and not raised by this model; groups, security and FIQ are not modelled.
 */
import type { MemoryBus } from "../memory-bus.ts";

const GICD_CTLR = 0x000, GICD_TYPER = 0x004, ISENABLER = 0x100, ICENABLER = 0x180, ISPENDR = 0x200, ICPENDR = 0x280;
const IPRIORITYR = 0x400, ITARGETSR = 0x800;
const GICC_CTLR = 0x000, PMR = 0x004, BPR = 0x008, IAR = 0x00c, EOIR = 0x010, DIR = 0x1000;
const ENABLE_GRP0 = 1, EOIMODE = 1 << 9;
export const GIC_SPURIOUS = 1023;
const SGI_MASK = 0xffff;

export class GicV2Model {
  private dctlr = 0;
  private cctlr = 0;
  private pmr = 0;
  private bpr = 0;
  private readonly enabled: number[];
  private readonly latched: number[];
  private readonly levels: number[];
  private readonly active: number[];
  private readonly priority: Uint8Array;
  /** IDs whose priority is running (acknowledged, no EOI yet), innermost last. */
  private readonly running: number[] = [];

  /** `lines`: interrupt IDs implemented, a multiple of 32 (GICD_TYPER.ITLinesNumber). */
  constructor(bus: MemoryBus, distributor: number, cpuInterface: number, readonly lines: number) {
    const words = lines / 32;
    this.enabled = Array.from({ length: words }, (_, w) => (w === 0 ? SGI_MASK : 0));
    this.latched = new Array<number>(words).fill(0);
    this.levels = new Array<number>(words).fill(0);
    this.active = new Array<number>(words).fill(0);
    this.priority = new Uint8Array(lines);
    const reg = (addr: number, get: () => number, set: (v: number) => void) => {
      bus.onRead(addr, () => get() >>> 0);
      bus.onWrite(addr, (v) => set(v >>> 0));
    };
    const d = distributor, c = cpuInterface;
    reg(d + GICD_CTLR, () => this.dctlr, (v) => { this.dctlr = v & ENABLE_GRP0; });
    reg(d + GICD_TYPER, () => words - 1, () => {});
    for (let w = 0; w < words; w++) {
      reg(d + ISENABLER + 4 * w, () => this.enabled[w], (v) => { this.enabled[w] |= v; });
      // SGIs' enable bits are read-only ones (4.3.6).
      reg(d + ICENABLER + 4 * w, () => this.enabled[w], (v) => { this.enabled[w] &= ~(w === 0 ? v & ~SGI_MASK : v); });
      reg(d + ISPENDR + 4 * w, () => this.pendingWord(w), (v) => { this.latched[w] |= w === 0 ? v & ~SGI_MASK : v; });
      reg(d + ICPENDR + 4 * w, () => this.pendingWord(w), (v) => { this.latched[w] &= ~v; });
    }
    for (let id = 0; id < lines; id += 4) {
      const bytes = (a: Uint8Array) => () => a[id] | (a[id + 1] << 8) | (a[id + 2] << 16) | (a[id + 3] << 24);
      const store = (a: Uint8Array) => (v: number) => { for (let i = 0; i < 4; i++) a[id + i] = (v >>> (8 * i)) & 0xff; };
      reg(d + IPRIORITYR + id, bytes(this.priority), store(this.priority));
      // A uniprocessor GIC's targets read as CPU 0 and ignore writes (4.3.12).
      reg(d + ITARGETSR + id, () => (id >= 32 ? 0x0101_0101 : 0), () => {});
    }
    reg(c + GICC_CTLR, () => this.cctlr, (v) => { this.cctlr = v & (ENABLE_GRP0 | EOIMODE); });
    reg(c + PMR, () => this.pmr, (v) => { this.pmr = v & 0xff; });
    reg(c + BPR, () => this.bpr, (v) => { this.bpr = v & 7; });
    reg(c + IAR, () => this.acknowledge(), () => {});
    reg(c + EOIR, () => 0, (v) => this.endOfInterrupt(v & 0x3ff));
    reg(c + DIR, () => 0, (v) => this.deactivate(v & 0x3ff));
  }

  /** Drives interrupt `id`'s input (a PPI or SPI) to `level`. */
  setLine(id: number, level: boolean): void {
    const w = id >>> 5, bit = 1 << (id & 31);
    this.levels[w] = level ? this.levels[w] | bit : this.levels[w] & ~bit;
  }

  /** Whether the CPU's IRQ input is asserted. */
  get irq(): boolean {
    return this.best() !== GIC_SPURIOUS;
  }

  /** Whether `id` is enabled in the distributor. */
  isEnabled(id: number): boolean {
    return ((this.enabled[id >>> 5] >>> (id & 31)) & 1) === 1;
  }

  private pendingWord(w: number): number {
    return this.latched[w] | this.levels[w];
  }

  /** The interrupt IAR would return now. */
  private best(): number {
    if (!(this.dctlr & ENABLE_GRP0) || !(this.cctlr & ENABLE_GRP0)) return GIC_SPURIOUS;
    // Only a priority higher than the running one pre-empts (3.3).
    const running = this.running.length ? this.priority[this.running[this.running.length - 1]] : 0x100;
    let best = GIC_SPURIOUS, bestPriority = Math.min(this.pmr, running);
    for (let w = 0; w < this.enabled.length; w++) {
      const ready = this.pendingWord(w) & this.enabled[w] & ~this.active[w];
      if (!ready) continue;
      for (let b = 0; b < 32; b++) {
        const id = 32 * w + b;
        if ((ready >>> b) & 1 && this.priority[id] < bestPriority) {
          best = id;
          bestPriority = this.priority[id];
        }
      }
    }
    return best;
  }

  private acknowledge(): number {
    const id = this.best();
    if (id === GIC_SPURIOUS) return id;
    const w = id >>> 5, bit = 1 << (id & 31);
    this.active[w] |= bit;
    this.latched[w] &= ~bit;
    this.running.push(id);
    return id;
  }

  private endOfInterrupt(id: number): void {
    const i = this.running.lastIndexOf(id);
    if (i >= 0) this.running.splice(i, 1);
    if (!(this.cctlr & EOIMODE)) this.deactivate(id);
  }

  private deactivate(id: number): void {
    if (id < this.lines) this.active[id >>> 5] &= ~(1 << (id & 31));
  }
}
