/**
 * SiFive CLINT (Core-Local Interruptor), after the FU540-C000 Manual v1p0 chapter 9: per hart a
 * software interrupt bit (msip, 9.2) and a 64-bit timer compare (mtimecmp, 9.3), and one
 * free-running 64-bit counter (mtime) at the RTC clock. A hart's machine timer interrupt
 * (mip.MTIP) is pending while mtime >= its mtimecmp; it is a CPU-local interrupt, not a PLIC
 * line, so the arch's trap handler (hal/arch/riscv64) takes it, not a JS handler.
 */
import type { ClockSource } from "hal";
import { array, defineRegisters, rw, type DeviceOptions } from "../../hal/register.ts";

/** msip (9.2): only bit 0 exists. */
export enum MSIP { MSIP = 1 << 0 }

/** The CLINT's memory map (9.1): per hart an msip word and a 64-bit mtimecmp, and one mtime. */
export const CLINT_REGS = defineRegisters({
  MSIP: array(rw<MSIP>(0x0000), 4095),
  MTIMECMP_LO: array(rw(0x4000), 4095, 8),
  MTIMECMP_HI: array(rw(0x4004), 4095, 8),
  MTIME_LO: rw(0xbff8),
  MTIME_HI: rw(0xbffc),
}, { name: "CLINT" });

export type ClintRegisters = ReturnType<typeof CLINT_REGS.at>;

/** The FU540's RTC clock, which mtime counts (FU540-C000 Manual 9.1: rtcclk, 1 MHz). */
export const FU540_RTC_HZ = 1_000_000;

const TWO_32 = 0x1_0000_0000;
const TWO_53 = 2 ** 53;

export interface ClintOptions extends DeviceOptions {
  /** mtime's frequency (the SoC's RTC clock). */
  readonly hz: number;
  /** Harts whose registers exist (hart ids 0 .. harts-1). */
  readonly harts: number;
}

export class Clint {
  readonly base: number;
  readonly hz: number;
  readonly harts: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ClintRegisters;

  constructor(options: ClintOptions) {
    this.base = options.base;
    this.hz = options.hz;
    this.harts = options.harts;
    this.registers = CLINT_REGS.at(options.base, options.bus);
  }

  /** mtime, in ticks of `hz` (exact below 2^53). */
  now(): number {
    this.checkedBase();
    const t = this.registers;
    // High, low, high: a carry between the reads changes the high word, and the low is read again.
    const hi = t.MTIME_HI.read();
    let lo = t.MTIME_LO.read();
    const hi2 = t.MTIME_HI.read();
    if (hi2 !== hi) lo = t.MTIME_LO.read();
    return hi2 * TWO_32 + lo;
  }

  /**
   * Sets `hart`'s mtimecmp to `deadline` (an integer below 2^53). The high word is first set to
   * all ones so that no intermediate value is below mtime (privileged spec 3.2.1's sequence for
   * 32-bit writes); writing mtimecmp clears a pending timer interrupt if the new value is ahead.
   */
  setCompare(hart: number, deadline: number): void {
    if (!(deadline >= 0 && deadline < TWO_53) || deadline !== Math.floor(deadline)) {
      throw new RangeError(`Clint: deadline ${deadline} is not a counter value`);
    }
    this.checkHart(hart);
    const hi = this.registers.MTIMECMP_HI.at(hart);
    hi.write(0xffff_ffff);
    this.registers.MTIMECMP_LO.at(hart).write(deadline >>> 0);
    hi.write(Math.floor(deadline / TWO_32));
  }

  /** Raises (true) or clears `hart`'s machine software interrupt (msip, 9.2). */
  setSoftwareInterrupt(hart: number, raised: boolean): void {
    this.checkHart(hart);
    this.registers.MSIP.at(hart).write(raised ? MSIP.MSIP : 0);
  }

  /** The event loop's clock for `hart`: mtime, with the hart's mtimecmp as the deadline. */
  clockSource(hart: number): ClockSource {
    this.checkHart(hart);
    const hi = this.registers.MTIMECMP_HI.at(hart), lo = this.registers.MTIMECMP_LO.at(hart);
    return {
      hz: this.hz,
      counter: { kind: "mmio64", address: this.registers.MTIME_LO.addr },
      // The loop passes integers below 2^53 (hal.d.ts ClockSource.arm); this runs before every sleep.
      arm: (deadline: number) => {
        hi.write(0xffff_ffff);
        lo.write(deadline >>> 0);
        hi.write((deadline - (deadline >>> 0)) / TWO_32);
      },
    };
  }

  private checkedBase(): number {
    if (!this.base) throw new Error("Clint: invalid base address");
    return this.base;
  }

  private checkHart(hart: number): void {
    if (!(Number.isInteger(hart) && hart >= 0 && hart < this.harts)) {
      throw new RangeError(`Clint: hart ${hart} does not exist (0..${this.harts - 1})`);
    }
    this.checkedBase();
  }
}
