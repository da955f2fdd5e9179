/**
 * The image fuzz's mutations, drawn deterministically from a seed: what changes where, before
 * anything is booted, so a seed names the same run on every machine.
 */

/**
 * flip: one bit; byte: one byte to another value; word0 / wordF: an aligned 32-bit word to
 * 00000000 / FFFFFFFF (the old checksum's blind spot, and erased flash); erase: an aligned run
 * of 8..256 bytes to FF (an erased flash page's tail); truncate: the section cut at a point in
 * the region; append: bytes after the section's end (trailing garbage).
 */
export const KINDS = ["flip", "byte", "word0", "wordF", "erase", "truncate"] as const;
export type Kind = (typeof KINDS)[number] | "append";

/** Which section a region lies in, and where (offsets from the section's start). */
export interface Region {
  name: string;
  section: "bytecode" | "snapshot";
  start: number;
  end: number;
}

export interface Mutation {
  region: string;
  section: "bytecode" | "snapshot";
  kind: Kind;
  /** Offset from the section's start: where bytes change, the cut, or the section's end. */
  offset: number;
  /** Bytes written at offset (in place or appended); empty for a cut. */
  bytes: Buffer;
}

export function describe(m: Mutation): string {
  const what = m.kind === "truncate" ? `cut at ${m.offset}` : `${m.bytes.length} byte(s) at ${m.offset}: ${m.bytes.subarray(0, 8).toString("hex")}${m.bytes.length > 8 ? "…" : ""}`;
  return `${m.region} ${m.kind} ${what}`;
}

/**
 * A mutation of `kind` inside `region` of `section` (the unmodified section's bytes) that
 * really changes something, or null when the region has no such change (a word that cannot
 * become 00000000 because every aligned word already is one).
 */
export function mutation(next: () => number, region: Region, kind: Kind, section: Buffer): Mutation | null {
  const span = region.end - region.start;
  const at = (align: number, len: number) => region.start + align * (next() % Math.max(1, Math.floor((span - len) / align) + 1));
  const make = (offset: number, bytes: Buffer): Mutation => ({ region: region.name, section: region.section, kind, offset, bytes });
  const differs = (offset: number, bytes: Buffer) => !section.subarray(offset, offset + bytes.length).equals(bytes);
  for (let attempt = 0; attempt < 64; attempt++) {
    switch (kind) {
      case "flip": {
        const o = at(1, 1);
        return make(o, Buffer.from([section[o] ^ (1 << (next() % 8))]));
      }
      case "byte": {
        const o = at(1, 1);
        return make(o, Buffer.from([(section[o] + 1 + (next() % 255)) & 0xff]));
      }
      case "word0":
      case "wordF": {
        if (span < 4) return null;
        const o = at(4, 4);
        const bytes = Buffer.alloc(4, kind === "word0" ? 0 : 0xff);
        if (differs(o, bytes)) return make(o, bytes);
        break;
      }
      case "erase": {
        const len = Math.min(span - (span % 4), 8 << (next() % 6));
        if (len < 4) return null;
        const o = at(4, len);
        const bytes = Buffer.alloc(len, 0xff);
        if (differs(o, bytes)) return make(o, bytes);
        break;
      }
      case "truncate":
        return make(at(1, 1), Buffer.alloc(0));
      case "append": {
        const bytes = Buffer.alloc(1 + (next() % 64));
        for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
        return make(section.length, bytes);
      }
    }
  }
  return null;
}

/** The section's bytes after an in-place mutation, a cut or an append. */
export function apply(section: Buffer, m: Mutation): Buffer {
  if (m.kind === "truncate") return Buffer.from(section.subarray(0, m.offset));
  if (m.kind === "append") return Buffer.concat([section, m.bytes]);
  const out = Buffer.from(section);
  m.bytes.copy(out, m.offset);
  return out;
}
