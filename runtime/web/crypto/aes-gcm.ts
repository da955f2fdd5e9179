/**
 * AES-GCM (NIST SP 800-38D; Web Cryptography API § 27) with 128-, 192- and 256-bit keys from
 * @noble/ciphers. noble computes the full 128-bit tag; a shorter tagLength is its prefix
 * (SP 800-38D § 5.2.1.2), checked on decrypt by recomputing the tag over the recovered plaintext.
 * noble needs an IV of at least 8 bytes (12 is what SP 800-38D recommends); a shorter one is
 * refused with an OperationError.
 */
import { gcm } from "@noble/ciphers/aes.js";
import { checkJwk, checkUsages, integer, jwkCommon, required, unsupportedFormat, type JsonWebKey, type Params, type Provider } from "./algorithm.ts";
import { equalBytes } from "../../bytes.ts";
import { base64url, copyBytes, fromBase64url } from "./bytes.ts";
import { fail } from "./errors.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./key.ts";

const USAGES: readonly KeyUsage[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];
const FULL_TAG = 16;

function checkLength(bits: number, what: string): number {
  if (bits !== 128 && bits !== 192 && bits !== 256) fail("OperationError", `${what}: the AES key length must be 128, 192 or 256 bits, not ${bits}`);
  return bits;
}

function make(bytes: Uint8Array, extractable: boolean, usages: readonly KeyUsage[]): CryptoKey {
  return makeKey("secret", extractable, { name: "AES-GCM", length: bytes.length * 8 }, usages, { bytes });
}

/** The iv, additionalData and tag length (bytes) of AesGcmParams. */
function gcmParams(params: Params, what: string): { iv: Uint8Array; aad: Uint8Array | undefined; tagBytes: number } {
  const iv = copyBytes(required(params, "iv", what), `${what}: iv`);
  if (iv.length < 8) fail("OperationError", `${what}: the iv is ${iv.length} bytes; at least 8 are needed here (12 recommended)`);
  const aad = params.additionalData === undefined ? undefined : copyBytes(params.additionalData, `${what}: additionalData`);
  const tagBits = params.tagLength === undefined ? 128 : integer(params.tagLength, `${what}: tagLength`, 255);
  if (!TAG_LENGTHS.includes(tagBits)) fail("OperationError", `${what}: tagLength must be one of ${TAG_LENGTHS.join(", ")}, not ${tagBits}`);
  return { iv, aad, tagBytes: tagBits / 8 };
}

export const aesGcmProvider: Provider = {
  name: "AES-GCM",
  generateKey(params, extractable, usages, random) {
    const what = "generateKey(AES-GCM)";
    checkUsages(usages, USAGES, what);
    const bits = checkLength(integer(required(params, "length", what), `${what}: length`, 0xffff), what);
    return make(random(bits / 8, what), extractable, usages);
  },
  importKey(format, data, _params, extractable, usages) {
    const what = "importKey(AES-GCM)";
    checkUsages(usages, USAGES, what);
    let bytes: Uint8Array;
    if (format === "raw") bytes = data as Uint8Array;
    else if (format === "jwk") {
      const jwk = data as JsonWebKey;
      checkJwk(jwk, "oct", "enc", usages, extractable, what);
      bytes = fromBase64url(jwk.k, `${what}: the JWK's k`);
      const alg = `A${bytes.length * 8}GCM`;
      if (jwk.alg !== undefined && jwk.alg !== alg) fail("DataError", `${what}: the JWK's alg ${JSON.stringify(jwk.alg)} is not ${alg}`);
    } else unsupportedFormat(format, what, "raw, jwk");
    if (![16, 24, 32].includes(bytes.length)) fail("DataError", `${what}: an AES key is 16, 24 or 32 bytes, not ${bytes.length}`);
    return make(bytes, extractable, usages);
  },
  exportKey(format, key) {
    const bytes = keyMaterial(key, "key").bytes;
    if (format === "raw") return bytes.slice();
    if (format === "jwk") return { kty: "oct", k: base64url(bytes), alg: `A${bytes.length * 8}GCM`, ...jwkCommon(key) };
    return unsupportedFormat(format, "exportKey(AES-GCM)", "raw, jwk");
  },
  encrypt(params, key, data) {
    const { iv, aad, tagBytes } = gcmParams(params, "encrypt(AES-GCM)");
    const sealed = gcm(keyMaterial(key, "key").bytes, iv, aad).encrypt(data);
    return sealed.subarray(0, sealed.length - FULL_TAG + tagBytes);
  },
  decrypt(params, key, data) {
    const what = "decrypt(AES-GCM)";
    const { iv, aad, tagBytes } = gcmParams(params, what);
    if (data.length < tagBytes) fail("OperationError", `${what}: the data is shorter than the tag`);
    const k = keyMaterial(key, "key").bytes;
    const ciphertext = data.subarray(0, data.length - tagBytes);
    const tag = data.subarray(data.length - tagBytes);
    if (tagBytes === FULL_TAG) {
      try {
        return gcm(k, iv, aad).decrypt(data);
      } catch {
        fail("OperationError", `${what}: the authentication tag does not match`);
      }
    }
    // GCM's keystream is the same both ways: "encrypting" the ciphertext yields the plaintext
    // (its tag is meaningless), and encrypting that plaintext yields the true tag to compare.
    const plain = gcm(k, iv, aad).encrypt(ciphertext).subarray(0, ciphertext.length);
    const full = gcm(k, iv, aad).encrypt(plain);
    if (!equalBytes(full.subarray(ciphertext.length, ciphertext.length + tagBytes), tag)) fail("OperationError", `${what}: the authentication tag does not match`);
    return plain;
  },
  keyLength(params) {
    const what = "deriveKey(AES-GCM)";
    return checkLength(integer(required(params, "length", what), `${what}: length`, 0xffff), what);
  },
};
