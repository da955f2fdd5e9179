/**
 * The TLS 1.3 key schedule for the SHA-256 cipher suites (RFC 8446 7.1): HKDF-Expand-Label,
 * Derive-Secret, the early, handshake and master secrets, the traffic secrets and their keys
 * (7.3), Finished keys (4.4.4) and the KeyUpdate step (7.2). Both suites this server offers use
 * SHA-256, so the hash is fixed.
 */
import { extract, expand } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "../../runtime/bytes.ts";
import { u16, vec } from "./bytes.ts";

export const HASH_LENGTH = 32;

const encoder = new TextEncoder();
const ZEROS = new Uint8Array(HASH_LENGTH);
const EMPTY_HASH = sha256(new Uint8Array(0));

/** HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 7.1). */
export function expandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const info = concatBytes(u16(length), vec(1, encoder.encode(`tls13 ${label}`)), vec(1, context));
  return expand(sha256, secret, info, length);
}

/** Derive-Secret(Secret, Label, Messages), with the transcript hash already taken. */
export function deriveSecret(secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return expandLabel(secret, label, transcriptHash, HASH_LENGTH);
}

/** The handshake secret from the (EC)DHE shared secret, with no PSK (RFC 8446 7.1, the figure). */
export function handshakeSecret(sharedSecret: Uint8Array): Uint8Array {
  const early = extract(sha256, ZEROS, ZEROS);
  // noble's extract takes (hash, IKM, salt): RFC 8446 7.1 draws the salt from the left.
  return extract(sha256, sharedSecret, deriveSecret(early, "derived", EMPTY_HASH));
}

export function masterSecret(handshake: Uint8Array): Uint8Array {
  return extract(sha256, ZEROS, deriveSecret(handshake, "derived", EMPTY_HASH));
}

/** The write key and IV of a traffic secret (RFC 8446 7.3). */
export function trafficKeys(secret: Uint8Array, keyLength: number): { key: Uint8Array; iv: Uint8Array } {
  return { key: expandLabel(secret, "key", new Uint8Array(0), keyLength), iv: expandLabel(secret, "iv", new Uint8Array(0), 12) };
}

/** verify_data of a Finished message (RFC 8446 4.4.4). */
export function finishedMac(baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = expandLabel(baseKey, "finished", new Uint8Array(0), HASH_LENGTH);
  return hmac(sha256, finishedKey, transcriptHash);
}

/** application_traffic_secret_N+1 (RFC 8446 7.2). */
export function nextTrafficSecret(secret: Uint8Array): Uint8Array {
  return expandLabel(secret, "traffic upd", new Uint8Array(0), HASH_LENGTH);
}

/** The running transcript hash (RFC 8446 4.4.1): handshake messages as sent, header included. */
export class Transcript {
  private h = sha256.create();

  add(message: Uint8Array): void {
    this.h.update(message);
  }

  /** The hash of everything added so far; more may be added after. */
  hash(): Uint8Array {
    return this.h.clone().digest();
  }

  /**
   * After a HelloRetryRequest the first ClientHello is replaced by message_hash: handshake type
   * 254, a 3-byte length of 32, and its hash (RFC 8446 4.4.1).
   */
  replaceWithMessageHash(): void {
    const first = this.hash();
    this.h = sha256.create();
    this.h.update(concatBytes(Uint8Array.of(254, 0, 0, HASH_LENGTH), first));
  }
}
