/**
 * The DER (ITU-T X.690 § 10) this unit reads and writes: SubjectPublicKeyInfo (RFC 5280 § 4.1,
 * "spki") and PrivateKeyInfo / OneAsymmetricKey (RFC 5208 § 5, RFC 5958 § 2, "pkcs8"), with the
 * algorithm identifiers of RFC 8410 (Ed25519, X25519) and RFC 5480 (P-256), and the ECPrivateKey
 * of RFC 5915 inside. Just those fixed shapes: anything else is a DataError.
 */
import { concatBytes } from "../../bytes.ts";
import { fail } from "./errors.ts";

export const SEQUENCE = 0x30, INTEGER = 0x02, OCTET_STRING = 0x04, BIT_STRING = 0x03, OID = 0x06;

/** One DER value: `tag` and its content bytes. */
export interface Tlv {
  readonly tag: number;
  readonly content: Uint8Array;
}

export function encode(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concatBytes(Uint8Array.of(tag, ...length), body);
}

/** The values one after another in `bytes` (the content of a SEQUENCE), each checked to be well formed and minimally encoded. */
export function decodeAll(bytes: Uint8Array, what: string): Tlv[] {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) fail("DataError", `${what}: truncated DER`);
    const tag = bytes[at];
    let n = bytes[at + 1];
    at += 2;
    if (n >= 0x80) {
      const k = n & 0x7f;
      if (k === 0 || k > 2 || at + k > bytes.length) fail("DataError", `${what}: bad DER length`);
      n = 0;
      for (let i = 0; i < k; i++) n = (n << 8) | bytes[at + i];
      if (n < 0x80 || (k === 2 && n < 0x100)) fail("DataError", `${what}: DER length not minimally encoded`);
      at += k;
    }
    if (at + n > bytes.length) fail("DataError", `${what}: truncated DER`);
    out.push({ tag, content: bytes.subarray(at, at + n) });
    at += n;
  }
  return out;
}

/** The one value `bytes` holds, which must have tag `tag`. */
export function decodeOne(bytes: Uint8Array, tag: number, what: string): Uint8Array {
  const all = decodeAll(bytes, what);
  if (all.length !== 1 || all[0].tag !== tag) fail("DataError", `${what}: unexpected DER structure`);
  return all[0].content;
}

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } */
export function encodeSpki(algorithmId: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return encode(SEQUENCE, algorithmId, encode(BIT_STRING, Uint8Array.of(0), publicKey));
}

/** The public key of SPKI `bytes` whose AlgorithmIdentifier must be exactly `algorithmId`. */
export function decodeSpki(bytes: Uint8Array, algorithmId: Uint8Array, what: string): Uint8Array {
  const [alg, key, ...rest] = decodeAll(decodeOne(bytes, SEQUENCE, what), what);
  if (!alg || !key || rest.length > 0 || key.tag !== BIT_STRING) fail("DataError", `${what}: not a SubjectPublicKeyInfo`);
  if (!sameTlv(alg, algorithmId)) fail("DataError", `${what}: the key's algorithm identifier is not this algorithm's`);
  if (key.content[0] !== 0) fail("DataError", `${what}: the public key BIT STRING has unused bits`);
  return key.content.subarray(1);
}

/** PrivateKeyInfo ::= SEQUENCE { version 0, privateKeyAlgorithm, privateKey OCTET STRING } */
export function encodePkcs8(algorithmId: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return encode(SEQUENCE, encode(INTEGER, Uint8Array.of(0)), algorithmId, encode(OCTET_STRING, privateKey));
}

/** The privateKey OCTET STRING's content of PKCS #8 `bytes` (version 0, or 1 as RFC 5958 allows), whose algorithm must be `algorithmId`. */
export function decodePkcs8(bytes: Uint8Array, algorithmId: Uint8Array, what: string): Uint8Array {
  const [version, alg, key] = decodeAll(decodeOne(bytes, SEQUENCE, what), what);
  if (!version || !alg || !key || version.tag !== INTEGER || version.content.length !== 1 || version.content[0] > 1 || key.tag !== OCTET_STRING) {
    fail("DataError", `${what}: not a PKCS #8 PrivateKeyInfo`);
  }
  if (!sameTlv(alg, algorithmId)) fail("DataError", `${what}: the key's algorithm identifier is not this algorithm's`);
  return key.content;
}

function sameTlv(t: Tlv, der: Uint8Array): boolean {
  const e = encode(t.tag, t.content);
  return e.length === der.length && e.every((b, i) => b === der[i]);
}
