/**
 * The confirmed app unit and the rollback floor on the board's card (docs/updates.md, "Kept for
 * the next boot"), for updatable bases built with a disk (tools/lib/update-base.ts `keep`; the
 * agent names io/update/card.ts, which binds this to the board's card, only then, so other bases
 * carry no storage units). Host tests read the same files with mtools.
 *
 *   /TSMETAL/APP.UNT   the last confirmed unit, as received (io/update/unit.ts)
 *   /TSMETAL/APP.VER   the version record: "TSMV", the floor u32 (the highest version confirmed),
 *                      4 bytes 0, CRC-32 of bytes 0..11 (io/repl/frame.ts)
 *
 * Each is written as a new file (APP.NEW, VER.NEW), synced, then renamed over the old one, unit
 * first: a reset part-way leaves the old pair, or the new unit with the old (lower) floor, never a
 * half-written file under either name. FAT's rename removes the old name before it adds the new
 * one, so a reset inside it leaves only APP.NEW: readCard takes it then. The unit is not trusted
 * for being on the card: the agent checks it as a deployed one (signature included).
 */
import type { Files } from "../files.ts";
import { crc32 } from "../repl/frame.ts";

export const KEEP_DIR = "/TSMETAL";
export const KEPT_UNIT = `${KEEP_DIR}/APP.UNT`;
export const KEPT_UNIT_NEW = `${KEEP_DIR}/APP.NEW`;
export const VERSION_RECORD = `${KEEP_DIR}/APP.VER`;
export const VERSION_RECORD_NEW = `${KEEP_DIR}/VER.NEW`;
const RECORD_MAGIC = "TSMV";
const RECORD_SIZE = 16;

export function encodeVersionRecord(floor: number): Uint8Array {
  const out = new Uint8Array(RECORD_SIZE);
  for (let i = 0; i < 4; i++) out[i] = RECORD_MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, floor, true);
  new DataView(out.buffer).setUint32(12, crc32(out, 0, 12), true);
  return out;
}

/** The floor of a version record; throws when the record is damaged. */
export function decodeVersionRecord(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length !== RECORD_SIZE || String.fromCharCode(b[0], b[1], b[2], b[3]) !== RECORD_MAGIC || v.getUint32(12, true) !== crc32(b, 0, 12)) {
    throw new Error(`the version record ${VERSION_RECORD} is damaged`);
  }
  return v.getUint32(4, true);
}

const missing = (e: unknown): boolean => (e as { code?: unknown }).code === "ENOENT";

async function readIfThere(fs: Files, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    if (missing(e)) return undefined;
    throw e;
  }
}

/** What the card holds: the kept unit (if any) and the floor (0 without a record). */
export interface CardState {
  readonly unit?: Uint8Array;
  readonly floor: number;
}

export async function readCard(fs: Files): Promise<CardState> {
  const record = await readIfThere(fs, VERSION_RECORD);
  const floor = record ? decodeVersionRecord(record) : 0;
  const unit = (await readIfThere(fs, KEPT_UNIT)) ?? (await readIfThere(fs, KEPT_UNIT_NEW));
  return unit ? { unit, floor } : { floor };
}

async function writeThenRename(fs: Files, temp: string, path: string, data: Uint8Array): Promise<void> {
  const h = await fs.open(temp, "w");
  try {
    await h.write(data);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(temp, path);
}

/** Keeps `unit` (version `version`, confirmed) for the next boot and raises the floor to it. */
export async function keepOnCard(fs: Files, unit: Uint8Array, version: number): Promise<void> {
  await fs.mkdir(KEEP_DIR, { recursive: true });
  await writeThenRename(fs, KEPT_UNIT_NEW, KEPT_UNIT, unit);
  await writeThenRename(fs, VERSION_RECORD_NEW, VERSION_RECORD, encodeVersionRecord(version));
}
