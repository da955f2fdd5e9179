/**
 * ICMP (RFC 792) for a host (RFC 1122 section 3.2.2): answers echo requests, offers ping(), and
 * sends destination-unreachable errors for the transports, rate-limited.
 */
import { readU16 } from "./bytes.ts";
import { finish, sum16, verifies } from "./checksum.ts";
import type { Counters } from "./counters.ts";
import { PROTO_ICMP, type Ipv4Output, type Ipv4Packet } from "./ipv4.ts";
import { Timer, type Clock, type TimerScheduler } from "./time.ts";

const TYPE_ECHO_REPLY = 0;
const TYPE_UNREACHABLE = 3;
const TYPE_ECHO_REQUEST = 8;
export const UNREACHABLE_PROTOCOL = 2;
export const UNREACHABLE_PORT = 3;
const ICMP_HEADER_LENGTH = 8;
/** Echo requests waiting for their reply at once. */
const MAX_PINGS = 16;

export interface IcmpOptions {
  /** Error messages sent per second at most (RFC 1122 section 3.2.2 "SHOULD limit"; default 10). */
  readonly errorsPerSecond: number;
}

export const DEFAULT_ICMP_OPTIONS: IcmpOptions = { errorsPerSecond: 10 };

export interface PingOptions {
  /** Milliseconds to wait for the reply (default 1000). */
  readonly timeoutMs?: number;
  /** Bytes of data in the request (default 56, as ping(8)); at most 1472. */
  readonly size?: number;
}

interface PendingPing {
  readonly dst: number;
  readonly sent: number;
  readonly timer: Timer;
  readonly resolve: (rttMs: number) => void;
}

export class Icmp {
  private readonly pings = new Map<number, PendingPing>();
  private sequence = 0;
  private readonly identifier: number;
  private errorWindowStart = -Infinity;
  private errorsInWindow = 0;

  constructor(
    private readonly ip: Ipv4Output,
    private readonly clock: Clock,
    private readonly timers: TimerScheduler,
    private readonly counters: Counters,
    random: () => number,
    private readonly options: IcmpOptions = DEFAULT_ICMP_OPTIONS,
  ) {
    this.identifier = random() & 0xffff;
  }

  receive(packet: Ipv4Packet): void {
    const data = packet.payload;
    if (data.length < ICMP_HEADER_LENGTH) {
      this.counters.add("icmp_truncated");
      return;
    }
    if (!verifies(sum16(data, 0, data.length))) {
      this.counters.add("icmp_bad_checksum");
      return;
    }
    const type = data[0];
    if (type === TYPE_ECHO_REQUEST) {
      // RFC 1122 section 3.2.2.6: an echo request to a broadcast address MAY be silently dropped
      // (it is, against smurf amplification).
      if (packet.broadcast) {
        this.counters.add("icmp_broadcast_echo_ignored");
        return;
      }
      // RFC 792 "Echo or Echo Reply Message": same identifier, sequence and data, type 0.
      this.counters.add("icmp_echo_answered");
      this.ip.send(packet.src, PROTO_ICMP, data.length, (buf, offset) => {
        buf.set(data, offset);
        buf[offset] = TYPE_ECHO_REPLY;
        buf[offset + 2] = 0;
        buf[offset + 3] = 0;
        const c = finish(sum16(buf, offset, data.length));
        buf[offset + 2] = c >>> 8;
        buf[offset + 3] = c & 0xff;
      });
      return;
    }
    if (type === TYPE_ECHO_REPLY) {
      const id = readU16(data, 4);
      const seq = readU16(data, 6);
      const p = this.pings.get(seq);
      if (id !== this.identifier || !p || p.dst !== packet.src) {
        this.counters.add("icmp_unexpected_reply");
        return;
      }
      this.pings.delete(seq);
      p.timer.stop();
      p.resolve(this.clock.now() - p.sent);
      return;
    }
    if (type === TYPE_UNREACHABLE) {
      this.counters.add("icmp_unreachable_received");
      return;
    }
    this.counters.add("icmp_unhandled_type");
  }

  /** Sends an echo request; resolves with the round-trip time in ms, rejects on timeout. */
  ping(dst: number, options: PingOptions = {}): Promise<number> {
    const size = options.size ?? 56;
    const timeoutMs = options.timeoutMs ?? 1000;
    if (!Number.isInteger(size) || size < 0 || size > 1472) {
      return Promise.reject(new RangeError(`ping size must be an integer 0..1472, not ${size}`));
    }
    if (!(timeoutMs > 0)) return Promise.reject(new RangeError(`ping timeout must be positive, not ${timeoutMs}`));
    if (this.pings.size >= MAX_PINGS) return Promise.reject(new Error(`too many pings outstanding (${MAX_PINGS})`));
    const seq = this.sequence;
    this.sequence = (this.sequence + 1) & 0xffff;
    return new Promise<number>((resolve, reject) => {
      const timer = new Timer(this.timers, () => {
        this.pings.delete(seq);
        reject(new Error("ping timed out"));
      });
      this.pings.set(seq, { dst, sent: this.clock.now(), timer, resolve });
      timer.start(timeoutMs);
      this.ip.send(dst, PROTO_ICMP, ICMP_HEADER_LENGTH + size, (buf, offset) => {
        buf[offset] = TYPE_ECHO_REQUEST;
        buf[offset + 4] = this.identifier >>> 8;
        buf[offset + 5] = this.identifier & 0xff;
        buf[offset + 6] = seq >>> 8;
        buf[offset + 7] = seq & 0xff;
        for (let i = 0; i < size; i++) buf[offset + ICMP_HEADER_LENGTH + i] = i & 0xff;
        const c = finish(sum16(buf, offset, ICMP_HEADER_LENGTH + size));
        buf[offset + 2] = c >>> 8;
        buf[offset + 3] = c & 0xff;
      });
    });
  }

  /**
   * Sends destination unreachable (RFC 792) about `packet`, with its IP header and the first 8
   * bytes of its payload, unless RFC 1122 section 3.2.2 forbids an error about it: an ICMP error,
   * a broadcast or multicast destination, a non-initial fragment (never parsed here), or a
   * source that does not name a single host.
   */
  unreachable(packet: Ipv4Packet, code: number): void {
    if (packet.broadcast || packet.src === 0) return;
    if (packet.protocol === PROTO_ICMP && (packet.payload.length < 1 || packet.payload[0] !== TYPE_ECHO_REQUEST)) return;
    const now = this.clock.now();
    if (now - this.errorWindowStart >= 1000) {
      this.errorWindowStart = now;
      this.errorsInWindow = 0;
    }
    if (this.errorsInWindow >= this.options.errorsPerSecond) {
      this.counters.add("icmp_rate_limited");
      return;
    }
    this.errorsInWindow++;
    // The header and the first 8 bytes of the payload (RFC 792), from the datagram's buffer.
    const payload = packet.payload;
    const quoted = new Uint8Array(payload.buffer, payload.byteOffset - packet.headerLength, packet.headerLength + Math.min(payload.length, 8));
    this.ip.send(packet.src, PROTO_ICMP, ICMP_HEADER_LENGTH + quoted.length, (buf, offset) => {
      buf[offset] = TYPE_UNREACHABLE;
      buf[offset + 1] = code;
      buf.set(quoted, offset + ICMP_HEADER_LENGTH);
      const c = finish(sum16(buf, offset, ICMP_HEADER_LENGTH + quoted.length));
      buf[offset + 2] = c >>> 8;
      buf[offset + 3] = c & 0xff;
    });
  }
}

