/**
 * The BCM2836 per-core interrupt and timer block ("ARM local peripherals", BCM2836 QA7 rev 3.4,
 * at 0x40000000): routes the GPU's interrupt (the BCM2835-style controller) to one core, and holds
 * each core's timer and mailbox interrupt controls and interrupt sources.
 */
import { defineRegisters, register, field, type RegisterBus } from "../../hal/register.ts";

/** QA7 section 4: register map (core-indexed registers at 4-byte strides). */
export const BCM2836_LOCAL_REGS = defineRegisters({
  CONTROL: register(0x00, { TIMER_INCREMENT: field(9), TIMER_SOURCE: field(8) }),
  CORE_TIMER_PRESCALER: register(0x08),
  GPU_INT_ROUTING: register(0x0c, { IRQ_CORE: field(0, 2), FIQ_CORE: field(2, 2) }),
  CORE0_TIMER_INT_CONTROL: register(0x40, { CNTPS_IRQ: field(0), CNTPNS_IRQ: field(1), CNTHP_IRQ: field(2), CNTV_IRQ: field(3) }),
  CORE0_MAILBOX_INT_CONTROL: register(0x50),
  CORE0_IRQ_SOURCE: register(0x60, { CNTPS: field(0), CNTPNS: field(1), CNTHP: field(2), CNTV: field(3), GPU: field(8), PMU: field(9), LOCAL_TIMER: field(11) }),
}, { name: "BCM2836 local" });

export type Bcm2836LocalRegisters = ReturnType<typeof BCM2836_LOCAL_REGS.at>;

export class Bcm2836Local {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private regs?: Bcm2836LocalRegisters;

  constructor(options: { readonly base: number; readonly bus?: RegisterBus }) {
    this.base = options.base;
    this.bus = options.bus;
  }

  get registers(): Bcm2836LocalRegisters {
    if (!this.base) throw new Error("Bcm2836Local: invalid base address");
    return (this.regs ??= BCM2836_LOCAL_REGS.at(this.base, this.bus));
  }

  /**
   * Sends the GPU's interrupts to `core`'s IRQ (QA7 4.5) and masks core 0's timer and mailbox
   * interrupts, which tsmetal does not use: its loop clock is the system timer, behind the GPU
   * interrupt.
   */
  init(core = 0): void {
    if (core >>> 0 !== core || core > 3) throw new RangeError(`Bcm2836Local: core ${core} does not exist (0..3)`);
    const r = this.registers;
    r.GPU_INT_ROUTING.write(core);
    r.CORE0_TIMER_INT_CONTROL.write(0);
    r.CORE0_MAILBOX_INT_CONTROL.write(0);
  }

  /** Whether core 0's IRQ is raised by the GPU's interrupt controller. */
  gpuPending(): boolean {
    return this.registers.CORE0_IRQ_SOURCE.GPU.get() !== 0;
  }
}
