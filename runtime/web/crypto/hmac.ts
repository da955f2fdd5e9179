/** HMAC (RFC 2104; Web Cryptography API § 29) over SHA-1/256/384/512. */
import { hmac } from "@noble/hashes/hmac.js";
import { checkJwk, checkUsages, hashName, integer, jwkCommon, required, unsupportedFormat, type HashName, type JsonWebKey, type Params, type Provider } from "./algorithm.ts";
import { equalBytes } from "../../bytes.ts";
import { base64url, fromBase64url } from "./bytes.ts";
import { fail } from "./errors.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./key.ts";
import { BLOCK_BITS, HASH } from "./sha.ts";

const USAGES: readonly KeyUsage[] = ["sign", "verify"];
const JWK_ALG: Readonly<Record<HashName, string>> = { "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };

/** The length member (bits): absent means the hash's block size; 0 is `zero` (generateKey: OperationError, importKey: DataError). */
function keyLength(params: Params, hash: HashName, what: string, zero: "OperationError" | "DataError"): number {
  if (params.length === undefined) return BLOCK_BITS[hash];
  const n = integer(params.length, `${what}: length`);
  if (n === 0) fail(zero, `${what}: an HMAC key of length 0`);
  return n;
}

function make(bytes: Uint8Array, hash: HashName, lengthBits: number, extractable: boolean, usages: readonly KeyUsage[]): CryptoKey {
  return makeKey("secret", extractable, { name: "HMAC", hash: { name: hash }, length: lengthBits }, usages, { bytes });
}

function mac(key: CryptoKey, data: Uint8Array): Uint8Array {
  const hash = key.algorithm.hash!.name as HashName;
  return hmac(HASH[hash], keyMaterial(key, "key").bytes, data);
}

export const hmacProvider: Provider = {
  name: "HMAC",
  generateKey(params, extractable, usages, random) {
    const what = "generateKey(HMAC)";
    checkUsages(usages, USAGES, what);
    const hash = hashName(required(params, "hash", what), what);
    const bits = keyLength(params, hash, what, "OperationError");
    const bytes = random(Math.ceil(bits / 8), what);
    if (bits % 8) bytes[bytes.length - 1] &= 0xff << (8 - (bits % 8));
    return make(bytes, hash, bits, extractable, usages);
  },
  importKey(format, data, params, extractable, usages) {
    const what = "importKey(HMAC)";
    checkUsages(usages, USAGES, what);
    const hash = hashName(required(params, "hash", what), what);
    let bytes: Uint8Array;
    if (format === "raw") bytes = data as Uint8Array;
    else if (format === "jwk") {
      const jwk = data as JsonWebKey;
      checkJwk(jwk, "oct", "sig", usages, extractable, what);
      bytes = fromBase64url(jwk.k, `${what}: the JWK's k`);
      if (jwk.alg !== undefined && jwk.alg !== JWK_ALG[hash]) fail("DataError", `${what}: the JWK's alg ${JSON.stringify(jwk.alg)} is not ${JWK_ALG[hash]}`);
    } else unsupportedFormat(format, what, "raw, jwk");
    if (bytes.length === 0) fail("DataError", `${what}: the key is empty`);
    const bits = params.length === undefined ? bytes.length * 8 : keyLength(params, hash, what, "DataError");
    if (bits > bytes.length * 8 || bits <= bytes.length * 8 - 8) fail("DataError", `${what}: length ${bits} does not match a key of ${bytes.length} bytes`);
    return make(bytes, hash, bits, extractable, usages);
  },
  exportKey(format, key) {
    const bytes = keyMaterial(key, "key").bytes;
    if (format === "raw") return bytes.slice();
    if (format === "jwk") return { kty: "oct", k: base64url(bytes), alg: JWK_ALG[key.algorithm.hash!.name as HashName], ...jwkCommon(key) };
    return unsupportedFormat(format, "exportKey(HMAC)", "raw, jwk");
  },
  sign: (_params, key, data) => mac(key, data),
  verify: (_params, key, signature, data) => equalBytes(mac(key, data), signature),
  keyLength(params) {
    const what = "deriveKey(HMAC)";
    const hash = hashName(required(params, "hash", what), what);
    if (params.length === undefined) return BLOCK_BITS[hash];
    const n = integer(params.length, `${what}: length`);
    if (n === 0) throw new TypeError(`${what}: length must not be 0`);
    return n;
  },
};
