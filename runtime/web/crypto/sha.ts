/**
 * SHA-1 (FIPS 180-4; for digest and HMAC only, as the specification keeps it for compatibility)
 * and SHA-256/384/512 from @noble/hashes, as digest() providers and by name for HMAC, HKDF and
 * ECDSA.
 */
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { sha1 } from "@noble/hashes/legacy.js";
import type { CHash } from "@noble/hashes/utils.js";
import type { HashName, Provider } from "./algorithm.ts";

export type NobleHash = CHash;

export const HASH: Readonly<Record<HashName, NobleHash>> = { "SHA-1": sha1, "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 };

/** Block sizes in bits (FIPS 180-4 § 1): an HMAC key's default length. */
export const BLOCK_BITS: Readonly<Record<HashName, number>> = { "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };

export const shaProviders: Provider[] = (Object.keys(HASH) as HashName[]).map((name) => ({ name, digest: (data: Uint8Array) => HASH[name](data) }));
