/**
 * The REPL's frames on the console line, host to device (docs/repl.md, "Frames"): each carries
 * one input's bytecode image. Shared by the host (tools/lib/repl-session.ts) and the device's
 * agent (io/repl/agent.ts).
 *
 *   0  magic "TSRP"
 *   4  payload length, u32 little-endian (at most MAX_FRAME_PAYLOAD)
 *   8  CRC-32 of the payload
 *   12 CRC-32 of bytes 0..11 (the header check)
 *   16 payload
 *
 * Why this shape: the magic lets the receiver find a frame after line noise or stray keystrokes
 * (bytes outside a frame are skipped); the length comes first so that a frame too large is
 * refused before it is buffered; the header has its own check so that a damaged length is refused
 * at once instead of leaving the receiver waiting for bytes that never come; the payload's check
 * refuses a damaged body. CRC-32 (ISO-HDLC: IEEE 802.3, zlib, PNG; reflected polynomial
 * 0xEDB88320) sees every burst of up to 32 bits and, unlike the image check (engine/src/blob.h),
 * needs no word alignment; the payload is a tsmetal image whose own checks the engine verifies
 * again before reading it (engine/src/repl.c).
 */

import { readU32LE, writeU32LE } from "../../runtime/bytes.ts";

/** Starts each line of the agent's answers to the host (ready, done, refused): ASCII RS, which no
    inspect output begins with, then "REPL ". Frames go host to device, these lines back. */
export const MARKER = "\x1eREPL ";

export const FRAME_MAGIC = /* @__PURE__ */ new Uint8Array([0x54, 0x53, 0x52, 0x50]); // "TSRP"
export const FRAME_HEADER_SIZE = 16;
/** The largest payload accepted: a bound on what the receiver buffers. */
export const MAX_FRAME_PAYLOAD = 256 * 1024;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32/ISO-HDLC of `data` (check value of "123456789": 0xCBF43926). */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One frame around `payload`. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`REPL frame payload of ${payload.length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
  const out = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  out.set(FRAME_MAGIC, 0);
  writeU32LE(out, 4, payload.length);
  writeU32LE(out, 8, crc32(payload));
  writeU32LE(out, 12, crc32(out, 0, 12));
  out.set(payload, FRAME_HEADER_SIZE);
  return out;
}

export type FrameEvent = { readonly kind: "frame"; readonly payload: Uint8Array } | { readonly kind: "error"; readonly message: string };

/**
 * Finds frames in a byte stream fed in pieces. Bytes outside a frame are skipped; a frame whose
 * header check, length or payload check fails is reported (an "error" event saying which) and
 * the search resumes after the refused header or payload, so a frame that follows is still found.
 */
export class FrameDecoder {
  private buf = new Uint8Array(64);
  private len = 0;

  constructor(private readonly maxPayload = MAX_FRAME_PAYLOAD) {}

  /** Bytes buffered towards a frame (0 while searching for a magic). */
  get pending(): number {
    return this.len;
  }

  /** Forgets a partial frame. */
  reset(): void {
    this.len = 0;
  }

  push(data: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (let i = 0; i < data.length; ) {
      if (this.len < FRAME_MAGIC.length) {
        // Searching: keep only bytes that continue the magic.
        const b = data[i++];
        if (b !== FRAME_MAGIC[this.len]) this.len = 0;
        // "TSRP" repeats no prefix of itself: a mismatch can only restart at its first byte.
        if (b === FRAME_MAGIC[this.len]) this.append(b);
        continue;
      }
      const want = this.len < FRAME_HEADER_SIZE ? FRAME_HEADER_SIZE : FRAME_HEADER_SIZE + readU32LE(this.buf, 4);
      const take = Math.min(want - this.len, data.length - i);
      this.appendRange(data, i, take);
      i += take;
      if (this.len < want) continue;
      if (this.len === FRAME_HEADER_SIZE) {
        const length = readU32LE(this.buf, 4);
        if (crc32(this.buf, 0, 12) !== readU32LE(this.buf, 12)) {
          events.push({ kind: "error", message: "frame header check failed (damaged on the line)" });
          this.len = 0;
        } else if (length > this.maxPayload) {
          events.push({ kind: "error", message: `frame of ${length} bytes exceeds the limit of ${this.maxPayload}` });
          this.len = 0;
        }
        if (this.len === 0 || length > 0) continue;
      }
      const payload = this.buf.slice(FRAME_HEADER_SIZE, this.len);
      const ok = crc32(payload) === readU32LE(this.buf, 8);
      this.len = 0;
      events.push(ok ? { kind: "frame", payload } : { kind: "error", message: `frame checksum mismatch (${payload.length} bytes damaged on the line)` });
    }
    return events;
  }

  private append(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  private appendRange(data: Uint8Array, at: number, n: number): void {
    this.reserve(n);
    this.buf.set(data.subarray(at, at + n), this.len);
    this.len += n;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
}
