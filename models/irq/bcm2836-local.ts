/**
 * Register-level model of the BCM2836 per-core interrupt block (BCM2836 QA7 rev 3.4, section 4):
 * the GPU interrupt routing, the cores' timer and mailbox interrupt controls, and each core's
 * read-only IRQ source register, whose GPU bit (8) shows the BCM2835-style controller's output on
 * the core it is routed to. Offsets are written out from QA7, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

const CONTROL = 0x00, PRESCALER = 0x08, GPU_ROUTING = 0x0c;
const TIMER_CONTROL = 0x40, MAILBOX_CONTROL = 0x50, IRQ_SOURCE = 0x60;
const SOURCE_GPU = 1 << 8;

export interface Bcm2836LocalModelOptions {
  /** The GPU interrupt controller's IRQ output (the BCM2835-style controller). */
  readonly gpuIrq?: () => boolean;
}

export class Bcm2836LocalModel {
  control = 0;
  prescaler = 0;
  /** GPU_INT_ROUTING: bits 1:0 the core that gets the GPU IRQ, bits 3:2 the one that gets FIQ. */
  routing = 0;
  readonly timerControl = [0, 0, 0, 0];
  readonly mailboxControl = [0, 0, 0, 0];
  private readonly gpuIrq: () => boolean;

  constructor(bus: MemoryBus, base: number, options: Bcm2836LocalModelOptions = {}) {
    this.gpuIrq = options.gpuIrq ?? (() => false);
    const rw = (off: number, get: () => number, set: (v: number) => void) => {
      bus.onRead(base + off, get);
      bus.onWrite(base + off, set);
    };
    rw(CONTROL, () => this.control, (v) => { this.control = v & 0x300; });
    rw(PRESCALER, () => this.prescaler, (v) => { this.prescaler = v; });
    rw(GPU_ROUTING, () => this.routing, (v) => { this.routing = v & 0xf; });
    for (let core = 0; core < 4; core++) {
      rw(TIMER_CONTROL + 4 * core, () => this.timerControl[core], (v) => { this.timerControl[core] = v & 0xff; });
      rw(MAILBOX_CONTROL + 4 * core, () => this.mailboxControl[core], (v) => { this.mailboxControl[core] = v & 0xff; });
      // Read-only: with the read hooked and writes ignored, storage is never seen.
      rw(IRQ_SOURCE + 4 * core, () => this.irqSource(core), () => {});
    }
  }

  /** Core `core`'s IRQ source register: the GPU bit when the GPU IRQ is routed there and raised. */
  irqSource(core: number): number {
    return (this.routing & 3) === core && this.gpuIrq() ? SOURCE_GPU : 0;
  }

  /** Whether core `core`'s IRQ line is raised (only the GPU source is modelled). */
  irq(core: number): boolean {
    return this.irqSource(core) !== 0;
  }
}
