/**
 * One TCP connection: the state machine of RFC 9293 section 3.10 with the RFC 6298 retransmission
 * timer, congestion control (congestion.ts: RFC 5681 with fast retransmit and NewReno's fast
 * recovery, RFC 6582), delayed ACKs (RFC 1122 section 4.2.3.2), zero-window probing (RFC
 * 9293 section 3.8.6.1), silly-window avoidance on both sides (section 3.8.6.2), Nagle's
 * algorithm (section 3.7.4), the RFC 5961 checks against blind resets and SYNs, TIME_WAIT and
 * keepalive (section 3.8.4).
 */
import type { Counters } from "../counters.ts";
import { Timer, type Clock, type TimerScheduler } from "../time.ts";
import { ByteQueue } from "./byte-queue.ts";
import { NewReno } from "./congestion.ts";
import type { TcpOptions } from "./options.ts";
import { Reassembly } from "./reassembly.ts";
import { RtoEstimator } from "./rto.ts";
import { ACK, FIN, PSH, RST, SYN, segmentLength, type TcpHeaderFields, type TcpSegment } from "./segment.ts";
// In the per-segment paths (read, segmentArrives, processAck, receiveText, deliver, output,
// advertise) the modular arithmetic of sequence.ts is written out, `(a - b) | 0` for a signed
// distance compared with 0 and `(a + n) >>> 0` for a sum: a function call costs QuickJS more than
// the arithmetic, a dozen times a segment. Elsewhere the named helpers say it more plainly.
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "./sequence.ts";

export type TcpState =
  | "SYN_SENT"
  | "SYN_RECEIVED"
  | "ESTABLISHED"
  | "FIN_WAIT_1"
  | "FIN_WAIT_2"
  | "CLOSE_WAIT"
  | "CLOSING"
  | "LAST_ACK"
  | "TIME_WAIT"
  | "CLOSED";

/** Why a connection ended, as onClose reports it. */
export type TcpCloseReason = "closed" | "reset" | "refused" | "timeout" | "aborted";

/** What the application hears. Every callback is optional. */
export interface TcpEvents {
  /** The connection is established (active open). */
  onConnect?(): void;
  /** Bytes wait to be read; `available` is how many. */
  onReadable?(available: number): void;
  /** Send buffer space was freed; `free` is how many bytes write() now takes. */
  onWritable?(free: number): void;
  /** The peer closed its direction (FIN): every byte before it is readable, no more will come. */
  onEnd?(): void;
  /** The connection is over, once; read() still returns what was received before. */
  onClose?(reason: TcpCloseReason): void;
}

/** What a connection needs from the TCP layer. */
export interface TcpHost {
  readonly options: TcpOptions;
  readonly counters: Counters;
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  /** Sends a segment to the connection's peer; `fill` writes `payloadLength` bytes of data. */
  transmit(conn: TcpConnection, h: TcpHeaderFields, payloadLength: number, fill: ((buf: Uint8Array, offset: number) => void) | null): boolean;
  /** The largest segment the link carries (MTU - 40). */
  readonly linkMss: number;
  /** The connection reached ESTABLISHED from a passive open. */
  established(conn: TcpConnection): void;
  /** The connection is CLOSED: forget it. */
  remove(conn: TcpConnection): void;
}

export interface TcpConnectionOptions {
  /** Send small segments at once rather than waiting for outstanding data to be acknowledged (Nagle off). */
  readonly noDelay?: boolean;
  /** Probe an idle connection (RFC 9293 section 3.8.4); off by default. */
  readonly keepAlive?: boolean;
}

/** RFC 9293 section 3.7.1 / RFC 1122 section 4.2.2.6: without the option, 536. */
const DEFAULT_MSS = 536;

export class TcpConnection {
  events: TcpEvents = {};
  private st: TcpState;
  private closeReported = false;

  // Send sequence variables (RFC 9293 section 3.3.1).
  private iss: number;
  private sndUna: number;
  private sndNxt: number;
  /** Highest sequence number sent (sndNxt moves back on a timeout). */
  private sndMax: number;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private maxSndWnd = 0;
  /** Sequence number of the send buffer's first byte. */
  private bufSeq: number;
  private readonly sendBuf: ByteQueue;
  /** close() was called: a FIN follows the last byte. */
  private finQueued = false;
  private finAcked = false;
  /** An ACK freed send buffer space: onWritable is due. */
  private roomFreed = false;

  // Receive sequence variables.
  private rcvNxt = 0;
  /** The right edge of the window last advertised (it never moves left: RFC 9293 3.8.6.2.1). */
  private rcvAdv = 0;
  private readonly recvBuf: ByteQueue;
  private readonly ooo: Reassembly;
  private finReceived = false;

  /** The peer's MSS, capped by the link's (send side). */
  private mss: number;

  private readonly cc: NewReno;

  // Round-trip timing: one segment at a time, never a retransmitted one (Karn, RFC 6298 3).
  private readonly rto: RtoEstimator;
  private timing = false;
  private rttSeq = 0;
  private rttStart = 0;
  private retransmits = 0;

  private readonly rtxTimer: Timer;
  private readonly persistTimer: Timer;
  private persistShift = 0;
  /** Zero-window probes sent since the peer last sent anything. */
  private persistProbes = 0;
  private readonly delAckTimer: Timer;
  private unackedSegments = 0;
  private readonly keepAliveTimer: Timer;
  private keepAliveProbes = 0;
  private readonly stateTimer: Timer;

  /** Nagle off; may be changed at any time, as TCP_NODELAY can (an accepted socket's ECMA-419 `nodelay`). */
  noDelay: boolean;
  readonly keepAlive: boolean;

  constructor(
    private readonly host: TcpHost,
    readonly localPort: number,
    readonly remoteAddress: number,
    readonly remotePort: number,
    iss: number,
    options: TcpConnectionOptions,
    /** Whether the connection came from a listener (a passive open). */
    readonly passive: boolean,
  ) {
    const o = host.options;
    this.st = passive ? "SYN_RECEIVED" : "SYN_SENT";
    this.iss = iss >>> 0;
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.sndMax = this.iss;
    this.bufSeq = seqAdd(this.iss, 1);
    this.sendBuf = new ByteQueue(o.sendBufferBytes);
    this.recvBuf = new ByteQueue(o.receiveBufferBytes);
    this.ooo = new Reassembly(o.outOfOrderBytes);
    this.mss = Math.min(DEFAULT_MSS, host.linkMss);
    this.cc = new NewReno(this.iss, o.sendBufferBytes + 2 * host.linkMss);
    this.rto = new RtoEstimator({ minMs: o.minRtoMs, maxMs: o.maxRtoMs, initialMs: Math.max(o.minRtoMs, Math.min(1000, o.maxRtoMs)) });
    // With the clock: restarted by each ACK, re-armed only when it fires early (time.ts).
    this.rtxTimer = new Timer(host.timers, () => this.onRetransmitTimeout(), host.clock);
    this.persistTimer = new Timer(host.timers, () => this.onPersistTimeout());
    this.delAckTimer = new Timer(host.timers, () => this.sendAck());
    this.keepAliveTimer = new Timer(host.timers, () => this.onKeepAliveTimeout(), host.clock);
    this.stateTimer = new Timer(host.timers, () => this.onStateTimeout());
    this.noDelay = options.noDelay ?? false;
    this.keepAlive = options.keepAlive ?? false;
  }

  get state(): TcpState {
    return this.st;
  }

  /** Bytes waiting to be read. */
  get readable(): number {
    return this.recvBuf.length;
  }

  /** Bytes write() takes now. */
  get writable(): number {
    return this.canWrite() ? this.sendBuf.free : 0;
  }

  /** The current retransmission timeout in ms (for diagnostics and tests). */
  get retransmissionTimeout(): number {
    return this.rto.rto;
  }

  get congestionWindow(): number {
    return this.cc.cwnd;
  }

  /**
   * Queues bytes to send; returns how many were taken (fewer than given when the send buffer is
   * full: wait for onWritable). Throws once the connection is closed for writing.
   */
  write(data: Uint8Array): number {
    if (!this.canWrite()) throw new Error(`TCP connection cannot be written in state ${this.st}${this.finQueued ? " after close()" : ""}`);
    const n = this.sendBuf.push(data);
    if (n > 0) this.output();
    return n;
  }

  /** Takes up to `max` received bytes (all by default); an empty array when none wait. */
  read(max = Infinity): Uint8Array {
    if (!(max >= 0)) throw new RangeError(`read() takes a byte count of 0 or more, not ${max}`);
    const out = this.recvBuf.take(max);
    if (out.length > 0 && this.synchronized() && !this.finReceived) {
      // A window update when reading opened the window enough (RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3).
      const offered = Math.max(0, ((this.rcvAdv - this.rcvNxt) | 0));
      if (this.recvBuf.free - offered >= this.receiveSwsThreshold()) this.sendAck();
    }
    return out;
  }

  /** Orderly close (RFC 9293 section 3.10.4): a FIN follows the data already written. */
  close(): void {
    switch (this.st) {
      case "SYN_SENT":
        this.terminate("closed");
        return;
      case "SYN_RECEIVED":
        // Sent once established (RFC 9293 3.10.4: "queue for processing after entering ESTABLISHED").
        this.finQueued = true;
        return;
      case "ESTABLISHED":
        this.finQueued = true;
        this.st = "FIN_WAIT_1";
        this.output();
        return;
      case "CLOSE_WAIT":
        this.finQueued = true;
        this.st = "LAST_ACK";
        this.output();
        return;
      default:
        return;
    }
  }

  /** Abortive close (RFC 9293 section 3.10.5): a RST, and the connection is gone at once. */
  abort(): void {
    if (this.st === "CLOSED") return;
    if (this.synchronized() || this.st === "SYN_RECEIVED") {
      this.transmitSegment(RST | ACK, this.sndNxt, 0, 0);
    }
    this.terminate("aborted");
  }

  // ---- Opening ---------------------------------------------------------------------------

  /** Active open (RFC 9293 3.10.1): send the SYN. */
  open(): void {
    this.sendSyn();
  }

  /** Passive open: the listener's SYN (RFC 9293 3.10.7.2); answer with SYN-ACK. */
  acceptSyn(seg: TcpSegment): void {
    this.takeSyn(seg, this.iss);
    this.sendSyn();
  }

  /**
   * The peer's SYN (RFC 9293 3.10.7.2, 3.10.7.3): its sequence number starts what we receive, its
   * MSS option and window bound what we send; `wl2` is the acknowledgment the window counts from.
   */
  private takeSyn(seg: TcpSegment, wl2: number): void {
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdv = seqAdd(this.rcvNxt, this.recvBuf.capacity);
    // An MSS option below 64 is nonsense (and a known DoS lever); use the default then.
    const peer = seg.mss !== null && seg.mss >= 64 ? seg.mss : DEFAULT_MSS;
    this.mss = Math.min(peer, this.host.linkMss);
    this.cc.start(this.mss);
    this.sndWnd = seg.window;
    this.maxSndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = wl2;
  }

  private sendSyn(): void {
    const flags = this.st === "SYN_SENT" ? SYN : SYN | ACK;
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = this.sndNxt;
    this.host.transmit(this, { ...this.header(flags, this.iss), mss: this.host.linkMss }, 0, null);
    this.rtxTimer.start(this.rto.rto);
    if (!this.timing && this.retransmits === 0) this.startTiming(this.iss);
  }

  // ---- Segment arrival (RFC 9293 section 3.10.7) ---------------------------------------------

  segmentArrives(arrived: TcpSegment): void {
    let seg = arrived;
    if (this.st === "SYN_SENT") {
      this.synSentArrives(seg);
      return;
    }
    if (this.keepAlive && this.synchronized()) this.restartKeepAlive();
    this.persistProbes = 0;
    if (this.st === "SYN_RECEIVED" && seg.flags & SYN && !(seg.flags & RST) && seg.seq === seqAdd(this.rcvNxt, -1)) {
      if (!(seg.flags & ACK)) {
        // The peer retransmitted its SYN: our SYN-ACK was lost; send it again (RFC 9293
        // 3.10.7.4 would see a duplicate below the window and only ACK it).
        this.host.counters.add("tcp_syn_retransmitted_by_peer");
        this.timing = false;
        this.sendSyn();
        return;
      }
      // Simultaneous open (RFC 9293 figure 7): the peer's SYN-ACK repeats its SYN and
      // acknowledges ours; what counts is the ACK, at RCV.NXT.
      seg = { ...seg, seq: this.rcvNxt, flags: seg.flags & ~SYN };
    }
    const len = segmentLength(seg);
    const wnd = Math.max(0, ((this.rcvAdv - this.rcvNxt) | 0));
    // First, check the sequence number (3.10.7.4 table).
    let acceptable: boolean;
    if (len === 0) acceptable = wnd === 0 ? seg.seq === this.rcvNxt : this.inWindow(seg.seq, wnd);
    else acceptable = wnd > 0 && (this.inWindow(seg.seq, wnd) || this.inWindow(((seg.seq + len - 1) >>> 0), wnd));
    // A bare FIN at RCV.NXT needs no buffer space: taken even by a zero window (as BSD does), so
    // that a peer's close is not held up by a reader that is slow. So is a FIN at RCV.NXT after
    // data already received (a retransmission that joined the last data and the FIN): trimmed
    // (seventh check), it is that bare FIN.
    if (!acceptable && wnd === 0 && seg.flags & FIN && ((seg.seq + seg.payload.length) >>> 0) === this.rcvNxt) acceptable = true;
    // A zero window still takes valid ACKs and RSTs (3.10.7.4 "special allowance"): such a
    // segment at RCV.NXT goes on with its data cut off.
    const zeroWindowProbe = !acceptable && wnd === 0 && len > 0 && seg.seq === this.rcvNxt;
    // A segment whose whole sequence space (its FIN included) was received already and that ends
    // exactly at RCV.NXT: trimmed as 3.10.7.4 says ("trimming off any portions that lie outside
    // the window (including SYN and FIN)"), it is an empty segment at RCV.NXT, and its ACK counts.
    // A BSD peer (slirp) in CLOSING or LAST_ACK resends its FIN, SEG.SEQ = RCV.NXT - 1, with each
    // ACK: dropped, the ACK of our FIN in a simultaneous close (RFC 9293 3.6, figure 13) was lost
    // and our FIN waited for a retransmission timeout.
    const duplicate = !acceptable && len > 0 && !(seg.flags & (SYN | RST)) && ((seg.seq + len) >>> 0) === this.rcvNxt;
    if (duplicate) {
      // Its text is not taken, but it is answered as an unacceptable segment is (first check: the
      // peer missed our ACK), before its ACK may end the connection (LAST_ACK); a FIN resent in
      // TIME_WAIT restarts the 2 MSL wait (eighth check, TIME-WAIT: "Acknowledge it, and restart
      // the 2 MSL timeout").
      this.host.counters.add("tcp_duplicate_segment");
      this.sendAck();
      if (this.st === "TIME_WAIT" && seg.flags & FIN) this.restartTimeWait();
    }
    if (!acceptable && !zeroWindowProbe && !duplicate) {
      if (this.st === "TIME_WAIT" && seg.flags & FIN) this.restartTimeWait();
      if (!(seg.flags & RST)) {
        this.host.counters.add("tcp_out_of_window");
        this.sendAck();
      } else this.host.counters.add("tcp_rst_out_of_window");
      return;
    }
    // Second, RST (RFC 5961 section 3.2): exactly RCV.NXT resets, elsewhere in the window earns
    // a challenge ACK.
    if (seg.flags & RST) {
      if (seg.seq !== this.rcvNxt) {
        this.host.counters.add("tcp_rst_challenged");
        this.sendAck();
        return;
      }
      this.host.counters.add("tcp_reset_received");
      if (this.st === "SYN_RECEIVED" && this.passive) {
        // Back to LISTEN (3.10.7.4): for a listener that is: forget this embryonic connection.
        this.terminate("reset", false);
      } else this.terminate(this.st === "SYN_RECEIVED" ? "refused" : "reset");
      return;
    }
    // Fourth, SYN in a synchronized state (RFC 5961 section 4.2): challenge ACK, drop.
    if (seg.flags & SYN) {
      this.host.counters.add("tcp_syn_challenged");
      this.sendAck();
      return;
    }
    // Fifth, the ACK field.
    if (!(seg.flags & ACK)) {
      this.host.counters.add("tcp_no_ack");
      return;
    }
    if (this.st === "SYN_RECEIVED") {
      if (((seg.ack - this.sndUna) | 0) > 0 && ((seg.ack - this.sndMax) | 0) <= 0) {
        this.st = "ESTABLISHED";
        this.sndWnd = seg.window;
        this.maxSndWnd = Math.max(this.maxSndWnd, seg.window);
        this.sndWl1 = seg.seq;
        this.sndWl2 = seg.ack;
        this.processAck(seg);
        if (this.keepAlive) this.restartKeepAlive();
        // A passive open is handed to its listener; an active one (simultaneous open, RFC 9293
        // figure 7) tells its own app.
        if (this.passive) this.host.established(this);
        else this.events.onConnect?.();
        if (this.st === "ESTABLISHED" && this.finQueued) this.st = "FIN_WAIT_1";
      } else {
        this.host.counters.add("tcp_bad_ack");
        this.transmitRaw(RST, seg.ack, 0);
        return;
      }
    } else if (!this.acceptAck(seg)) return;
    if ((this.st as TcpState) === "CLOSED") return;
    // Seventh, the segment text.
    if (!duplicate && (seg.payload.length > 0 || seg.flags & FIN)) this.receiveText(seg, zeroWindowProbe);
    if (this.st !== "CLOSED") this.output();
    // Told last, once the segment is fully processed, so that what the app does in the callback
    // (write, close, abort) meets a consistent connection.
    if (this.roomFreed) {
      this.roomFreed = false;
      if (this.canWrite()) this.events.onWritable?.(this.sendBuf.free);
    }
  }

  /** RCV.NXT =< seq < RCV.NXT + wnd, for wnd < 2^31, as one distance (no seq* calls: QuickJS). */
  private inWindow(seq: number, wnd: number): boolean {
    const d = (seq - this.rcvNxt) | 0;
    return d >= 0 && d < wnd;
  }

  /** 3.10.7.3: a segment in SYN_SENT. */
  private synSentArrives(seg: TcpSegment): void {
    const hasAck = (seg.flags & ACK) !== 0;
    if (hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      this.host.counters.add("tcp_bad_ack");
      if (!(seg.flags & RST)) this.transmitRaw(RST, seg.ack, 0);
      return;
    }
    if (seg.flags & RST) {
      // Acceptable only with an ACK of our SYN (RFC 5961 section 3.2 keeps this rule).
      if (hasAck) {
        this.host.counters.add("tcp_connection_refused");
        this.terminate("refused");
      }
      return;
    }
    if (!(seg.flags & SYN)) return;
    this.takeSyn(seg, seg.ack);
    if (hasAck) {
      this.processAck(seg);
      this.st = "ESTABLISHED";
      this.sendAck();
      if (this.keepAlive) this.restartKeepAlive();
      this.events.onConnect?.();
      if (this.st === "ESTABLISHED" && this.finQueued) this.st = "FIN_WAIT_1";
      if (this.synchronized()) this.output();
    } else {
      // Simultaneous open: SYN_RECEIVED, and our SYN again with an ACK.
      this.st = "SYN_RECEIVED";
      this.sendSyn();
    }
  }

  /** The ACK checks of 3.10.7.4 "fifth" for synchronized states; false when the segment is done. */
  private acceptAck(seg: TcpSegment): boolean {
    // RFC 5961 section 5.2: acceptable if SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT (here the
    // highest sent, since SND.NXT moves back on timeouts).
    if (seqGt(seg.ack, this.sndMax)) {
      this.host.counters.add("tcp_ack_unsent");
      this.sendAck();
      return false;
    }
    if (seqLt(seg.ack, seqAdd(this.sndUna, -Math.max(this.maxSndWnd, 1)))) {
      this.host.counters.add("tcp_ack_too_old");
      this.sendAck();
      return false;
    }
    this.processAck(seg);
    return true;
  }

  /** Takes an acceptable ACK: frees acknowledged data, samples RTT, grows cwnd, moves states. */
  private processAck(seg: TcpSegment): void {
    const ack = seg.ack;
    const wasZeroWindow = this.sndWnd === 0;
    // Window update rule (3.10.7.4): only from a newer segment.
    const windowUpdate = ((this.sndWl1 - seg.seq) | 0) < 0 || (this.sndWl1 === seg.seq && ((this.sndWl2 - ack) | 0) <= 0);
    const oldWindow = this.sndWnd;
    if (((ack - this.sndUna) | 0) > 0) {
      const acked = ((ack - this.sndUna) | 0);
      const flight = ((this.sndMax - this.sndUna) | 0);
      this.sndUna = ack;
      if (((this.sndNxt - ack) | 0) < 0) this.sndNxt = ack;
      // Data acknowledged (the SYN and FIN take one number each outside the buffer).
      const dataAcked = Math.min(this.sendBuf.length, Math.max(0, ((ack - this.bufSeq) | 0)));
      if (dataAcked > 0) {
        this.sendBuf.consume(dataAcked);
        this.bufSeq = ((this.bufSeq + dataAcked) >>> 0);
      }
      if (this.finSent() && this.sendBuf.length === 0 && ack === seqAdd(this.finSeq(), 1)) this.finAcked = true;
      if (this.timing && ((ack - this.rttSeq) | 0) > 0) {
        this.timing = false;
        this.rto.sample(this.host.clock.now() - this.rttStart);
      }
      this.retransmits = 0;
      if (this.cc.onNewAck(ack, acked, flight)) this.retransmitFirst();
      // RFC 6298 (5.2), (5.3): stop the timer when all is acknowledged, else restart it.
      if (this.sndUna === this.sndMax) this.rtxTimer.stop();
      else this.rtxTimer.start(this.rto.rto);
      this.persistShift = 0;
      if (dataAcked > 0) this.roomFreed = true;
    } else if (
      ack === this.sndUna &&
      seg.payload.length === 0 &&
      !(seg.flags & (SYN | FIN)) &&
      seg.window === oldWindow &&
      seg.window !== 0 &&
      this.sndMax !== this.sndUna
    ) {
      // A duplicate ACK (RFC 5681 section 2); not with a zero window, where the same ACK answers
      // each probe.
      if (this.cc.onDuplicateAck(this.sndUna, this.sndMax)) {
        this.host.counters.add("tcp_fast_retransmit");
        this.retransmitFirst();
      }
    }
    if (windowUpdate) {
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (seg.window > this.maxSndWnd) this.maxSndWnd = seg.window;
      if (wasZeroWindow && seg.window > 0 && this.persistTimer.running) {
        // The window opened: stop probing, and send from the first unacknowledged byte again
        // (a probe byte the peer refused is resent with the rest).
        this.persistTimer.stop();
        this.persistShift = 0;
        this.sndNxt = this.sndUna;
      }
    }
    this.finStateTransitions();
  }

  private finStateTransitions(): void {
    if (!this.finAcked) return;
    switch (this.st) {
      case "FIN_WAIT_1":
        this.st = "FIN_WAIT_2";
        this.stateTimer.start(this.host.options.finWait2Ms);
        break;
      case "CLOSING":
        this.enterTimeWait();
        break;
      case "LAST_ACK":
        this.terminate("closed");
        break;
      default:
        break;
    }
  }

  /** Resends the segment at SND.UNA without moving SND.NXT. */
  private retransmitFirst(): void {
    this.timing = false;
    const offset = seqDiff(this.sndUna, this.bufSeq);
    const avail = this.sendBuf.length - offset;
    const len = Math.max(0, Math.min(avail, this.mss));
    const fin = this.finSent() && offset + len === this.sendBuf.length;
    if (len === 0 && !fin) return;
    this.host.counters.add("tcp_retransmitted_segments");
    this.transmitSegment(ACK | (fin ? FIN : 0), this.sndUna, offset, len);
    this.rtxTimer.start(this.rto.rto);
  }

  /** 3.10.7.4 "seventh" and "eighth": data and FIN. */
  private receiveText(seg: TcpSegment, zeroWindowProbe: boolean): void {
    if (!(this.st === "ESTABLISHED" || this.st === "FIN_WAIT_1" || this.st === "FIN_WAIT_2")) {
      // The peer already sent its FIN; text after it is ignored (3.10.7.4, CLOSE_WAIT and later).
      if (this.st === "TIME_WAIT" && seg.flags & FIN) {
        this.sendAck();
        this.restartTimeWait();
      }
      return;
    }
    if (zeroWindowProbe) {
      // No room: the data is dropped, and the ACK tells the peer the window is still zero.
      this.host.counters.add("tcp_zero_window_dropped");
      this.sendAck();
      return;
    }
    let seq = seg.seq;
    let data = seg.payload;
    let fin = (seg.flags & FIN) !== 0;
    // Trim what was already received, and what lies beyond the window.
    const before = ((this.rcvNxt - seq) | 0);
    if (before > 0) {
      data = data.subarray(Math.min(before, data.length));
      seq = this.rcvNxt;
    }
    const wnd = Math.max(0, ((this.rcvAdv - this.rcvNxt) | 0));
    const room = wnd - ((seq - this.rcvNxt) | 0);
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }
    if (seq !== this.rcvNxt) {
      // Out of order: hold it (bounded) and send a duplicate ACK at once (RFC 5681 section 4.2).
      if (!this.ooo.insert(seq, data, fin)) this.host.counters.add("tcp_out_of_order_dropped");
      else this.host.counters.add("tcp_out_of_order_queued");
      this.sendAck();
      return;
    }
    const filledGap = !this.ooo.empty;
    let delivered = this.deliver(data);
    let finNow = fin;
    // Nothing is taken past the FIN (RFC 9293 3.10.7.4 eighth check: it ends the stream): held
    // data beyond it would be bytes the peer never sent in this connection.
    while (!finNow) {
      const next = this.ooo.takeAt(this.rcvNxt);
      if (!next) break;
      delivered += this.deliver(next.data);
      if (next.fin) {
        finNow = true;
        break;
      }
    }
    if (finNow) {
      this.receiveFin();
      if (delivered > 0) this.events.onReadable?.(this.recvBuf.length);
      this.events.onEnd?.();
      if ((this.st as TcpState) === "TIME_WAIT") this.reportClose("closed");
      return;
    }
    // Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2): at least every second full segment, at once
    // when a gap was filled.
    this.unackedSegments++;
    if (filledGap || this.unackedSegments >= 2) this.sendAck();
    else if (!this.delAckTimer.running) this.delAckTimer.start(this.host.options.delayedAckMs);
    if (delivered > 0) this.events.onReadable?.(this.recvBuf.length);
  }

  private deliver(data: Uint8Array): number {
    if (data.length === 0) return 0;
    const n = this.recvBuf.push(data);
    // The window never offers more than the buffer holds, so all fits.
    this.rcvNxt = ((this.rcvNxt + n) >>> 0);
    return n;
  }

  private receiveFin(): void {
    this.finReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.ooo.clear();
    this.sendAck();
    switch (this.st) {
      case "ESTABLISHED":
        this.st = "CLOSE_WAIT";
        break;
      case "FIN_WAIT_1":
        if (this.finAcked) this.enterTimeWait(false);
        else this.st = "CLOSING";
        break;
      case "FIN_WAIT_2":
        this.enterTimeWait(false);
        break;
      default:
        break;
    }
  }

  // ---- Output ----------------------------------------------------------------------------------

  /** Sends what the windows allow (RFC 9293 3.8.6, RFC 5681 section 3.1). */
  output(): void {
    if (!this.synchronized()) return;
    let sent = false;
    for (;;) {
      const offset = ((this.sndNxt - this.bufSeq) | 0);
      const unsent = this.sendBuf.length - offset;
      if (unsent < 0) break; // the FIN is sent
      // Limited transmit (congestion.ts) sends only new data: not while resending after a timeout.
      const window = Math.min(this.sndWnd, this.cc.cwnd + (this.sndNxt === this.sndMax ? this.cc.limitedTransmit : 0));
      const usable = (this.sndUna + window - this.sndNxt) | 0;
      const len = Math.max(0, Math.min(unsent, this.mss, usable));
      const fin = this.finQueued && len === unsent && this.st !== "CLOSE_WAIT" && this.st !== "ESTABLISHED";
      if (len === 0 && !fin) break;
      if (len < this.mss && !fin && !this.mayBeSmall(len, unsent)) break;
      const seq = this.sndNxt;
      const isNew = ((seq - this.sndMax) | 0) >= 0;
      if (!this.transmitSegment(ACK | (len === unsent && len > 0 ? PSH : 0) | (fin ? FIN : 0), seq, offset, len)) {
        this.host.counters.add("tcp_tx_blocked");
        break;
      }
      if (!isNew) this.host.counters.add("tcp_retransmitted_segments");
      sent = true;
      this.sndNxt = seqAdd(seq, len + (fin ? 1 : 0));
      if (((this.sndNxt - this.sndMax) | 0) > 0) this.sndMax = this.sndNxt;
      if (isNew && !this.timing) this.startTiming(seq);
      if (!this.rtxTimer.running) this.rtxTimer.start(this.rto.rto);
      if (fin) break;
    }
    // Zero window, or a small window silly-window avoidance refused: probe/override later
    // (RFC 9293 3.8.6.1 and 3.8.6.2.1's override timeout).
    const pending = this.sendBuf.length - ((this.sndNxt - this.bufSeq) | 0) > 0;
    if (!sent && pending && this.sndNxt === this.sndUna && !this.rtxTimer.running && !this.persistTimer.running) {
      this.persistTimer.start(Math.min(this.host.options.maxRtoMs, this.rto.rto * 2 ** this.persistShift));
    }
  }

  /**
   * Whether a segment shorter than the MSS goes now: Nagle's algorithm (RFC 9293 3.7.4) and the
   * sender's silly-window avoidance (3.8.6.2.1).
   */
  private mayBeSmall(len: number, unsent: number): boolean {
    if (len === 0) return false;
    const idle = this.sndNxt === this.sndUna;
    if (len === unsent && (idle || this.noDelay)) return true;
    return this.maxSndWnd > 0 && len >= this.maxSndWnd / 2 && idle;
  }

  private startTiming(seq: number): void {
    this.timing = true;
    this.rttSeq = seq;
    this.rttStart = this.host.clock.now();
  }

  /** RFC 6298 section 5.4-5.6 and RFC 5681 (4): resend from SND.UNA with a one-segment window. */
  private onRetransmitTimeout(): void {
    if (this.st === "CLOSED" || this.st === "TIME_WAIT") return;
    this.retransmits++;
    const handshake = this.st === "SYN_SENT" || (this.st === "SYN_RECEIVED" && seqLe(this.sndUna, this.iss));
    const limit = handshake ? this.host.options.synRetransmits : this.host.options.maxRetransmits;
    if (this.retransmits > limit) {
      this.host.counters.add(handshake ? "tcp_handshake_timeout" : "tcp_retransmit_timeout");
      if (!handshake) this.transmitSegment(RST | ACK, this.sndNxt, 0, 0);
      this.terminate("timeout", !(handshake && this.passive));
      return;
    }
    this.rto.backoff();
    this.timing = false;
    this.host.counters.add("tcp_rto_expired");
    if (handshake) {
      this.sendSyn();
      return;
    }
    if (this.sndWnd === 0 && this.sendBuf.length > 0) {
      // The peer's window is zero: not a loss, but the persist timer's business (RFC 9293
      // 3.8.6.1): it probes, and does not give up while the peer answers. (A lone FIN is
      // retransmitted as usual, and given up on after maxRetransmits.)
      this.retransmits = 0;
      this.rtxTimer.stop();
      this.sndNxt = this.sndUna;
      this.output();
      return;
    }
    this.cc.onTimeout(this.sndUna, this.sndMax);
    this.sndNxt = this.sndUna;
    this.rtxTimer.stop();
    this.output();
    if (!this.rtxTimer.running && this.sndUna !== this.sndMax) this.rtxTimer.start(this.rto.rto);
  }

  /**
   * Persist timer (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): with a zero window, one byte of new data
   * probes it, backing off; with a small window, send what silly-window avoidance held back.
   */
  private onPersistTimeout(): void {
    if (!this.synchronized()) return;
    // A byte the peer refused (its window was zero) is probed again, not the one after it.
    if (this.sndWnd === 0) this.sndNxt = this.sndUna;
    const offset = seqDiff(this.sndNxt, this.bufSeq);
    if (this.sendBuf.length - offset <= 0) return;
    if (this.sndWnd === 0) {
      if (this.persistProbes >= this.host.options.maxRetransmits) {
        // Nobody answers the probes: the peer is gone.
        this.host.counters.add("tcp_persist_timeout");
        this.terminate("timeout");
        return;
      }
      this.persistProbes++;
      this.host.counters.add("tcp_zero_window_probe");
      this.transmitSegment(ACK, this.sndNxt, offset, 1);
      this.sndNxt = seqAdd(this.sndNxt, 1);
      if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
      this.persistShift++;
      this.persistTimer.start(Math.min(this.host.options.maxRtoMs, this.rto.rto * 2 ** this.persistShift));
      return;
    }
    const usable = Math.max(0, seqDiff(seqAdd(this.sndUna, Math.min(this.sndWnd, this.cc.cwnd)), this.sndNxt));
    const len = Math.min(this.sendBuf.length - offset, this.mss, usable);
    if (len <= 0) return;
    this.transmitSegment(ACK | PSH, this.sndNxt, offset, len);
    this.sndNxt = seqAdd(this.sndNxt, len);
    if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
    this.rtxTimer.start(this.rto.rto);
  }

  // ---- Keepalive, TIME_WAIT, FIN_WAIT_2 ---------------------------------------------------

  private restartKeepAlive(): void {
    this.keepAliveProbes = 0;
    this.keepAliveTimer.start(this.host.options.keepAlive.idleMs);
  }

  /** RFC 9293 3.8.4 / RFC 1122 4.2.3.6: a segment with SEG.SEQ = SND.NXT - 1 and no data elicits an ACK. */
  private onKeepAliveTimeout(): void {
    if (this.st !== "ESTABLISHED" && this.st !== "CLOSE_WAIT") return;
    const ka = this.host.options.keepAlive;
    if (this.keepAliveProbes >= ka.probes) {
      this.host.counters.add("tcp_keepalive_timeout");
      this.transmitSegment(RST | ACK, this.sndNxt, 0, 0);
      this.terminate("timeout");
      return;
    }
    this.keepAliveProbes++;
    this.host.counters.add("tcp_keepalive_probe");
    this.transmitSegment(ACK, seqAdd(this.sndNxt, -1), 0, 0);
    this.keepAliveTimer.start(ka.intervalMs);
  }

  /** RFC 9293 3.10.7.4: TIME_WAIT for 2 MSL; the app hears onClose now (or after onEnd). */
  private enterTimeWait(report = true): void {
    this.st = "TIME_WAIT";
    this.stopTimers();
    this.stateTimer.start(this.host.options.timeWaitMs);
    if (report) this.reportClose("closed");
  }

  /** The layer needs the slot (connection cap reached): end TIME_WAIT now (RFC 9293 3.6.1). */
  abortTimeWait(): void {
    if (this.st === "TIME_WAIT") this.terminate("closed");
  }

  private restartTimeWait(): void {
    this.stateTimer.start(this.host.options.timeWaitMs);
  }

  private onStateTimeout(): void {
    if (this.st === "FIN_WAIT_2") this.host.counters.add("tcp_fin_wait_2_timeout");
    if (this.st === "TIME_WAIT" || this.st === "FIN_WAIT_2") this.terminate("closed");
  }

  // ---- Helpers -----------------------------------------------------------------------------

  private synchronized(): boolean {
    return this.st !== "SYN_SENT" && this.st !== "SYN_RECEIVED" && this.st !== "CLOSED";
  }

  private canWrite(): boolean {
    return !this.finQueued && (this.st === "SYN_SENT" || this.st === "SYN_RECEIVED" || this.st === "ESTABLISHED" || this.st === "CLOSE_WAIT");
  }

  private finSeq(): number {
    return seqAdd(this.bufSeq, this.sendBuf.length);
  }

  private finSent(): boolean {
    return this.finQueued && seqGt(this.sndMax, this.finSeq());
  }

  private receiveSwsThreshold(): number {
    return Math.min(Math.floor(this.recvBuf.capacity / 2), this.mss);
  }

  /** The window to advertise, moving the right edge only by worthwhile steps (3.8.6.2.2). */
  private advertise(): number {
    const offered = Math.max(0, ((this.rcvAdv - this.rcvNxt) | 0));
    const free = this.recvBuf.free;
    if (free - offered >= this.receiveSwsThreshold()) this.rcvAdv = ((this.rcvNxt + free) >>> 0);
    return Math.max(0, ((this.rcvAdv - this.rcvNxt) | 0));
  }

  private header(flags: number, seq: number): TcpHeaderFields {
    const withAck = (flags & ACK) !== 0;
    return {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack: withAck ? this.rcvNxt : 0,
      flags,
      window: this.st === "SYN_SENT" ? this.recvBuf.capacity : this.advertise(),
    };
  }

  sendAck(): void {
    if (this.st === "CLOSED" || this.st === "SYN_SENT") return;
    this.transmitSegment(ACK, this.sndNxt, 0, 0);
  }

  /** Sends data `offset`..`offset + len` of the send buffer at `seq`; every segment carries the ACK. */
  private transmitSegment(flags: number, seq: number, offset: number, len: number): boolean {
    if (flags & ACK) {
      this.unackedSegments = 0;
      this.delAckTimer.stop();
    }
    const fill = len > 0 ? (buf: Uint8Array, at: number) => this.sendBuf.copyTo(buf, at, offset, len) : null;
    return this.host.transmit(this, this.header(flags, seq), len, fill);
  }

  /** A bare segment that carries no ACK (a RST answering a bad ACK: <SEQ=SEG.ACK><CTL=RST>). */
  private transmitRaw(flags: number, seq: number, ack: number): void {
    this.host.transmit(this, { srcPort: this.localPort, dstPort: this.remotePort, seq, ack, flags, window: 0 }, 0, null);
  }

  private stopTimers(): void {
    this.rtxTimer.stop();
    this.persistTimer.stop();
    this.delAckTimer.stop();
    this.keepAliveTimer.stop();
    this.stateTimer.stop();
  }

  private reportClose(reason: TcpCloseReason): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.events.onClose?.(reason);
  }

  /** Ends the connection: CLOSED, timers stopped, removed from the layer, the app told (unless an embryonic passive one). */
  private terminate(reason: TcpCloseReason, report = true): void {
    this.st = "CLOSED";
    this.stopTimers();
    this.ooo.clear();
    this.host.remove(this);
    if (report) this.reportClose(reason);
  }
}
