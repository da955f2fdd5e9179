/**
 * What every algorithm of the Web Crypto unit shares: the Provider each algorithm file
 * implements (one per registered algorithm name, Web Cryptography API § 18.4 "Registered
 * algorithms"), reading algorithm dictionaries, and the checks of usages and JWK members that
 * the specification repeats for each algorithm.
 */
import type { CryptoKey, KeyUsage } from "./key.ts";
import { fail } from "./errors.ts";

/** An algorithm dictionary as the app passed it, its name already matched (§ 18.4 step "normalize"). */
export interface Params {
  readonly name: string;
  readonly [member: string]: unknown;
}

export type KeyFormat = "raw" | "spki" | "pkcs8" | "jwk";
export const KEY_FORMATS: readonly KeyFormat[] = ["raw", "spki", "pkcs8", "jwk"];

/** RFC 7517 / RFC 7518 members this unit reads and writes. */
export interface JsonWebKey {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  k?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
}

export interface CryptoKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

/** `length` random bytes for operation `what` (random.ts). */
export type RandomBytes = (length: number, what: string) => Uint8Array;

/** One algorithm's operations; an absent one is NotSupportedError for that operation. */
export interface Provider {
  readonly name: string;
  digest?(data: Uint8Array): Uint8Array;
  generateKey?(params: Params, extractable: boolean, usages: readonly KeyUsage[], random: RandomBytes): CryptoKey | CryptoKeyPair;
  importKey?(format: KeyFormat, data: Uint8Array | JsonWebKey, params: Params, extractable: boolean, usages: readonly KeyUsage[]): CryptoKey;
  exportKey?(format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey;
  sign?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  verify?(params: Params, key: CryptoKey, signature: Uint8Array, data: Uint8Array): boolean;
  encrypt?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  decrypt?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  /** `length` in bits; null asks for the algorithm's whole output (ECDH, X25519). */
  deriveBits?(params: Params, key: CryptoKey, length: number | null): Uint8Array;
  /** The length in bits of a key of this algorithm made by deriveKey (§ "get key length"). */
  keyLength?(params: Params): number | null;
}

/** Member `key` of `params`, which the dictionary requires: absent is a TypeError. */
export function required(params: Params, key: string, what: string): unknown {
  const v = params[key];
  if (v === undefined) throw new TypeError(`${what}: the algorithm needs the member "${key}"`);
  return v;
}

/** Unsigned integer member (Web IDL [EnforceRange] unsigned long/octet): TypeError if not one. */
export function integer(value: unknown, what: string, max = 0xffffffff): number {
  const n = Number(value);
  if (typeof value === "object" || !Number.isFinite(n)) throw new TypeError(`${what} must be a number`);
  const t = Math.trunc(n);
  if (t < 0 || t > max) throw new TypeError(`${what} is out of range (0..${max})`);
  return t;
}

/** The SHA hashes HMAC, HKDF and ECDSA take, by their registered names. */
export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";
const HASHES: readonly HashName[] = ["SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/** A HashAlgorithmIdentifier (a name or { name }) normalised; another name is NotSupportedError. */
export function hashName(value: unknown, what: string): HashName {
  const name = typeof value === "string" ? value : value !== null && typeof value === "object" ? (value as { name?: unknown }).name : undefined;
  if (typeof name !== "string") throw new TypeError(`${what}: hash must be an algorithm name or { name }`);
  const hit = HASHES.find((h) => h.toUpperCase() === name.toUpperCase());
  if (!hit) fail("NotSupportedError", `${what}: unsupported hash ${JSON.stringify(name)} (${HASHES.join(", ")})`);
  return hit;
}

/** Usages outside `allowed` are a SyntaxError (each algorithm's generateKey/importKey step 1). */
export function checkUsages(usages: readonly KeyUsage[], allowed: readonly KeyUsage[], what: string): void {
  const bad = usages.filter((u) => !allowed.includes(u));
  if (bad.length > 0) fail("SyntaxError", `${what}: usage ${bad.map((u) => JSON.stringify(u)).join(", ")} is not allowed (${allowed.length > 0 ? allowed.join(", ") : "none"})`);
}

/**
 * The JWK checks each algorithm's import repeats: kty, use (when usages are given), key_ops
 * holding every usage, and ext false with extractable true; each failure is a DataError.
 */
export function checkJwk(jwk: JsonWebKey, kty: string, use: "sig" | "enc", usages: readonly KeyUsage[], extractable: boolean, what: string): void {
  if (jwk.kty !== kty) fail("DataError", `${what}: the JWK's kty must be "${kty}", not ${JSON.stringify(jwk.kty)}`);
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== use) fail("DataError", `${what}: the JWK's use must be "${use}", not ${JSON.stringify(jwk.use)}`);
  if (jwk.key_ops !== undefined) {
    const ops: unknown = jwk.key_ops;
    if (!Array.isArray(ops) || ops.some((o) => typeof o !== "string") || new Set(ops).size !== ops.length) fail("DataError", `${what}: the JWK's key_ops must be distinct strings`);
    const missing = usages.filter((u) => !ops.includes(u));
    if (missing.length > 0) fail("DataError", `${what}: the JWK's key_ops lack ${missing.join(", ")}`);
  }
  if (jwk.ext === false && extractable) fail("DataError", `${what}: the JWK is not extractable (ext: false) but extractable was asked for`);
}

/** The members every exported JWK carries (key_ops, ext). */
export function jwkCommon(key: CryptoKey): { key_ops: string[]; ext: boolean } {
  return { key_ops: [...key.usages], ext: key.extractable };
}

/** Format `format` for a key of `type`: another is NotSupportedError naming the formats it has. */
export function unsupportedFormat(format: KeyFormat, what: string, formats: string): never {
  fail("NotSupportedError", `${what}: format "${format}" is not supported here (${formats})`);
}
