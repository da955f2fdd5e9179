/** HKDF (RFC 5869; Web Cryptography API § 31): a raw, never extractable base key; deriveBits and deriveKey. */
import { hkdf } from "@noble/hashes/hkdf.js";
import { checkUsages, hashName, required, unsupportedFormat, type Provider } from "./algorithm.ts";
import { copyBytes } from "./bytes.ts";
import { fail } from "./errors.ts";
import { keyMaterial, makeKey } from "./key.ts";
import { HASH } from "./sha.ts";

export const hkdfProvider: Provider = {
  name: "HKDF",
  importKey(format, data, _params, extractable, usages) {
    const what = "importKey(HKDF)";
    if (format !== "raw") unsupportedFormat(format, what, "raw");
    checkUsages(usages, ["deriveKey", "deriveBits"], what);
    if (extractable) fail("SyntaxError", `${what}: an HKDF key cannot be extractable`);
    return makeKey("secret", false, { name: "HKDF" }, usages, { bytes: data as Uint8Array });
  },
  deriveBits(params, key, length) {
    const what = "deriveBits(HKDF)";
    const hash = hashName(required(params, "hash", what), what);
    const salt = copyBytes(required(params, "salt", what), `${what}: salt`);
    const info = copyBytes(required(params, "info", what), `${what}: info`);
    if (length === null) fail("OperationError", `${what}: a length is needed`);
    if (length % 8 !== 0) fail("OperationError", `${what}: length ${length} is not a multiple of 8`);
    const hashBytes = HASH[hash].outputLen;
    if (length / 8 > 255 * hashBytes) fail("OperationError", `${what}: length ${length} is more than 255 blocks of ${hash}`);
    if (length === 0) return new Uint8Array(0);
    return hkdf(HASH[hash], keyMaterial(key, "baseKey").bytes, salt, info, length / 8);
  },
  keyLength: () => null,
};
