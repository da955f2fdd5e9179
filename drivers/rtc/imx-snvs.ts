/**
 * i.MX Secure Non-Volatile Storage (SNVS) (i.MX6UL Reference Manual IMX6ULRM Rev. 1, chapter
 * "Secure Non-Volatile Storage (SNVS)"; i.MX6UL Security RM for the secure state machine): the
 * low-power secure real-time counter and the security state. SNVS_HP (high power): HPSR 0x14 with
 * SSM_STATE (bits 11:8). SNVS_LP: LPCR 0x38 with SRTC_ENV (bit 0, the counter runs), LPSRTCMR 0x50
 * (counter bits 46:32) and LPSRTCLR 0x54 (bits 31:0): a 47-bit counter at 32768 Hz, read until two
 * consecutive readings agree (the RM's advice for an asynchronously clocked counter).
 */
import { defineRegisters, fieldValue, ro, rw, type DeviceOptions } from "../../hal/register.ts";

/** SNVS_HPSR, HP status: the secure state machine's state. */
export enum HPSR { SSM_STATE = 0xf << 8 }
/** SNVS_LPCR, LP control: SRTC_ENV runs the secure real-time counter. */
export enum LPCR { SRTC_ENV = 1 << 0 }
/** SNVS_LPSRTCMR: the counter's 15 most significant bits. */
export enum LPSRTCMR { SRTC = 0x7fff }

export const SNVS_REGS = defineRegisters({
  HPSR: ro<HPSR>(0x14),
  LPCR: rw<LPCR>(0x38),
  LPSRTCMR: rw<LPSRTCMR>(0x50),
  LPSRTCLR: rw(0x54),
}, { name: "SNVS" });

export type ImxSnvsRegisters = ReturnType<typeof SNVS_REGS.at>;

const TICKS_PER_SECOND = 32768;
const MAX_READS = 8;

/** HPSR.SSM_STATE values (Security RM, "SNVS secure state machine"). */
const SSM_STATES: Record<number, string> = {
  0x0: "init",
  0x8: "init-intermediate",
  0x9: "check",
  0xb: "non-secure",
  0xd: "trusted",
  0xf: "secure",
  0x3: "soft-fail",
  0x1: "hard-fail",
};

export type ImxSnvsOptions = DeviceOptions;

export class ImxSnvs {
  readonly base: number;
  private readonly regs: ImxSnvsRegisters;

  constructor(options: ImxSnvsOptions) {
    this.base = options.base;
    this.regs = SNVS_REGS.at(options.base, options.bus);
  }

  /** Whether the secure real-time counter runs (LPCR.SRTC_ENV). */
  rtcRunning(): boolean {
    return (this.r().LPCR.read() & LPCR.SRTC_ENV) !== 0;
  }

  /** The secure real-time counter in 1/32768 s ticks (below 2^47, exact as a number). */
  rtcTicks(): number {
    const r = this.r();
    let last = -1;
    for (let i = 0; i < MAX_READS; i++) {
      const t = fieldValue(LPSRTCMR.SRTC, r.LPSRTCMR.read()) * 2 ** 32 + r.LPSRTCLR.read();
      if (t === last) return t;
      last = t;
    }
    throw new Error("ImxSnvs: the real-time counter did not read the same twice");
  }

  /** The counter as milliseconds (since whatever epoch set it; tsmetal takes the Unix epoch). */
  rtcMillis(): number {
    return Math.floor((this.rtcTicks() * 1000) / TICKS_PER_SECOND);
  }

  /** The secure state machine's state (HPSR.SSM_STATE), e.g. "trusted", "non-secure". */
  securityState(): string {
    const s = this.r().HPSR.get(HPSR.SSM_STATE);
    return SSM_STATES[s] ?? `unknown (${s})`;
  }

  private r(): ImxSnvsRegisters {
    if (!this.base) throw new Error("ImxSnvs: invalid base address");
    return this.regs;
  }
}
