/**
 * The retransmission timeout of RFC 6298: smoothed RTT and variance from samples (section 2),
 * exponential backoff on expiry (section 5.5), bounds (sections 2.4, 2.5). Karn's rule (section 3)
 * is the caller's: only segments sent once give samples.
 */
export interface RtoBounds {
  /** RFC 6298 (2.4) says 1 s; a LAN-only firmware may choose less. */
  readonly minMs: number;
  /** RFC 6298 (2.5): at least 60 s. */
  readonly maxMs: number;
  /** Before any sample: 1 s (RFC 6298 (2.1)). */
  readonly initialMs: number;
}

/** Clock granularity G (RFC 6298 section 2): this stack's timers count milliseconds. */
const GRANULARITY_MS = 1;

export class RtoEstimator {
  private srtt = 0;
  private rttvar = 0;
  private hasSample = false;
  private base: number;
  private shift = 0;

  constructor(private readonly bounds: RtoBounds) {
    this.base = bounds.initialMs;
  }

  /** The current timeout, backoff included. */
  get rto(): number {
    return Math.min(this.bounds.maxMs, this.base * 2 ** this.shift);
  }

  get smoothedRtt(): number {
    return this.srtt;
  }

  /** One RTT measurement R in ms (RFC 6298 (2.2), (2.3)); clears backoff (section 5.7 note). */
  sample(r: number): void {
    if (!this.hasSample) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.hasSample = true;
    } else {
      // Beta = 1/4, alpha = 1/8; RTTVAR first, with the old SRTT (RFC 6298 (2.3)).
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const rto = this.srtt + Math.max(GRANULARITY_MS, 4 * this.rttvar);
    this.base = Math.min(this.bounds.maxMs, Math.max(this.bounds.minMs, rto));
    this.shift = 0;
  }

  /** The timer expired: double the timeout (RFC 6298 (5.5)), up to the maximum. */
  backoff(): void {
    if (this.base * 2 ** this.shift < this.bounds.maxMs) this.shift++;
  }
}
