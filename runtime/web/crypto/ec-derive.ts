/**
 * What ECDH and X25519 deriveBits share (Web Cryptography API § 26.4 and the X25519 steps): the
 * check of the peer's public key, and the whole secret when length is null, else its first
 * `length` bits (more bits than the secret has is an OperationError).
 */
import { required, type Params } from "./algorithm.ts";
import { fail } from "./errors.ts";
import { keyMaterial, type CryptoKey } from "./key.ts";

export function truncateBits(secret: Uint8Array, length: number | null, what: string): Uint8Array {
  if (length === null) return secret;
  if (length > secret.length * 8) fail("OperationError", `${what}: ${length} bits asked for; the shared secret has ${secret.length * 8}`);
  const out = secret.slice(0, Math.ceil(length / 8));
  if (length % 8) out[out.length - 1] &= 0xff << (8 - (length % 8));
  return out;
}

/** The `public` member of EcdhKeyDeriveParams: a public key of the same algorithm (and curve) as `key`, else InvalidAccessError. */
export function peerKey(params: Params, key: CryptoKey, what: string): CryptoKey {
  const pub = required(params, "public", what);
  keyMaterial(pub, `${what}: public`);
  const peer = pub as CryptoKey;
  if (peer.type !== "public") fail("InvalidAccessError", `${what}: the "public" member must be a public key, not a ${peer.type} one`);
  if (peer.algorithm.name !== key.algorithm.name || peer.algorithm.namedCurve !== key.algorithm.namedCurve) {
    fail("InvalidAccessError", `${what}: the public key is a ${peer.algorithm.name} key, the base key ${key.algorithm.name}`);
  }
  return peer;
}

