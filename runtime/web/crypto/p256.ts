/**
 * ECDSA and ECDH on NIST P-256 (FIPS 186-5, SEC 1) from @noble/curves (Web Cryptography API
 * § 23, § 26): signatures in the IEEE P1363 form r || s (32 bytes each) over SHA-1/256/384/512 of
 * the data, any s accepted (the specification does not ask for low-s); keys as RFC 5480 spki
 * (uncompressed point), RFC 5915 ECPrivateKey in pkcs8 with the public key included, as Node and
 * browsers export it, SEC 1 points in raw (compressed ones accepted on import), JWK kty "EC".
 */
import { p256 } from "@noble/curves/nist.js";
import { hashName, required, type JsonWebKey, type Params, type Provider } from "./algorithm.ts";
import { keyPairOps, type Curve } from "./asymmetric.ts";
import { concatBytes, equalBytes } from "../../bytes.ts";
import { base64url, fromBase64url } from "./bytes.ts";
import { BIT_STRING, decodeAll, decodeOne, encode, INTEGER, OCTET_STRING, OID, SEQUENCE } from "./der.ts";
import { peerKey, truncateBits } from "./ec-derive.ts";
import { fail } from "./errors.ts";
import { keyMaterial, type KeyAlgorithm } from "./key.ts";
import { HASH } from "./sha.ts";

// id-ecPublicKey 1.2.840.10045.2.1 and secp256r1 1.2.840.10045.3.1.7 (RFC 5480 § 2.1.1).
const EC_PUBLIC_KEY = encode(OID, Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01));
const SECP256R1 = encode(OID, Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07));

function publicOf(secret: Uint8Array, what: string): Uint8Array {
  if (secret.length !== 32 || !p256.utils.isValidSecretKey(secret)) fail("DataError", `${what}: not a P-256 private key`);
  return p256.getPublicKey(secret, false);
}

const curve: Curve = {
  algorithmId: encode(SEQUENCE, EC_PUBLIC_KEY, SECP256R1),
  // FIPS 186-5 A.4.1: 64 bits more than the order, reduced, so the scalar is uniform.
  randomSecret: (random, what) => p256.utils.randomSecretKey(random(48, what)),
  publicOf,
  checkPublic(raw, what) {
    try {
      return p256.Point.fromBytes(raw).toBytes(false);
    } catch {
      return fail("DataError", `${what}: not a P-256 public key (SEC 1 point)`);
    }
  },
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
  wrapPrivate: (secret, pub) => encode(SEQUENCE, encode(INTEGER, Uint8Array.of(1)), encode(OCTET_STRING, secret), encode(0xa1, encode(BIT_STRING, Uint8Array.of(0), pub))),
  unwrapPrivate(content, what) {
    const [version, key, ...rest] = decodeAll(decodeOne(content, SEQUENCE, what), what);
    if (!version || !key || version.tag !== INTEGER || version.content.length !== 1 || version.content[0] !== 1 || key.tag !== OCTET_STRING || key.content.length !== 32) {
      fail("DataError", `${what}: not an ECPrivateKey`);
    }
    const secret = key.content.slice();
    for (const field of rest) {
      if (field.tag === 0xa0 && equalBytes(field.content, SECP256R1)) continue;
      if (field.tag === 0xa1) {
        const bits = decodeOne(field.content, BIT_STRING, what);
        if (bits[0] === 0 && equalBytes(bits.subarray(1), publicOf(secret, what))) continue;
        fail("DataError", `${what}: the ECPrivateKey's public key does not belong to its private key`);
      }
      fail("DataError", `${what}: unexpected field in the ECPrivateKey (or a curve other than P-256)`);
    }
    return secret;
  },
  kty: "EC",
  jwkUse: "sig",
  toJwk: (pub, secret) => ({ crv: "P-256", ...(secret ? { d: base64url(secret) } : {}), x: base64url(pub.subarray(1, 33)), y: base64url(pub.subarray(33)), kty: "EC" }),
  fromJwk(jwk: JsonWebKey, what) {
    if (jwk.crv !== "P-256") fail("DataError", `${what}: the JWK's crv must be "P-256", not ${JSON.stringify(jwk.crv)}`);
    const x = fromBase64url(jwk.x, `${what}: the JWK's x`), y = fromBase64url(jwk.y, `${what}: the JWK's y`);
    if (x.length !== 32 || y.length !== 32) fail("DataError", `${what}: the JWK's x and y must be 32 bytes each`);
    const pub = curve.checkPublic(concatBytes(Uint8Array.of(4), x, y), what);
    if (jwk.d === undefined) return { pub };
    const d = fromBase64url(jwk.d, `${what}: the JWK's d`);
    if (d.length !== 32) fail("DataError", `${what}: the JWK's d must be 32 bytes`);
    return { pub, secret: d };
  },
};

/** EcKeyGenParams / EcKeyImportParams: namedCurve must be "P-256", the one curve here. */
function ecAlgorithm(name: "ECDSA" | "ECDH") {
  return (params: Params, what: string): KeyAlgorithm => {
    const namedCurve = required(params, "namedCurve", what);
    if (typeof namedCurve !== "string") throw new TypeError(`${what}: namedCurve must be a string`);
    if (namedCurve !== "P-256") fail("NotSupportedError", `${what}: curve ${JSON.stringify(namedCurve)} is not supported (P-256 only)`);
    return { name, namedCurve };
  };
}

function digestFor(params: Params, data: Uint8Array, what: string): Uint8Array {
  return HASH[hashName(required(params, "hash", what), what)](data);
}

const ecdsaPairs = keyPairOps(curve, { private: ["sign"], public: ["verify"] }, ecAlgorithm("ECDSA"));

export const ecdsaProvider: Provider = {
  name: "ECDSA",
  ...ecdsaPairs,
  importKey(format, data, params, extractable, usages) {
    const jwk = data as JsonWebKey;
    if (format === "jwk" && jwk.alg !== undefined && jwk.alg !== "ES256") fail("DataError", `importKey(ECDSA): the JWK's alg must be "ES256", not ${JSON.stringify(jwk.alg)}`);
    return ecdsaPairs.importKey!(format, data, params, extractable, usages);
  },
  sign: (params, key, data) => p256.sign(digestFor(params, data, "sign(ECDSA)"), keyMaterial(key, "key").bytes, { prehash: false, lowS: false }),
  verify(params, key, signature, data) {
    const digest = digestFor(params, data, "verify(ECDSA)");
    if (signature.length !== 64) return false;
    try {
      return p256.verify(signature, digest, keyMaterial(key, "key").bytes, { prehash: false, lowS: false });
    } catch {
      return false;
    }
  },
};

export const ecdhProvider: Provider = {
  name: "ECDH",
  ...keyPairOps({ ...curve, jwkUse: "enc" }, { private: ["deriveKey", "deriveBits"], public: [] }, ecAlgorithm("ECDH")),
  deriveBits(params, key, length) {
    const what = "deriveBits(ECDH)";
    const pub = peerKey(params, key, what);
    // SEC 1 § 3.3.1: the shared secret is the x-coordinate (noble returns the compressed point).
    const point = p256.getSharedSecret(keyMaterial(key, "baseKey").bytes, keyMaterial(pub, "public").bytes, true);
    return truncateBits(point.slice(1), length, what);
  },
};
