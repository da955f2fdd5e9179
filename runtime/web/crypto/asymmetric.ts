/**
 * Key pairs of the elliptic-curve algorithms (Ed25519, X25519, ECDSA and ECDH on P-256):
 * generateKey, importKey and exportKey in the raw, spki, pkcs8 and jwk formats, which the
 * specification defines alike for each (Web Cryptography API § 23–26 and the Secure Curves
 * draft): raw and spki hold public keys, pkcs8 private ones, a JWK either. What differs per curve
 * is in a Curve (okp.ts, p256.ts).
 */
import { checkJwk, checkUsages, jwkCommon, unsupportedFormat, type CryptoKeyPair, type JsonWebKey, type Params, type Provider, type RandomBytes } from "./algorithm.ts";
import { decodePkcs8, decodeSpki, encodePkcs8, encodeSpki } from "./der.ts";
import { equalBytes } from "../../bytes.ts";
import { fail } from "./errors.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyAlgorithm, type KeyUsage } from "./key.ts";

export interface Curve {
  /** The DER AlgorithmIdentifier of its spki and pkcs8 forms. */
  readonly algorithmId: Uint8Array;
  /** A new secret key (scalar or seed) from `random`. */
  randomSecret(random: RandomBytes, what: string): Uint8Array;
  /** The public key (raw encoding) of a secret; an invalid secret is a DataError. */
  publicOf(secret: Uint8Array, what: string): Uint8Array;
  /** Checks a raw public key and returns it in the form this unit keeps (P-256: uncompressed); DataError if it is none. */
  checkPublic(raw: Uint8Array, what: string): Uint8Array;
  /** The pkcs8 privateKey OCTET STRING's content for a key pair, and back (DataError if malformed or inconsistent). */
  wrapPrivate(secret: Uint8Array, pub: Uint8Array): Uint8Array;
  unwrapPrivate(content: Uint8Array, what: string): Uint8Array;
  /** JWK members of the key (kty, crv, x[, y], and d for a private key), and back. */
  toJwk(pub: Uint8Array, secret: Uint8Array | undefined): JsonWebKey;
  readonly kty: string;
  readonly jwkUse: "sig" | "enc";
  fromJwk(jwk: JsonWebKey, what: string): { pub: Uint8Array; secret?: Uint8Array };
}

/** The usages a private and a public key of the algorithm may have. */
export interface PairUsages {
  readonly private: readonly KeyUsage[];
  readonly public: readonly KeyUsage[];
}

/** The key-pair half of a Provider for algorithm `algorithm` on `curve`. */
export function keyPairOps(curve: Curve, usages: PairUsages, algorithm: (params: Params, what: string) => KeyAlgorithm): Pick<Provider, "generateKey" | "importKey" | "exportKey"> {
  const name = (params: Params) => params.name;
  return {
    generateKey(params, extractable, wanted, random): CryptoKeyPair {
      const what = `generateKey(${name(params)})`;
      const alg = algorithm(params, what);
      checkUsages(wanted, [...usages.private, ...usages.public], what);
      const secret = curve.randomSecret(random, what);
      const pub = curve.publicOf(secret, what);
      return {
        // The public key is always extractable (§ 14.3.6 generateKey of each algorithm).
        publicKey: makeKey("public", true, alg, wanted.filter((u) => usages.public.includes(u)), { bytes: pub }),
        privateKey: makeKey("private", extractable, alg, wanted.filter((u) => usages.private.includes(u)), { bytes: secret, publicBytes: pub }),
      };
    },
    importKey(format, data, params, extractable, wanted): CryptoKey {
      const what = `importKey(${name(params)})`;
      const alg = algorithm(params, what);
      const publicKey = (pub: Uint8Array) => {
        checkUsages(wanted, usages.public, what);
        return makeKey("public", extractable, alg, wanted, { bytes: pub });
      };
      const privateKey = (secret: Uint8Array, pub: Uint8Array) => {
        checkUsages(wanted, usages.private, what);
        return makeKey("private", extractable, alg, wanted, { bytes: secret, publicBytes: pub });
      };
      switch (format) {
        case "raw":
          return publicKey(curve.checkPublic(data as Uint8Array, what));
        case "spki":
          return publicKey(curve.checkPublic(decodeSpki(data as Uint8Array, curve.algorithmId, what), what));
        case "pkcs8": {
          const secret = curve.unwrapPrivate(decodePkcs8(data as Uint8Array, curve.algorithmId, what), what);
          return privateKey(secret, curve.publicOf(secret, what));
        }
        case "jwk": {
          const jwk = data as JsonWebKey;
          checkJwk(jwk, curve.kty, curve.jwkUse, wanted, extractable, what);
          const { pub, secret } = curve.fromJwk(jwk, what);
          if (!secret) return publicKey(pub);
          if (!equalBytes(curve.publicOf(secret, what), pub)) fail("DataError", `${what}: the JWK's public key does not belong to its private key`);
          return privateKey(secret, pub);
        }
      }
    },
    exportKey(format, key) {
      const what = `exportKey(${key.algorithm.name})`;
      const m = keyMaterial(key, "key");
      const priv = key.type === "private";
      const pub = priv ? m.publicBytes! : m.bytes;
      if (format === "jwk") return { ...curve.toJwk(pub, priv ? m.bytes : undefined), ...jwkCommon(key) };
      if (format === "pkcs8" && priv) return encodePkcs8(curve.algorithmId, curve.wrapPrivate(m.bytes, pub));
      if (format === "spki" && !priv) return encodeSpki(curve.algorithmId, pub);
      if (format === "raw" && !priv) return pub.slice();
      if (format === "raw" || format === "spki" || format === "pkcs8") fail("InvalidAccessError", `${what}: a ${key.type} key cannot be exported as ${format}`);
      return unsupportedFormat(format, what, "raw, spki, pkcs8, jwk");
    },
  };
}
