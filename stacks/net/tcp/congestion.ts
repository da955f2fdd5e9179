/**
 * Congestion control of one connection: slow start and congestion avoidance (RFC 5681 section
 * 3.1), limited transmit (RFC 3042, which RFC 5681 section 3.2 step 1 asks for), fast retransmit
 * and fast recovery (section 3.2) with NewReno's handling of partial acknowledgments (RFC 6582
 * section 3.2), and the loss window after a timeout (RFC 5681 (4)).
 * The connection feeds it ACKs and timeouts and asks it for the window; sequence numbers are
 * the connection's.
 */
import { seqGe, seqLt } from "./sequence.ts";

export class NewReno {
  /** The congestion window, in bytes. */
  cwnd = 0;
  /** Slow start threshold: "arbitrarily high" at first (RFC 5681 section 3.1). */
  ssthresh = 65535;
  private dupAcks = 0;
  private inRecovery = false;
  /** Highest sequence number sent when recovery (or a timeout) began (RFC 6582 "recover"). */
  private recover: number;
  private mss = 536;
  /** SND.MAX at the first duplicate ACK: what was in flight before limited transmit added to it. */
  private maxAtFirstDup = 0;

  constructor(
    iss: number,
    /** cwnd never exceeds this: more than could ever be in flight is meaningless. */
    private readonly maxCwnd: number,
  ) {
    this.recover = iss;
  }

  /** Sets the sender MSS and, from it, the initial window (RFC 5681 section 3.1, equation 3). */
  start(mss: number): void {
    this.mss = mss;
    this.cwnd = mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
  }

  /**
   * New data acknowledged: `acked` bytes, with `flight` bytes outstanding before the ACK and
   * SND.UNA now `sndUna`. Returns true for a partial ACK during recovery: the next hole is lost
   * as well and is to be resent at once (RFC 6582 section 3.2 step 3).
   */
  onNewAck(sndUna: number, acked: number, flight: number): boolean {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (seqGe(sndUna, this.recover)) {
        // Full acknowledgment: deflate the window.
        this.inRecovery = false;
        this.cwnd = Math.min(this.ssthresh, Math.max(flight - acked, this.mss) + this.mss);
        return false;
      }
      this.cwnd = Math.max(this.mss, this.cwnd - acked + this.mss);
      return true;
    }
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, this.mss);
    else this.cwnd += Math.max(1, Math.floor((this.mss * this.mss) / this.cwnd));
    this.cwnd = Math.min(this.cwnd, this.maxCwnd);
    return false;
  }

  /**
   * A duplicate ACK (RFC 5681 section 2). Returns true on the third one outside recovery: fast
   * retransmit the segment at SND.UNA now.
   */
  onDuplicateAck(sndUna: number, sndMax: number): boolean {
    this.dupAcks++;
    if (this.dupAcks === 1) this.maxAtFirstDup = sndMax;
    if (this.inRecovery) {
      // Each further duplicate means a segment left the network: inflate (section 3.2 step 4).
      this.cwnd = Math.min(this.cwnd + this.mss, this.maxCwnd + 3 * this.mss);
      return false;
    }
    if (this.dupAcks !== 3) return false;
    // RFC 6582 section 3.2 step 2: not again for losses in the window already recovered.
    if (seqLt(sndUna, this.recover)) return false;
    // Segments sent by limited transmit are not counted in FlightSize (RFC 5681 3.2 step 2).
    const flight = (this.maxAtFirstDup - sndUna) >>> 0;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.recover = sndMax;
    this.inRecovery = true;
    this.cwnd = this.ssthresh + 3 * this.mss;
    return true;
  }

  /**
   * Limited transmit (RFC 3042 section 2): the first and the second duplicate ACK outside recovery
   * each let one segment of new data go beyond cwnd (which does not change), so that a window too
   * small to bring three duplicates after a loss still does: fast retransmit, not a timeout.
   * Bytes of previously unsent data that may go beyond cwnd now.
   */
  get limitedTransmit(): number {
    return this.inRecovery ? 0 : Math.min(this.dupAcks, 2) * this.mss;
  }

  /** The retransmission timer expired (RFC 5681 equations 4 and (4)'s loss window). */
  onTimeout(sndUna: number, sndMax: number): void {
    const flight = (sndMax - sndUna) >>> 0;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.cwnd = this.mss;
    this.inRecovery = false;
    this.dupAcks = 0;
    this.recover = sndMax;
  }
}
