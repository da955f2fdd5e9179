/**
 * The memory-mapped control frame of an ARM system counter (ARM Architecture Reference Manual
 * ARMv7-A/R, ARM DDI 0406C.d, D5 "System level implementation of the Generic Timer",
 * CNTControlBase): CNTCR 0x000 (EN bit 0, HDBG bit 1: halt on debug, FCREQ bits 17:8: the
 * frequency table entry to use, one bit per entry on the i.MX6UL), CNTSR 0x004, CNTCV 0x008/0x00C,
 * CNTFID0 0x020 (the base frequency). The counter feeds every CPU's generic timer (CNTPCT); the
 * i.MX6UL's (SCTR) sits at 0x021DC000, and nothing starts it before the boot ROM hands over.
 */
import { defineRegisters, ro, rw, type DeviceOptions } from "../../hal/register.ts";

/**
 * CNTCR, counter control. The frequency change request is one bit per frequency table entry on
 * the i.MX6UL's SCTR (i.MX6UL RM, SCTR_CNTCR: FCR0 bit 8, FCR1 bit 9).
 */
export enum CNTCR { EN = 1 << 0, HDBG = 1 << 1, FCR0 = 1 << 8, FCR1 = 1 << 9 }

export const SYSTEM_COUNTER_REGS = defineRegisters({
  CNTCR: rw<CNTCR>(0x000),
  CNTSR: ro(0x004),
  CNTCVL: rw(0x008),
  CNTCVU: rw(0x00c),
  CNTFID0: rw(0x020),
}, { name: "system counter" });

export type ArmSystemCounterRegisters = ReturnType<typeof SYSTEM_COUNTER_REGS.at>;

export type ArmSystemCounterOptions = DeviceOptions;

export class ArmSystemCounter {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ArmSystemCounterRegisters;

  constructor(options: ArmSystemCounterOptions) {
    this.base = options.base;
    this.registers = SYSTEM_COUNTER_REGS.at(options.base, options.bus);
  }

  /** Records `hz` as frequency 0 and starts the counter from it, halted while a debugger halts the CPU. */
  start(hz: number): void {
    if (!this.base) throw new Error("ArmSystemCounter: invalid base address");
    const r = this.registers;
    r.CNTFID0.write(hz);
    r.CNTCR.set(CNTCR.FCR0 | CNTCR.HDBG);
    r.CNTCR.set(CNTCR.EN);
  }
}
