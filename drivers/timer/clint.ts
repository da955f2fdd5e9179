/**
 * SiFive CLINT (Core-Local Interruptor), after the FU540-C000 Manual v1p0 chapter 9: per hart a
 * software interrupt bit (msip, 9.2) and a 64-bit timer compare (mtimecmp, 9.3), and one
 * free-running 64-bit counter (mtime) at the RTC clock. A hart's machine timer interrupt
 * (mip.MTIP) is pending while mtime >= its mtimecmp; it is a CPU-local interrupt, not a PLIC
 * line, so the arch's trap handler (hal/arch/riscv64) takes it, not a JS handler.
 */
import type { ClockSource } from "hal";
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

// Offsets, section 9.1 (memory map): msip at 4 * hart, mtimecmp at 0x4000 + 8 * hart.
const MSIP_OFFSET = 0x0000;
const MTIMECMP_OFFSET = 0x4000;
const MTIME_OFFSET = 0xbff8;

export const CLINT_MTIME_REGS = defineRegisters({
  MTIME_LO: register(0x0),
  MTIME_HI: register(0x4),
}, { name: "CLINT mtime" });

export const CLINT_HART_REGS = {
  MSIP: defineRegisters({ MSIP: register(0x0, { MSIP: field(0) }) }, { name: "CLINT msip" }),
  MTIMECMP: defineRegisters({ LO: register(0x0), HI: register(0x4) }, { name: "CLINT mtimecmp" }),
};

/** The FU540's RTC clock, which mtime counts (FU540-C000 Manual 9.1: rtcclk, 1 MHz). */
export const FU540_RTC_HZ = 1_000_000;

const TWO_32 = 0x1_0000_0000;
const TWO_53 = 2 ** 53;

export interface ClintOptions {
  readonly base: number;
  /** mtime's frequency (the SoC's RTC clock). */
  readonly hz: number;
  /** Harts whose registers exist (hart ids 0 .. harts-1). */
  readonly harts: number;
  readonly bus?: RegisterBus;
}

export class Clint {
  readonly base: number;
  readonly hz: number;
  readonly harts: number;
  private readonly bus?: RegisterBus;
  private mtime?: ReturnType<typeof CLINT_MTIME_REGS.at>;

  constructor(options: ClintOptions) {
    this.base = options.base;
    this.hz = options.hz;
    this.harts = options.harts;
    this.bus = options.bus;
  }

  /** mtime, in ticks of `hz` (exact below 2^53). */
  now(): number {
    const t = (this.mtime ??= CLINT_MTIME_REGS.at(this.checkedBase() + MTIME_OFFSET, this.bus));
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
    const c = CLINT_HART_REGS.MTIMECMP.at(this.hartAddress(hart, MTIMECMP_OFFSET, 8), this.bus);
    c.HI.write(0xffff_ffff);
    c.LO.write(deadline >>> 0);
    c.HI.write(Math.floor(deadline / TWO_32));
  }

  /** Raises (true) or clears `hart`'s machine software interrupt (msip, 9.2). */
  setSoftwareInterrupt(hart: number, raised: boolean): void {
    CLINT_HART_REGS.MSIP.at(this.hartAddress(hart, MSIP_OFFSET, 4), this.bus).MSIP.write(raised ? 1 : 0);
  }

  /** The event loop's clock for `hart`: mtime, with the hart's mtimecmp as the deadline. */
  clockSource(hart: number): ClockSource {
    const cmp = CLINT_HART_REGS.MTIMECMP.at(this.hartAddress(hart, MTIMECMP_OFFSET, 8), this.bus);
    const hi = cmp.HI, lo = cmp.LO;
    return {
      hz: this.hz,
      counter: { kind: "mmio64", address: this.checkedBase() + MTIME_OFFSET },
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

  private hartAddress(hart: number, offset: number, stride: number): number {
    if (!(Number.isInteger(hart) && hart >= 0 && hart < this.harts)) {
      throw new RangeError(`Clint: hart ${hart} does not exist (0..${this.harts - 1})`);
    }
    return this.checkedBase() + offset + stride * hart;
  }
}
