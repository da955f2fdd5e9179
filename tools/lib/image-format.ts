/**
 * The bytecode image (engine/src/blob.h, format 3) and the engine snapshot's header
 * (engine/src/snapshot.c) as the host sees them: where each region lies, and the check both
 * carry, computed independently of the C (exact BigInt arithmetic), for tests and the fuzz.
 */

export const IMAGE_HEADER_SIZE = 40;
export const IMAGE_ENTRY_SIZE = 56;
export const IMAGE_FORMAT = 3;
/** TSM_MAX_UNITS (engine/src/blob.h): the most units an image holds; tsmc and the target refuse more. */
export const IMAGE_MAX_UNITS = 16;
/** The smallest prime above 2^32: every 32-bit word is a distinct residue (blob.h). */
export const CHECK_PRIME = 4294967311n;

export interface Check {
  a: bigint;
  b: bigint;
}

/** A = Σ w_i, B = Σ (n - i + 1)·w_i modulo CHECK_PRIME over little-endian 32-bit words; a final
    partial word counts as zero-padded. */
export function check(bytes: Uint8Array, start: Check = { a: 0n, b: 0n }): Check {
  let { a, b } = start;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.length; i += 4) {
    let w: number;
    if (i + 4 <= bytes.length) w = view.getUint32(i, true);
    else {
      w = 0;
      for (let k = 0; i + k < bytes.length; k++) w += bytes[i + k] * 2 ** (8 * k);
    }
    a = (a + BigInt(w)) % CHECK_PRIME;
    b = (b + a) % CHECK_PRIME;
  }
  return { a, b };
}

function readCheck(buf: Buffer, offset: number): Check {
  return { a: buf.readBigUInt64LE(offset), b: buf.readBigUInt64LE(offset + 8) };
}

function writeCheck(buf: Buffer, offset: number, c: Check): void {
  buf.writeBigUInt64LE(c.a, offset);
  buf.writeBigUInt64LE(c.b, offset + 8);
}

const pad8 = (n: number): number => (n + 7) & ~7;

export interface ImageUnit {
  name: string;
  /** Offset of the table entry in the image. */
  entry: number;
  /** Offset of the bytecode in the image, its length and its length with padding. */
  offset: number;
  length: number;
  padded: number;
}

export interface ImageLayout {
  payloadLength: number;
  /** The table lies from IMAGE_HEADER_SIZE to tableEnd. */
  tableEnd: number;
  units: ImageUnit[];
}

/** Reads a well-formed image's layout; throws on anything else (it is for images tsmc wrote). */
export function imageLayout(img: Buffer): ImageLayout {
  if (img.length < IMAGE_HEADER_SIZE || img.toString("latin1", 0, 4) !== "TSMB" || img.readUInt32LE(4) !== IMAGE_FORMAT) {
    throw new Error(`not a format ${IMAGE_FORMAT} tsmetal image`);
  }
  const payloadLength = img.readUInt32LE(12);
  const n = img.readUInt32LE(16);
  const tableEnd = IMAGE_HEADER_SIZE + n * IMAGE_ENTRY_SIZE;
  const units: ImageUnit[] = [];
  for (let i = 0; i < n; i++) {
    const entry = IMAGE_HEADER_SIZE + i * IMAGE_ENTRY_SIZE;
    const name = img.toString("latin1", entry, entry + 32).replace(/\0+$/, "");
    const length = img.readUInt32LE(entry + 36);
    units.push({ name, entry, offset: IMAGE_HEADER_SIZE + img.readUInt32LE(entry + 32), length, padded: pad8(length) });
  }
  return { payloadLength, tableEnd, units };
}

/** Whether every check in the image holds (the target's verdict on integrity). */
export function imageChecksHold(img: Buffer): boolean {
  const { tableEnd, units } = imageLayout(img);
  const header = check(img.subarray(IMAGE_HEADER_SIZE, tableEnd), check(img.subarray(0, 24)));
  if (!equal(header, readCheck(img, 24))) return false;
  return units.every((u) => equal(check(img.subarray(u.offset, u.offset + u.padded)), readCheck(img, u.entry + 40)));
}

/** Recomputes every check after an edit: an image that is intact but says something else. */
export function resealImage(img: Buffer): void {
  const { tableEnd, units } = imageLayout(img);
  for (const u of units) writeCheck(img, u.entry + 40, check(img.subarray(u.offset, u.offset + u.padded)));
  writeCheck(img, 24, check(img.subarray(IMAGE_HEADER_SIZE, tableEnd), check(img.subarray(0, 24))));
}

/** engine/src/snapshot.c's header: fields, then the check of those fields, .data/.bss and heap. */
export const SNAPSHOT_HEADER_SIZE = 72;
const SNAPSHOT_CHECK_OFFSET = 56;

export interface SnapshotLayout {
  dataLength: number;
  heapLength: number;
}

export function snapshotLayout(snap: Buffer): SnapshotLayout {
  if (snap.length < SNAPSHOT_HEADER_SIZE || snap.toString("latin1", 0, 4) !== "TSMS") throw new Error("not a tsmetal engine snapshot");
  return { dataLength: Number(snap.readBigUInt64LE(24)), heapLength: Number(snap.readBigUInt64LE(40)) };
}

/** Recomputes the snapshot's check after an edit. */
export function resealSnapshot(snap: Buffer): void {
  const c = check(snap.subarray(SNAPSHOT_HEADER_SIZE), check(snap.subarray(0, SNAPSHOT_CHECK_OFFSET)));
  writeCheck(snap, SNAPSHOT_CHECK_OFFSET, c);
}

function equal(x: Check, y: Check): boolean {
  return x.a === y.a && x.b === y.b;
}
