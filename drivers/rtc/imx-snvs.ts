/**
 * i.MX Secure Non-Volatile Storage (SNVS) (i.MX6UL RM, chapter "Secure Non-Volatile Storage
 * (SNVS)"; i.MX6UL Security RM for the secure state machine): the low-power secure real-time
 * counter and the security state.
 * SNVS_HP (high power): HPSR 0x14 with SSM_STATE (bits 11:8). SNVS_LP: LPCR 0x38 with SRTC_ENV
 * (bit 0, the counter runs), LPSRTCMR 0x50 (counter bits 46:32) and LPSRTCLR 0x54 (bits 31:0): a
 * 47-bit counter at 32768 Hz, read until two consecutive readings agree (the RM's advice for an
 * asynchronously clocked counter).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const SNVS_REGS = defineRegisters({
  HPSR: register(0x14, { SSM_STATE: field(8, 4) }),
  LPCR: register(0x38, { SRTC_ENV: field(0) }),
  LPSRTCMR: register(0x50, { SRTC: field(0, 15) }),
  LPSRTCLR: register(0x54),
}, { name: "SNVS" });

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

export interface ImxSnvsOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class ImxSnvs {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof SNVS_REGS.at>;

  constructor(options: ImxSnvsOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** Whether the secure real-time counter runs (LPCR.SRTC_ENV). */
  rtcRunning(): boolean {
    return this.r().LPCR.SRTC_ENV.get() === 1;
  }

  /** The secure real-time counter in 1/32768 s ticks (below 2^47, exact as a number). */
  rtcTicks(): number {
    const r = this.r();
    let last = -1;
    for (let i = 0; i < MAX_READS; i++) {
      const t = (r.LPSRTCMR.read() & 0x7fff) * 2 ** 32 + r.LPSRTCLR.read();
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
    const s = this.r().HPSR.SSM_STATE.get();
    return SSM_STATES[s] ?? `unknown (${s})`;
  }

  private r() {
    if (!this.base) throw new Error("ImxSnvs: invalid base address");
    return (this.regs ??= SNVS_REGS.at(this.base, this.bus));
  }
}
