/**
 * File names on FAT: 8.3 short names, their checksum, and long file names (Microsoft's
 * fatgen103, section 7: "FAT Long Directory Entries", and the short-name generation of its
 * "Basis-Name Generation Algorithm").
 */
import { FsError } from "./errors.ts";

/** Characters a short name may hold besides letters and digits (fatgen103 6.1, DIR_Name). */
const SHORT_CHARS = /^[A-Z0-9!#$%&'()@^_`{}~-]+$/;
/** Characters no long name may hold (fatgen103 7: and none below 0x20). */
const BAD_LONG = /["*/:<>?\\|\u0000-\u001f]/;
/** Most UTF-16 code units of a long name (fatgen103 7). */
export const MAX_NAME = 255;

/** The short-name checksum an LFN entry carries (fatgen103 7, ChkSum). */
export function shortChecksum(short: Uint8Array, at = 0): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = ((sum & 1 ? 0x80 : 0) + (sum >> 1) + short[at + i]) & 0xff;
  return sum;
}

/** "NAME    TXT" as "NAME.TXT", with the NT lower-case flags (DIR_NTRes 0x08 base, 0x10 extension) applied. */
export function shortDisplay(b: Uint8Array, at: number): string {
  let base = "";
  let ext = "";
  for (let i = 0; i < 8; i++) base += String.fromCharCode(i === 0 && b[at] === 0x05 ? 0xe5 : b[at + i]);
  for (let i = 8; i < 11; i++) ext += String.fromCharCode(b[at + i]);
  base = base.trimEnd();
  ext = ext.trimEnd();
  const nt = b[at + 12];
  if (nt & 0x08) base = base.toLowerCase();
  if (nt & 0x10) ext = ext.toLowerCase();
  return ext ? `${base}.${ext}` : base;
}

/** Checks a name given for a new entry; returns it. */
export function checkName(name: string, syscall: string, path: string): string {
  if (name.length > MAX_NAME) throw new FsError("ENAMETOOLONG", syscall, path);
  if (name === "" || name === "." || name === ".." || BAD_LONG.test(name) || /[ .]$/.test(name)) throw new FsError("EINVAL", syscall, path, `"${name}" is not a valid FAT file name`);
  return name;
}

/** 11 bytes of `name` when it is already a valid upper-case 8.3 name, else undefined. */
export function exactShortName(name: string): Uint8Array | undefined {
  const dot = name.lastIndexOf(".");
  const base = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? "" : name.slice(dot + 1);
  if (base.length < 1 || base.length > 8 || ext.length > 3 || (dot >= 0 && ext.length === 0)) return undefined;
  if (!SHORT_CHARS.test(base) || (ext && !SHORT_CHARS.test(ext))) return undefined;
  return pad(base, ext);
}

function pad(base: string, ext: string): Uint8Array {
  const out = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < base.length; i++) out[i] = base.charCodeAt(i);
  for (let i = 0; i < ext.length; i++) out[8 + i] = ext.charCodeAt(i);
  if (out[0] === 0xe5) out[0] = 0x05;
  return out;
}

/** The basis of a generated short name (fatgen103 "Basis-Name Generation"): upper case, invalid characters as '_'. */
function clean(s: string): string {
  let out = "";
  for (const c of s.toUpperCase().replace(/[ .]/g, "")) out += SHORT_CHARS.test(c) ? c : "_";
  return out;
}

/** A short name "BASIS~N.EXT" for a long name, unique by `taken` (the upper-case 11-byte names present). */
export function generateShortName(name: string, taken: (short: Uint8Array) => boolean): Uint8Array {
  const trimmed = name.replace(/^\.+/, "");
  const dot = trimmed.lastIndexOf(".");
  const base = clean(dot < 0 ? trimmed : trimmed.slice(0, dot)) || "FILE";
  const ext = clean(dot < 0 ? "" : trimmed.slice(dot + 1)).slice(0, 3);
  for (let n = 1; n < 1_000_000; n++) {
    const tail = `~${n}`;
    const candidate = pad(base.slice(0, 8 - tail.length) + tail, ext);
    if (!taken(candidate)) return candidate;
  }
  throw new FsError("ENOSPC", "open", name, "no free short name");
}

/** The LFN entries (32 bytes each, in on-disk order: last part first) for `name` over short name `short`. */
export function longNameEntries(name: string, short: Uint8Array): Uint8Array[] {
  const count = Math.ceil(name.length / 13);
  const sum = shortChecksum(short);
  const out: Uint8Array[] = [];
  for (let seq = count; seq >= 1; seq--) {
    const e = new Uint8Array(32);
    e[0] = seq | (seq === count ? 0x40 : 0);
    e[11] = 0x0f;
    e[13] = sum;
    for (let k = 0; k < 13; k++) {
      const i = (seq - 1) * 13 + k;
      // After the name: one 0x0000 terminator, then 0xFFFF padding (fatgen103 7).
      const unit = i < name.length ? name.charCodeAt(i) : i === name.length ? 0 : 0xffff;
      const o = LFN_OFFSETS[k];
      e[o] = unit & 0xff;
      e[o + 1] = unit >> 8;
    }
    out.push(e);
  }
  return out;
}

/** Byte offsets of the 13 UTF-16 units in an LFN entry (LDIR_Name1, Name2, Name3). */
export const LFN_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
