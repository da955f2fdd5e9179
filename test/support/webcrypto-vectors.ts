/**
 * Web Crypto vectors computed by Node's own implementation (node:crypto webcrypto) at test time,
 * for the boot fixture test/fixtures/webcrypto.ts (passed in with --define WEBCRYPTO_VECTORS):
 * digests, HMAC, HKDF, AES-GCM, and Node-made Ed25519, P-256 and X25519 keys in every format with
 * Node's signatures and shared secrets. Also the check of what the fixture signed with keys it
 * generated itself: Node must verify those.
 */
import { webcrypto } from "node:crypto";

// Node's Web Crypto types (the host has no DOM library).
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type EcKeyGenParams = webcrypto.EcKeyGenParams;

const subtle = webcrypto.subtle;
const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const bytes = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const random = (n: number) => webcrypto.getRandomValues(new Uint8Array(n));

export interface WebCryptoVectors {
  msg: string;
  digest: Record<string, string>;
  hmac: { key: string; mac: string };
  hkdf: { ikm: string; salt: string; info: string; bits: string };
  aes: { key: string; iv: string; aad: string; pt: string; ct: string; tagLength: number }[];
  ed25519: { pkcs8: string; spki: string; raw: string; jwk: string; sig: string };
  p256: { pkcs8: string; spki: string; raw: string; jwk: string; sig: string };
  x25519: { pkcs8: string; peerSpki: string; shared: string };
  ecdh: { pkcs8: string; peerSpki: string; shared: string };
}

async function keyFormats(pair: CryptoKeyPair): Promise<{ pkcs8: string; spki: string; raw: string; jwk: string }> {
  return {
    pkcs8: hex(await subtle.exportKey("pkcs8", pair.privateKey)),
    spki: hex(await subtle.exportKey("spki", pair.publicKey)),
    raw: hex(await subtle.exportKey("raw", pair.publicKey)),
    jwk: JSON.stringify(await subtle.exportKey("jwk", pair.privateKey)),
  };
}

async function agreement(alg: EcKeyGenParams | { name: "X25519" }): Promise<{ pkcs8: string; peerSpki: string; shared: string }> {
  const a = (await subtle.generateKey(alg, true, ["deriveBits"])) as CryptoKeyPair;
  const b = (await subtle.generateKey(alg, true, ["deriveBits"])) as CryptoKeyPair;
  const shared = await subtle.deriveBits({ name: alg.name, public: b.publicKey }, a.privateKey, 256);
  return { pkcs8: hex(await subtle.exportKey("pkcs8", a.privateKey)), peerSpki: hex(await subtle.exportKey("spki", b.publicKey)), shared: hex(shared) };
}

export async function webCryptoVectors(): Promise<WebCryptoVectors> {
  const msg = bytes("tsmetal web crypto vectors");
  const digest: Record<string, string> = {};
  for (const h of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) digest[h] = hex(await subtle.digest(h, msg));
  const hmacKey = random(32);
  const hk = await subtle.importKey("raw", hmacKey, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const ikm = random(22), salt = random(13), info = random(10);
  const hkdfKey = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const aes = [];
  for (const [n, tagLength] of [[16, 128], [32, 96]] as const) {
    const key = random(n), iv = random(12), aad = random(7), pt = random(45);
    const k = await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
    const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad, tagLength }, k, pt);
    aes.push({ key: hex(key), iv: hex(iv), aad: hex(aad), pt: hex(pt), ct: hex(ct), tagLength });
  }
  const ed = (await subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const p = (await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  return {
    msg: hex(msg),
    digest,
    hmac: { key: hex(hmacKey), mac: hex(await subtle.sign("HMAC", hk, msg)) },
    hkdf: { ikm: hex(ikm), salt: hex(salt), info: hex(info), bits: hex(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, hkdfKey, 328)) },
    aes,
    ed25519: { ...(await keyFormats(ed)), sig: hex(await subtle.sign("Ed25519", ed.privateKey, msg)) },
    p256: { ...(await keyFormats(p)), sig: hex(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, p.privateKey, msg)) },
    x25519: await agreement({ name: "X25519" }),
    ecdh: await agreement({ name: "ECDH", namedCurve: "P-256" }),
  };
}

/**
 * Node's verdict on the lines `<alg> spki=<hex> sig=<hex>` the fixture printed for keys it
 * generated and signatures it made over `msg`: the algorithms whose signature Node verified.
 */
export async function verifiedByNode(output: string, msg: string): Promise<string[]> {
  const ok: string[] = [];
  for (const m of output.matchAll(/^generated (Ed25519|ECDSA) spki=([0-9a-f]+) sig=([0-9a-f]+)$/gm)) {
    const alg = m[1] === "Ed25519" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
    const key = await subtle.importKey("spki", Buffer.from(m[2], "hex"), alg, false, ["verify"]);
    const sig = Buffer.from(m[3], "hex");
    if (await subtle.verify({ ...alg, hash: "SHA-256" }, key, sig, Buffer.from(msg, "hex"))) ok.push(m[1]);
  }
  return ok;
}
