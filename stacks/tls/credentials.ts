/**
 * The server's certificate chain and private key, as serve({ tls: { cert, key } }) takes them:
 * an X.509 certificate (PEM, several for a chain, or DER) and a PKCS#8 private key (PEM or DER,
 * RFC 5208 / RFC 5958) for Ed25519 (RFC 8410) or ECDSA P-256 (RFC 5480, RFC 5915). The key must
 * belong to the first certificate. The signature scheme follows from the key: ed25519 (0x0807) or
 * ecdsa_secp256r1_sha256 (0x0403) (RFC 8446 4.2.3).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { equalBytes } from "../../runtime/bytes.ts";
import { DerError, derChildren, derOne, oidText, pemBlocks, TAG, type DerNode } from "./der.ts";

export type KeyMaterial = string | Uint8Array | ArrayBuffer;

export const SignatureScheme = { ecdsa_secp256r1_sha256: 0x0403, ed25519: 0x0807, rsa_pss_rsae_sha256: 0x0804 } as const;

export interface Signer {
  /** The SignatureScheme of CertificateVerify. */
  readonly scheme: number;
  sign(content: Uint8Array): Uint8Array;
}

export interface Credentials extends Signer {
  /** DER certificates, the end-entity one first (RFC 8446 4.4.2). */
  readonly chain: readonly Uint8Array[];
}

const OID_ED25519 = "1.3.101.112";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_P256 = "1.2.840.10045.3.1.7";

interface PublicKey {
  readonly algorithm: "ed25519" | "p256";
  readonly key: Uint8Array;
}

function bytesOf(m: KeyMaterial, what: string): Uint8Array | string {
  if (typeof m === "string") return m;
  if (m instanceof Uint8Array) return m;
  if (m instanceof ArrayBuffer) return new Uint8Array(m);
  throw new TypeError(`tls.${what} must be a PEM string, a Uint8Array or an ArrayBuffer of DER`);
}

function text(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

/** DER blocks from PEM text or DER bytes (a DER element starts with a SEQUENCE tag). */
function derBlocks(m: KeyMaterial, what: string, labels: readonly string[]): Uint8Array[] {
  const b = bytesOf(m, what);
  if (typeof b !== "string" && b.length > 0 && b[0] === TAG.SEQUENCE) return [b];
  const blocks = pemBlocks(typeof b === "string" ? b : text(b), labels);
  if (blocks.length === 0) throw new TypeError(`tls.${what}: no PEM block ${labels.map((l) => `"${l}"`).join(" or ")} and not DER`);
  return blocks.map((x) => x.der);
}

function seq(node: DerNode, what: string): DerNode[] {
  if (node.tag !== TAG.SEQUENCE) throw new DerError(`${what}: expected a SEQUENCE`);
  return derChildren(node.value, what);
}

/** The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 4.1). */
export function certificatePublicKey(der: Uint8Array): PublicKey {
  const cert = seq(derOne(der, TAG.SEQUENCE, "certificate"), "certificate");
  if (cert.length !== 3) throw new DerError("certificate: expected tbsCertificate, signatureAlgorithm, signatureValue");
  const tbs = seq(cert[0], "tbsCertificate");
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  if (fields.length < 6) throw new DerError("tbsCertificate: too few fields");
  const spki = seq(fields[5], "subjectPublicKeyInfo");
  if (spki.length !== 2 || spki[1].tag !== TAG.BIT_STRING) throw new DerError("subjectPublicKeyInfo: expected algorithm and a BIT STRING");
  const alg = seq(spki[0], "subjectPublicKeyInfo.algorithm");
  if (alg[0]?.tag !== TAG.OID) throw new DerError("subjectPublicKeyInfo.algorithm: no OID");
  const bits = spki[1].value;
  if (bits[0] !== 0) throw new DerError("subjectPublicKeyInfo: a key with unused bits");
  const key = bits.subarray(1);
  const oid = oidText(alg[0].value);
  if (oid === OID_ED25519 && key.length === 32) return { algorithm: "ed25519", key };
  if (oid === OID_EC_PUBLIC_KEY && alg[1]?.tag === TAG.OID && oidText(alg[1].value) === OID_P256) return { algorithm: "p256", key };
  throw new TypeError(`tls.cert: the certificate's key (${oid}${alg[1]?.tag === TAG.OID ? ` ${oidText(alg[1].value)}` : ""}) is neither Ed25519 nor ECDSA P-256`);
}

/** The private key of a PKCS#8 PrivateKeyInfo (RFC 5958 2). */
export function pkcs8PrivateKey(der: Uint8Array): { algorithm: "ed25519" | "p256"; key: Uint8Array } {
  const info = seq(derOne(der, TAG.SEQUENCE, "private key"), "PrivateKeyInfo");
  if (info.length < 3 || info[0].tag !== TAG.INTEGER || info[2].tag !== TAG.OCTET_STRING) throw new DerError("PrivateKeyInfo: expected version, algorithm, privateKey");
  const alg = seq(info[1], "privateKeyAlgorithm");
  const oid = alg[0]?.tag === TAG.OID ? oidText(alg[0].value) : "";
  if (oid === OID_ED25519) {
    // RFC 8410 7: CurvePrivateKey ::= OCTET STRING, inside the privateKey OCTET STRING.
    const k = derOne(info[2].value, TAG.OCTET_STRING, "Ed25519 CurvePrivateKey").value;
    if (k.length !== 32) throw new DerError(`Ed25519 private key of ${k.length} bytes, not 32`);
    return { algorithm: "ed25519", key: k.slice() };
  }
  if (oid === OID_EC_PUBLIC_KEY) {
    if (alg[1]?.tag !== TAG.OID || oidText(alg[1].value) !== OID_P256) throw new TypeError("tls.key: an EC key on another curve than P-256");
    // RFC 5915 3: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, ... }.
    const ec = seq(derOne(info[2].value, TAG.SEQUENCE, "ECPrivateKey"), "ECPrivateKey");
    if (ec.length < 2 || ec[1].tag !== TAG.OCTET_STRING || ec[1].value.length !== 32) throw new DerError("ECPrivateKey: expected a 32-byte privateKey");
    return { algorithm: "p256", key: ec[1].value.slice() };
  }
  throw new TypeError(`tls.key: a ${oid || "malformed"} key; Ed25519 or ECDSA P-256 in PKCS#8 expected`);
}

/** Checks and binds the certificate chain and key; a TypeError naming the problem otherwise. */
export function loadCredentials(cert: KeyMaterial, key: KeyMaterial): Credentials {
  try {
    const chain = derBlocks(cert, "cert", ["CERTIFICATE"]).map((c) => c.slice());
    const pub = certificatePublicKey(chain[0]);
    const keys = derBlocks(key, "key", ["PRIVATE KEY"]);
    if (keys.length !== 1) throw new TypeError(`tls.key: ${keys.length} private keys given, one expected`);
    const priv = pkcs8PrivateKey(keys[0]);
    if (priv.algorithm !== pub.algorithm) throw new TypeError(`tls.key is ${priv.algorithm} but the certificate's key is ${pub.algorithm}`);
    if (priv.algorithm === "ed25519") {
      if (!equalBytes(ed25519.getPublicKey(priv.key), pub.key)) throw new TypeError("tls.key does not belong to the certificate (its public key differs)");
      return { chain, scheme: SignatureScheme.ed25519, sign: (content) => ed25519.sign(content, priv.key) };
    }
    const p = p256.getPublicKey(priv.key, pub.key.length === 33);
    if (!equalBytes(p, pub.key)) throw new TypeError("tls.key does not belong to the certificate (its public key differs)");
    // RFC 8446 4.2.3: ECDSA signatures as DER-encoded ECDSA-Sig-Value, over SHA-256 of the content.
    return { chain, scheme: SignatureScheme.ecdsa_secp256r1_sha256, sign: (content) => p256.sign(content, priv.key, { format: "der" }) };
  } catch (e) {
    if (e instanceof DerError) throw new TypeError(`tls: malformed certificate or key: ${e.message}`);
    throw e;
  }
}
