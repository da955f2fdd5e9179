/**
 * Ed25519 (RFC 8032) signatures and X25519 (RFC 7748) key agreement from @noble/curves, as the
 * Web Cryptography API's Secure Curves (W3C draft, now in the main specification § 24–25):
 * RFC 8410 identifiers and key encodings (a 32-byte public key, the private key an OCTET STRING
 * of its 32 bytes in pkcs8), JWK kty "OKP" (RFC 8037).
 */
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import type { JsonWebKey, Provider } from "./algorithm.ts";
import { keyPairOps, type Curve } from "./asymmetric.ts";
import { base64url, fromBase64url } from "./bytes.ts";
import { decodeOne, encode, OCTET_STRING, OID, SEQUENCE } from "./der.ts";
import { fail } from "./errors.ts";
import { keyMaterial } from "./key.ts";
import { peerKey, truncateBits } from "./ec-derive.ts";

function okpCurve(crv: "Ed25519" | "X25519", oid: number, publicOf: (secret: Uint8Array) => Uint8Array, use: "sig" | "enc"): Curve {
  const exact = (bytes: Uint8Array, what: string, part: string) => {
    if (bytes.length !== 32) fail("DataError", `${what}: an ${crv} ${part} is 32 bytes, not ${bytes.length}`);
    return bytes;
  };
  return {
    // id-Ed25519 1.3.101.112, id-X25519 1.3.101.110 (RFC 8410 § 3), parameters absent.
    algorithmId: encode(SEQUENCE, encode(OID, Uint8Array.of(0x2b, 0x65, oid))),
    randomSecret: (random, what) => random(32, what),
    publicOf: (secret) => publicOf(secret),
    checkPublic: (raw, what) => exact(raw, what, "public key").slice(),
    // CurvePrivateKey ::= OCTET STRING (RFC 8410 § 7).
    wrapPrivate: (secret) => encode(OCTET_STRING, secret),
    unwrapPrivate: (content, what) => exact(decodeOne(content, OCTET_STRING, what), what, "private key").slice(),
    kty: "OKP",
    jwkUse: use,
    // Ed25519 keys name their JWS algorithm (RFC 9864 § 2), as Node exports them.
    toJwk: (pub, secret) => ({ crv, ...(secret ? { d: base64url(secret) } : {}), x: base64url(pub), kty: "OKP", ...(crv === "Ed25519" ? { alg: "Ed25519" } : {}) }),
    fromJwk(jwk: JsonWebKey, what) {
      if (jwk.crv !== crv) fail("DataError", `${what}: the JWK's crv must be "${crv}", not ${JSON.stringify(jwk.crv)}`);
      const pub = exact(fromBase64url(jwk.x, `${what}: the JWK's x`), what, "public key");
      return jwk.d === undefined ? { pub } : { pub, secret: exact(fromBase64url(jwk.d, `${what}: the JWK's d`), what, "private key") };
    },
  };
}

const algorithm = (name: string) => () => ({ name });

export const ed25519Provider: Provider = {
  name: "Ed25519",
  ...keyPairOps(okpCurve("Ed25519", 0x70, (s) => ed25519.getPublicKey(s), "sig"), { private: ["sign"], public: ["verify"] }, algorithm("Ed25519")),
  sign: (_params, key, data) => ed25519.sign(data, keyMaterial(key, "key").bytes),
  verify(_params, key, signature, data) {
    if (signature.length !== 64) return false;
    try {
      // RFC 8032 § 5.1.7 as written (no ZIP-215 leniency), as the specification asks.
      return ed25519.verify(signature, data, keyMaterial(key, "key").bytes, { zip215: false });
    } catch {
      return false;
    }
  },
};

export const x25519Provider: Provider = {
  name: "X25519",
  ...keyPairOps(okpCurve("X25519", 0x6e, (s) => x25519.getPublicKey(s), "enc"), { private: ["deriveKey", "deriveBits"], public: [] }, algorithm("X25519")),
  deriveBits(params, key, length) {
    const what = "deriveBits(X25519)";
    const pub = peerKey(params, key, what);
    let secret: Uint8Array;
    try {
      secret = x25519.getSharedSecret(keyMaterial(key, "baseKey").bytes, keyMaterial(pub, "public").bytes);
    } catch {
      // RFC 7748 § 6.1: an all-zero shared secret (a small-order public key) must be refused.
      fail("OperationError", `${what}: the public key is of small order (all-zero shared secret)`);
    }
    return truncateBits(secret, length, what);
  },
};
