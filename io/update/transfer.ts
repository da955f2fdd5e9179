/**
 * The serial transfer of an app unit (docs/updates.md, "The transfer"): the unit goes in chunks,
 * each in a REPL frame (io/repl/frame.ts: magic, length, CRC-32s), and the device answers every
 * frame with a line, so the host sends the next chunk only once the last one is in (flow control
 * a UART without handshake lines can keep) and resends from the device's offset after a lost or
 * damaged frame (resumable: nothing already received is sent again).
 *
 * Frame payloads, host to device (integers u32 little-endian):
 *   "B" total        begin a transfer of `total` bytes (forgets any earlier partial one)
 *   "D" offset data  a chunk at `offset`
 *   "E" total        the end: the device verifies the whole unit, answers accepted or refused
 * Answers, device to host, one line each after MARKER:
 *   ack <offset>           bytes up to <offset> are in; send from there
 *   nak <offset> <why>     a frame was damaged or out of place; send again from <offset>
 *   accepted <version>     the unit passed every check; the device switches to it
 *   refused <why>          the unit was refused; the running app goes on
 * This file is the device's side; tools/lib/deploy-session.ts is the host's.
 */

/** Starts the update agent's lines to the host: ASCII RS, as the REPL's (io/repl/frame.ts). */
export const UPDATE_MARKER = "\x1eUPDATE ";
/** Bytes of unit per data frame: 1 KiB is 89 ms at 115200 baud, small enough to resend. */
export const CHUNK_SIZE = 1024;

export const BEGIN = 0x42, DATA = 0x44, END = 0x45;

export type ReceiverReply =
  | { readonly kind: "ack"; readonly offset: number }
  | { readonly kind: "nak"; readonly offset: number; readonly why: string }
  | { readonly kind: "complete"; readonly unit: Uint8Array }
  | { readonly kind: "refused"; readonly why: string };

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

export function beginPayload(total: number): Uint8Array {
  return withU32(BEGIN, total, new Uint8Array(0));
}
export function dataPayload(offset: number, data: Uint8Array): Uint8Array {
  return withU32(DATA, offset, data);
}
export function endPayload(total: number): Uint8Array {
  return withU32(END, total, new Uint8Array(0));
}

function withU32(type: number, v: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + rest.length);
  out[0] = type;
  out[1] = v & 0xff;
  out[2] = (v >>> 8) & 0xff;
  out[3] = (v >>> 16) & 0xff;
  out[4] = (v >>> 24) & 0xff;
  out.set(rest, 5);
  return out;
}

/** The device's side: assembles a unit from frames, at most `maxTotal` bytes. */
export class UnitReceiver {
  private buf: Uint8Array | undefined;
  private received = 0;

  constructor(private readonly maxTotal: number) {}

  /** Bytes of the current transfer received so far. */
  get offset(): number {
    return this.received;
  }

  /** A frame the decoder found damaged: ask for everything from the last good byte again. */
  damaged(why: string): ReceiverReply {
    return { kind: "nak", offset: this.received, why };
  }

  /** An intact frame's payload. */
  frame(p: Uint8Array): ReceiverReply {
    if (p.length < 5) return { kind: "nak", offset: this.received, why: "short update frame" };
    const v = u32(p, 1);
    if (p[0] === BEGIN) {
      if (v > this.maxTotal) {
        this.buf = undefined;
        return { kind: "refused", why: `unit of ${v} bytes exceeds this base's limit of ${this.maxTotal}` };
      }
      this.buf = new Uint8Array(v);
      this.received = 0;
      return { kind: "ack", offset: 0 };
    }
    const buf = this.buf;
    if (!buf) return { kind: "refused", why: "no transfer begun (a begin frame was lost: start again)" };
    if (p[0] === DATA) {
      // A repeat of data already in (our ack was lost) or a gap (a frame was lost): either way
      // the host resends from our offset.
      if (v !== this.received) return { kind: "ack", offset: this.received };
      const n = p.length - 5;
      if (this.received + n > buf.length) {
        this.buf = undefined;
        return { kind: "refused", why: `data beyond the announced ${buf.length} bytes` };
      }
      buf.set(p.subarray(5), this.received);
      this.received += n;
      return { kind: "ack", offset: this.received };
    }
    if (p[0] === END) {
      this.buf = undefined;
      if (v !== buf.length || this.received !== buf.length) {
        return { kind: "refused", why: `truncated transfer: ${this.received} of ${buf.length} bytes arrived` };
      }
      return { kind: "complete", unit: buf };
    }
    return { kind: "nak", offset: this.received, why: `unknown update frame type 0x${p[0].toString(16)}` };
  }
}
