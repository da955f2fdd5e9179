/**
 * The memory-mapped control frame of an ARM system counter (ARM ARM v7-A/R, D5 "System level
 * implementation of the Generic Timer", CNTControlBase): CNTCR 0x000 (EN bit 0, HDBG bit 1: halt
 * on debug, FCREQ bits 17:8: the frequency table entry to use), CNTSR 0x004, CNTCV 0x008/0x00C,
 * CNTFID0 0x020 (the base frequency). The counter feeds every CPU's generic timer (CNTPCT); the
 * i.MX6UL's (SCTR) sits at 0x021DC000, and nothing starts it before the boot ROM hands over.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const SYSTEM_COUNTER_REGS = defineRegisters({
  CNTCR: register(0x000, { EN: field(0), HDBG: field(1), FCREQ: field(8, 10) }),
  CNTSR: register(0x004),
  CNTCVL: register(0x008),
  CNTCVU: register(0x00c),
  CNTFID0: register(0x020),
}, { name: "system counter" });

const CNTCR_EN = 1 << 0, CNTCR_HDBG = 1 << 1, CNTCR_FCREQ0 = 1 << 8;

export interface ArmSystemCounterOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class ArmSystemCounter {
  readonly base: number;
  private readonly bus?: RegisterBus;

  constructor(options: ArmSystemCounterOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** Records `hz` as frequency 0 and starts the counter from it, halted while a debugger halts the CPU. */
  start(hz: number): void {
    if (!this.base) throw new Error("ArmSystemCounter: invalid base address");
    const r = SYSTEM_COUNTER_REGS.at(this.base, this.bus);
    r.CNTFID0.write(hz);
    r.CNTCR.set(CNTCR_FCREQ0 | CNTCR_HDBG);
    r.CNTCR.set(CNTCR_EN);
  }
}
