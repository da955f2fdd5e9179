/**
 * The BCM2836 per-core interrupt and timer block ("ARM local peripherals", BCM2836 QA7 rev 3.4,
 * at 0x40000000): routes the GPU's interrupt (the BCM2835-style controller) to one core, and holds
 * each core's timer and mailbox interrupt controls and interrupt sources.
 */
import { defineRegisters, fieldBits, ro, rw, type RegisterBus } from "../../hal/register.ts";

/** Control register (QA7 4.2): the core timer's clock and increment. */
export enum CONTROL { TIMER_SOURCE = 1 << 8, TIMER_INCREMENT = 1 << 9 }
/** GPU interrupt routing (QA7 4.5): the core that gets the GPU's IRQ and FIQ. */
export enum GPU_INT_ROUTING { IRQ_CORE = 3 << 0, FIQ_CORE = 3 << 2 }
/** Core timers interrupt control (QA7 4.6). */
export enum TIMER_INT_CONTROL { CNTPS_IRQ = 1 << 0, CNTPNS_IRQ = 1 << 1, CNTHP_IRQ = 1 << 2, CNTV_IRQ = 1 << 3 }
/** Core interrupt sources (QA7 4.10). */
export enum IRQ_SOURCE { CNTPS = 1 << 0, CNTPNS = 1 << 1, CNTHP = 1 << 2, CNTV = 1 << 3, GPU = 1 << 8, PMU = 1 << 9, LOCAL_TIMER = 1 << 11 }

/** QA7 section 4: register map (core-indexed registers at 4-byte strides). */
export const BCM2836_LOCAL_REGS = defineRegisters({
  CONTROL: rw<CONTROL>(0x00),
  CORE_TIMER_PRESCALER: rw(0x08),
  GPU_INT_ROUTING: rw<GPU_INT_ROUTING>(0x0c),
  CORE0_TIMER_INT_CONTROL: rw<TIMER_INT_CONTROL>(0x40),
  CORE0_MAILBOX_INT_CONTROL: rw(0x50),
  CORE0_IRQ_SOURCE: ro<IRQ_SOURCE>(0x60),
}, { name: "BCM2836 local" });

export type Bcm2836LocalRegisters = ReturnType<typeof BCM2836_LOCAL_REGS.at>;

export class Bcm2836Local {
  readonly base: number;
  private readonly regs: Bcm2836LocalRegisters;

  constructor(options: { readonly base: number; readonly bus?: RegisterBus }) {
    this.base = options.base;
    this.regs = BCM2836_LOCAL_REGS.at(options.base, options.bus);
  }

  /** The register block, for what this driver does not wrap. */
  get registers(): Bcm2836LocalRegisters {
    if (!this.base) throw new Error("Bcm2836Local: invalid base address");
    return this.regs;
  }

  /**
   * Sends the GPU's interrupts to `core`'s IRQ (QA7 4.5) and masks core 0's timer and mailbox
   * interrupts, which tsmetal does not use: its loop clock is the system timer, behind the GPU
   * interrupt.
   */
  init(core = 0): void {
    if (core >>> 0 !== core || core > 3) throw new RangeError(`Bcm2836Local: core ${core} does not exist (0..3)`);
    const r = this.registers;
    r.GPU_INT_ROUTING.write(fieldBits(GPU_INT_ROUTING.IRQ_CORE, core));
    r.CORE0_TIMER_INT_CONTROL.write(0);
    r.CORE0_MAILBOX_INT_CONTROL.write(0);
  }

  /** Whether core 0's IRQ is raised by the GPU's interrupt controller. */
  gpuPending(): boolean {
    return (this.registers.CORE0_IRQ_SOURCE.read() & IRQ_SOURCE.GPU) !== 0;
  }
}
