/**
 * ARM generic timer (ARM Architecture Reference Manual ARMv7-A/R, ARM DDI 0406C.d, chapter B8 "The
 * Generic Timer"): a 64-bit system counter (CNTPCT) and per-CPU timers compared against it. It is
 * reached through CP15, not memory, so the loop clock is read and armed natively
 * (hal/arch/arm/arch.h, counter kind "cpu-timer"): this driver only names it and its interrupt.
 * The firmware runs in the Secure state, where CNTP_* are the Secure physical timer's registers,
 * whose interrupt is PPI 13, GIC ID 29 (Cortex-A7 MPCore TRM, "Generic Timer": nCNTPSIRQ).
 */
import type { CpuTimerClockSource } from "hal";

/** GIC ID of the Secure PL1 physical timer. */
export const GENERIC_TIMER_SECURE_PHYSICAL_PPI = 29;

export interface ArmGenericTimerOptions {
  /** Counter frequency; absent: CNTFRQ as the CPU reports it. */
  readonly hz?: number;
  /** The frequency when CNTFRQ reads 0 (no boot firmware set it). */
  readonly fallbackHz?: number;
}

export class ArmGenericTimer {
  readonly hz?: number;
  readonly fallbackHz?: number;
  /** The deadline's interrupt line (GIC ID). */
  readonly line = GENERIC_TIMER_SECURE_PHYSICAL_PPI;

  constructor(options: ArmGenericTimerOptions = {}) {
    this.hz = options.hz;
    this.fallbackHz = options.fallbackHz;
  }

  /** The event loop's clock: CNTPCT, with CNTP_CVAL as the deadline. */
  clockSource(): CpuTimerClockSource {
    const counter = { kind: "cpu-timer" } as const;
    if (this.hz !== undefined) return { hz: this.hz, counter };
    return this.fallbackHz === undefined ? { counter } : { fallbackHz: this.fallbackHz, counter };
  }
}
