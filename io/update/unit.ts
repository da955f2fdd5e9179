/**
 * The app unit of an updatable firmware (docs/updates.md): a header of its own, then the app's
 * bytecode as a one-unit tsmetal image (engine/src/blob.h, checked again by the engine before
 * it is read). Shared by the host (tools/lib/deploy.ts builds and signs units) and the device's
 * update agent (io/update/agent.ts verifies them before switching).
 *
 *   0   magic "TSMA"
 *   4   format u16 (UNIT_FORMAT), header size u16 (UNIT_HEADER_SIZE)
 *   8   engine fingerprint u32 (the tsmetal image header's, blob.h offset 8)
 *   12  flags u32: bit 0 = signed
 *   16  base fingerprint, 16 bytes (tools/lib/update-base.ts: what the app is linked against)
 *   32  app version u32 (monotonic: a base refuses a version not above the running one)
 *   36  body length u32
 *   40  CRC-32 of the body (io/repl/frame.ts)
 *   44  CRC-32 of bytes 0..43 (the header check)
 *   48  Ed25519 signature (RFC 8032) over bytes 0..47 and the body; zeros when unsigned
 *   112 body
 *
 * All integers little-endian. The signature covers everything but itself, so no field can be
 * changed without the key; the CRCs refuse line damage with a precise message before the
 * (slower) signature check runs.
 */
import { readU32LE, writeU32LE } from "../../runtime/bytes.ts";
import { crc32 } from "../repl/frame.ts";

export const UNIT_MAGIC = "TSMA";
export const UNIT_FORMAT = 1;
export const UNIT_HEADER_SIZE = 112;
export const SIGNED_PART = 48;
export const SIGNATURE_SIZE = 64;
export const BASE_FINGERPRINT_SIZE = 16;
/** The largest app body a base accepts: a bound on what it buffers (as the REPL's frames). */
export const MAX_UNIT_BODY = 1024 * 1024;
export const FLAG_SIGNED = 1;

export interface UnitHeader {
  readonly engineFingerprint: number;
  readonly baseFingerprint: Uint8Array;
  readonly version: number;
  readonly signed: boolean;
}

export interface AppUnit extends UnitHeader {
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
  /** Bytes 0..47 of the header followed by the body: what the signature covers. */
  readonly signedMessage: Uint8Array;
}

/** The message a signer signs: header bytes 0..47 then the body. */
export function signedMessage(unit: Uint8Array): Uint8Array {
  const body = unit.subarray(UNIT_HEADER_SIZE);
  const m = new Uint8Array(SIGNED_PART + body.length);
  m.set(unit.subarray(0, SIGNED_PART), 0);
  m.set(body, SIGNED_PART);
  return m;
}

/** An unsigned unit around `body` (sign it with attachSignature). */
export function encodeUnit(h: Omit<UnitHeader, "signed"> & { readonly signed?: boolean }, body: Uint8Array): Uint8Array {
  if (h.baseFingerprint.length !== BASE_FINGERPRINT_SIZE) throw new RangeError(`a base fingerprint is ${BASE_FINGERPRINT_SIZE} bytes`);
  if (!Number.isInteger(h.version) || h.version < 0 || h.version > 0xffffffff) throw new RangeError(`app version ${h.version} is not a u32`);
  if (body.length > MAX_UNIT_BODY) throw new RangeError(`app body of ${body.length} bytes exceeds ${MAX_UNIT_BODY}`);
  const out = new Uint8Array(UNIT_HEADER_SIZE + body.length);
  for (let i = 0; i < 4; i++) out[i] = UNIT_MAGIC.charCodeAt(i);
  out[4] = UNIT_FORMAT;
  out[6] = UNIT_HEADER_SIZE;
  writeU32LE(out, 8, h.engineFingerprint);
  writeU32LE(out, 12, h.signed ? FLAG_SIGNED : 0);
  out.set(h.baseFingerprint, 16);
  writeU32LE(out, 32, h.version);
  writeU32LE(out, 36, body.length);
  writeU32LE(out, 40, crc32(body));
  writeU32LE(out, 44, crc32(out, 0, 44));
  out.set(body, UNIT_HEADER_SIZE);
  return out;
}

/** Writes `signature` into a unit encoded with `signed: true`. */
export function attachSignature(unit: Uint8Array, signature: Uint8Array): void {
  if (signature.length !== SIGNATURE_SIZE) throw new RangeError(`an Ed25519 signature is ${SIGNATURE_SIZE} bytes`);
  unit.set(signature, SIGNED_PART);
}

/** The header's integer fields without checking anything but the size (for progress messages). */
export function peekBodyLength(header: Uint8Array): number | undefined {
  return header.length >= 40 ? readU32LE(header, 36) : undefined;
}

/** Reads a unit; throws an Error saying what is wrong (a message for both sides of a deploy).
    `bodyChecked`: the body's CRC is not computed again (Acceptance.bodyChecked). */
export function decodeUnit(unit: Uint8Array, bodyChecked = false): AppUnit {
  if (unit.length < UNIT_HEADER_SIZE) throw new Error(`truncated unit: ${unit.length} bytes, a header is ${UNIT_HEADER_SIZE}`);
  for (let i = 0; i < 4; i++) if (unit[i] !== UNIT_MAGIC.charCodeAt(i)) throw new Error("not an app unit (bad magic)");
  if (crc32(unit, 0, 44) !== readU32LE(unit, 44)) throw new Error("unit header check failed (damaged)");
  const format = unit[4] | (unit[5] << 8);
  if (format !== UNIT_FORMAT) throw new Error(`unit format ${format}, this base reads ${UNIT_FORMAT}`);
  if ((unit[6] | (unit[7] << 8)) !== UNIT_HEADER_SIZE) throw new Error("unit header size mismatch");
  const length = readU32LE(unit, 36);
  if (length > MAX_UNIT_BODY) throw new Error(`unit body of ${length} bytes exceeds ${MAX_UNIT_BODY}`);
  if (unit.length !== UNIT_HEADER_SIZE + length) {
    throw new Error(unit.length < UNIT_HEADER_SIZE + length ? `truncated unit: ${unit.length - UNIT_HEADER_SIZE} of ${length} body bytes` : "unit longer than its header says");
  }
  const body = unit.subarray(UNIT_HEADER_SIZE);
  if (!bodyChecked && crc32(body) !== readU32LE(unit, 40)) throw new Error("unit body checksum mismatch (damaged)");
  const flags = readU32LE(unit, 12);
  if (flags & ~FLAG_SIGNED) throw new Error(`unknown unit flags 0x${flags.toString(16)}`);
  return {
    engineFingerprint: readU32LE(unit, 8),
    baseFingerprint: unit.slice(16, 16 + BASE_FINGERPRINT_SIZE),
    version: readU32LE(unit, 32),
    signed: (flags & FLAG_SIGNED) !== 0,
    body,
    signature: unit.slice(SIGNED_PART, SIGNED_PART + SIGNATURE_SIZE),
    signedMessage: signedMessage(unit),
  };
}

/** What a base accepts: its own fingerprints, its key (if built with one), versions above its own. */
export interface Acceptance {
  readonly engineFingerprint: number;
  readonly baseFingerprint: Uint8Array;
  /** The running app's version: a unit must be above it. */
  readonly runningVersion: number;
  /** The base's Ed25519 public key (32 bytes), if it was built with --update-key. */
  readonly publicKey?: Uint8Array;
  /** Ed25519 verification (io/update/verify.ts on the device, node:crypto or noble on the host). */
  readonly verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;
  /** The body's CRC was checked already and the bytes are under a stronger check since: a unit
      kept across the soft restart (io/update/agent.ts; docs/updates.md, "The soft restart"). */
  readonly bodyChecked?: boolean;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Checks a whole unit against a base; returns it or throws with the reason it is refused. */
export function acceptUnit(bytes: Uint8Array, a: Acceptance): AppUnit {
  const u = decodeUnit(bytes, a.bodyChecked);
  if (u.engineFingerprint !== a.engineFingerprint) {
    throw new Error(`unit built for engine fingerprint 0x${u.engineFingerprint.toString(16).padStart(8, "0")}, this base runs 0x${a.engineFingerprint.toString(16).padStart(8, "0")}`);
  }
  if (hex(u.baseFingerprint) !== hex(a.baseFingerprint)) throw new Error(`unit built for base ${hex(u.baseFingerprint)}, this base is ${hex(a.baseFingerprint)}`);
  if (a.publicKey) {
    if (!u.signed) throw new Error("unsigned unit: this base only runs units signed with its key");
    if (!a.verify(u.signature, u.signedMessage, a.publicKey)) throw new Error("bad signature: not signed with this base's key, or altered");
  }
  if (u.version <= a.runningVersion) throw new Error(`version ${u.version} is not above the running version ${a.runningVersion} (rollback refused)`);
  return u;
}
