/**
 * What the update agent keeps across a soft restart (docs/updates.md, "The soft restart"): the
 * unit to run, the one to return to while it is unconfirmed, and the highest confirmed version
 * (rollback protection), packed into the bytes hal.image.restart() keeps for hal.image.kept().
 * The engine checks those bytes against a checksum taken before the restart (engine/src/
 * restart.c); this codec checks that the record is whole.
 *
 *   0   magic "TSMH"
 *   4   flags u32: bit 0 = the previous unit follows (the run unit waits for update.confirm())
 *   8   floor u32: the highest version confirmed so far
 *   12  length of the unit to run u32
 *   16  length of the previous unit u32 (0 without one)
 *   20  the unit to run, then the previous unit (io/update/unit.ts: each its own header and body)
 *
 * Integers little-endian.
 */
const MAGIC = "TSMH";
const HEADER = 20;
const FLAG_PREVIOUS = 1;

export interface Handoff {
  /** The unit to run after the restart. */
  readonly run: Uint8Array;
  /** The unit to return to unless `run` confirms itself; absent when `run` needs no confirm. */
  readonly previous?: Uint8Array;
  /** The highest version confirmed so far: deploys must be above it. */
  readonly floor: number;
}

const put = (out: Uint8Array, at: number, v: number): void => {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
};
const get = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

export function encodeHandoff(h: Handoff): Uint8Array {
  const prev = h.previous ?? new Uint8Array(0);
  const out = new Uint8Array(HEADER + h.run.length + prev.length);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  put(out, 4, h.previous ? FLAG_PREVIOUS : 0);
  put(out, 8, h.floor);
  put(out, 12, h.run.length);
  put(out, 16, prev.length);
  out.set(h.run, HEADER);
  out.set(prev, HEADER + h.run.length);
  return out;
}

/** Reads a handoff record; throws an Error saying what is wrong. */
export function decodeHandoff(b: Uint8Array): Handoff {
  if (b.length < HEADER) throw new Error(`handoff record of ${b.length} bytes is shorter than its header`);
  for (let i = 0; i < 4; i++) if (b[i] !== MAGIC.charCodeAt(i)) throw new Error("not a handoff record (bad magic)");
  const flags = get(b, 4);
  if (flags & ~FLAG_PREVIOUS) throw new Error(`unknown handoff flags 0x${flags.toString(16)}`);
  const runLength = get(b, 12), prevLength = get(b, 16);
  if (HEADER + runLength + prevLength !== b.length) throw new Error("handoff record lengths disagree with its size");
  if (((flags & FLAG_PREVIOUS) !== 0) !== prevLength > 0) throw new Error("handoff record flags disagree with its previous unit");
  const run = b.subarray(HEADER, HEADER + runLength);
  return prevLength > 0 ? { run, previous: b.subarray(HEADER + runLength), floor: get(b, 8) } : { run, floor: get(b, 8) };
}
