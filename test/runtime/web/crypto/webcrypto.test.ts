/**
 * runtime/web/crypto/webcrypto.ts (the unit "webcrypto"'s crypto.subtle and randomUUID) against
 * Node's own Web Crypto on the same inputs: digests, HMAC, HKDF and AES-GCM outputs equal;
 * Ed25519 and ECDSA signatures verified both ways; X25519 and ECDH secrets equal; keys exported
 * in raw, spki, pkcs8 and jwk byte for byte as Node exports them; bad input rejected with the
 * DOMException names Node and the specification give.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomFillSync, webcrypto } from "node:crypto";

// Node's Web Crypto types (the host has no DOM library).
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type KeyUsage = webcrypto.KeyUsage;
type EcKeyGenParams = webcrypto.EcKeyGenParams;
type HkdfParams = webcrypto.HkdfParams;
type BufferSource = webcrypto.BufferSource;
import { createWebCrypto } from "../../../../runtime/web/crypto/webcrypto.ts";
import type { CryptoKey as OurKey } from "../../../../runtime/web/crypto/key.ts";
import type { CryptoKeyPair as OurPair, JsonWebKey as OurJwk } from "../../../../runtime/web/crypto/algorithm.ts";

const node = webcrypto.subtle;
const ours = createWebCrypto((b) => randomFillSync(b));
const subtle = ours.subtle;
const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const random = (n: number) => webcrypto.getRandomValues(new Uint8Array(n));
const sorted = (o: object) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))));
const HASHES = ["SHA-1", "SHA-256", "SHA-384", "SHA-512"];

test("digest: SHA-1/256/384/512 equal Node's, across block boundaries", async () => {
  for (const n of [0, 1, 55, 56, 63, 64, 111, 112, 128, 1000]) {
    const data = random(n);
    for (const h of HASHES) assert.is(hex(await subtle.digest(h, data)), hex(await node.digest(h, data)), `${h} of ${n} bytes`);
  }
  // Names are matched case-insensitively (§ 18.4.4); a DataView and an ArrayBuffer are BufferSources.
  const d = random(20);
  assert.is(hex(await subtle.digest({ name: "sha-256" }, new DataView(d.buffer))), hex(await node.digest("SHA-256", d)));
  assert.is(hex(await subtle.digest("SHA-256", d.buffer)), hex(await node.digest("SHA-256", d)));
});

test("HMAC: sign equals Node's for every hash and key length; verify both ways; keys export as Node's", async () => {
  for (const h of HASHES) {
    for (const n of [1, 32, 64, 200]) {
      const raw = random(n), data = random(77);
      const mine = await subtle.importKey("raw", raw, { name: "HMAC", hash: h }, true, ["sign", "verify"]);
      const theirs = await node.importKey("raw", raw, { name: "HMAC", hash: h }, true, ["sign", "verify"]);
      const mac = await subtle.sign("HMAC", mine, data);
      assert.is(hex(mac), hex(await node.sign("HMAC", theirs, data)), `${h}, ${n}-byte key`);
      assert.ok(await node.verify("HMAC", theirs, mac, data));
      assert.ok(await subtle.verify("HMAC", mine, await node.sign("HMAC", theirs, data), data));
      assert.not.ok(await subtle.verify("HMAC", mine, mac, random(77)));
      assert.is(sorted(await subtle.exportKey("jwk", mine)), sorted(await node.exportKey("jwk", theirs)));
      assert.equal(mine.algorithm, theirs.algorithm);
    }
    const generated = await subtle.generateKey({ name: "HMAC", hash: h }, true, ["sign"]);
    const reference = await node.generateKey({ name: "HMAC", hash: h }, true, ["sign"]);
    assert.equal(generated.algorithm, reference.algorithm, `${h}: generated key length is the block size`);
    assert.is((await subtle.exportKey("raw", generated)).byteLength, (await node.exportKey("raw", reference)).byteLength);
  }
  const jwk = await node.exportKey("jwk", await node.generateKey({ name: "HMAC", hash: "SHA-384" }, true, ["sign"]));
  const back = await subtle.importKey("jwk", jwk as OurJwk, { name: "HMAC", hash: "SHA-384" }, true, ["sign"]);
  assert.is(sorted(await subtle.exportKey("jwk", back)), sorted(jwk));
});

test("HKDF: deriveBits and deriveKey equal Node's", async () => {
  for (const h of HASHES) {
    for (const bits of [0, 8, 256, 328, 1024]) {
      const ikm = random(22), salt = random(13), info = random(10);
      const params = { name: "HKDF", hash: h, salt, info };
      const mine = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
      const theirs = await node.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
      assert.is(hex(await subtle.deriveBits(params, mine, bits)), hex(await node.deriveBits(params, theirs, bits)), `${h}, ${bits} bits`);
    }
  }
  const ikm = random(32), params = { name: "HKDF", hash: "SHA-256", salt: random(16), info: random(4) };
  const derived = await subtle.deriveKey(params, await subtle.importKey("raw", ikm, "HKDF", false, ["deriveKey"]), { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  const reference = await node.deriveKey(params, await node.importKey("raw", ikm, "HKDF", false, ["deriveKey"]), { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  assert.is(hex(await subtle.exportKey("raw", derived)), hex(await node.exportKey("raw", reference)));
  const mac = await subtle.deriveKey(params, await subtle.importKey("raw", ikm, "HKDF", false, ["deriveKey"]), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  const macRef = await node.deriveKey(params, await node.importKey("raw", ikm, "HKDF", false, ["deriveKey"]), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  assert.is(sorted(await subtle.exportKey("jwk", mac)), sorted(await node.exportKey("jwk", macRef)));
});

test("AES-GCM: ciphertexts equal Node's for 128/192/256-bit keys, every tag length, 12- and 16-byte IVs; Node's decrypt", async () => {
  for (const n of [16, 24, 32]) {
    for (const tagLength of [32, 64, 96, 104, 112, 120, 128]) {
      for (const ivLength of [12, 16]) {
        const raw = random(n), iv = random(ivLength), pt = random(33);
        const params = { name: "AES-GCM", iv, tagLength, ...(tagLength % 16 ? { additionalData: random(9) } : {}) };
        const mine = await subtle.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
        const theirs = await node.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
        const ct = await subtle.encrypt(params, mine, pt);
        assert.is(hex(ct), hex(await node.encrypt(params, theirs, pt)), `AES-${n * 8}, tag ${tagLength}, iv ${ivLength}`);
        assert.is(hex(await subtle.decrypt(params, mine, ct)), hex(pt));
        const bad = new Uint8Array(ct);
        bad[bad.length - 1] ^= 0x80;
        await assertRejects(subtle.decrypt(params, mine, bad), "OperationError");
      }
    }
    const key = await node.generateKey({ name: "AES-GCM", length: n * 8 }, true, ["encrypt"]);
    const jwk = await node.exportKey("jwk", key);
    const back = await subtle.importKey("jwk", jwk as OurJwk, "AES-GCM", true, ["encrypt"]);
    assert.is(sorted(await subtle.exportKey("jwk", back)), sorted(jwk));
    assert.equal(back.algorithm, key.algorithm);
  }
});

async function nodePair(alg: { name: string; namedCurve?: string }, usages: KeyUsage[]): Promise<CryptoKeyPair> {
  return (await node.generateKey(alg as EcKeyGenParams, true, usages)) as CryptoKeyPair;
}

/** Node's key pair imported here; each format exported here equals Node's export. */
async function sameFormats(alg: { name: string; namedCurve?: string }, pair: CryptoKeyPair, privUsages: KeyUsage[], pubUsages: KeyUsage[]): Promise<OurPair> {
  const pkcs8 = await node.exportKey("pkcs8", pair.privateKey);
  const spki = await node.exportKey("spki", pair.publicKey);
  const raw = await node.exportKey("raw", pair.publicKey);
  const jwkPriv = await node.exportKey("jwk", pair.privateKey);
  const jwkPub = await node.exportKey("jwk", pair.publicKey);
  const privateKey = await subtle.importKey("pkcs8", pkcs8, alg, true, privUsages);
  const publicKey = await subtle.importKey("spki", spki, alg, true, pubUsages);
  assert.is(hex(await subtle.exportKey("pkcs8", privateKey)), hex(pkcs8), `${alg.name} pkcs8`);
  assert.is(hex(await subtle.exportKey("spki", publicKey)), hex(spki), `${alg.name} spki`);
  assert.is(hex(await subtle.exportKey("raw", publicKey)), hex(raw), `${alg.name} raw`);
  assert.is(sorted(await subtle.exportKey("jwk", privateKey)), sorted(jwkPriv), `${alg.name} private jwk`);
  assert.is(sorted(await subtle.exportKey("jwk", publicKey)), sorted(jwkPub), `${alg.name} public jwk`);
  const fromJwk = await subtle.importKey("jwk", jwkPriv as OurJwk, alg, true, privUsages);
  assert.is(hex(await subtle.exportKey("pkcs8", fromJwk)), hex(pkcs8), `${alg.name} jwk → pkcs8`);
  const fromRaw = await subtle.importKey("raw", raw, alg, true, pubUsages);
  assert.is(hex(await subtle.exportKey("spki", fromRaw)), hex(spki), `${alg.name} raw → spki`);
  assert.equal(privateKey.algorithm, pair.privateKey.algorithm);
  assert.equal([privateKey.type, publicKey.type], ["private", "public"]);
  return { privateKey, publicKey };
}

test("Ed25519: keys in every format as Node's; signatures equal (RFC 8032 is deterministic) and verified both ways", async () => {
  const alg = { name: "Ed25519" } as const;
  for (let i = 0; i < 3; i++) {
    const theirs = await nodePair(alg, ["sign", "verify"]);
    const mine = await sameFormats(alg, theirs, ["sign"], ["verify"]);
    const data = random(50 + i);
    const sig = await subtle.sign(alg, mine.privateKey, data);
    assert.is(hex(sig), hex(await node.sign(alg, theirs.privateKey, data)));
    assert.ok(await subtle.verify(alg, mine.publicKey, await node.sign(alg, theirs.privateKey, data), data));
    assert.not.ok(await subtle.verify(alg, mine.publicKey, sig, random(10)));
  }
  const generated = (await subtle.generateKey(alg, true, ["sign", "verify"])) as OurPair;
  const data = random(100);
  const sig = await subtle.sign(alg, generated.privateKey, data);
  const spki = await subtle.exportKey("spki", generated.publicKey);
  assert.ok(await node.verify(alg, await node.importKey("spki", spki, alg, false, ["verify"]), sig, data), "Node verifies our generated key's signature");
  assert.equal([generated.publicKey.usages, generated.privateKey.usages, generated.publicKey.extractable], [["verify"], ["sign"], true]);
});

test("ECDSA P-256: keys as Node's (compressed raw accepted); our signatures verified by Node and Node's by ours, every hash", async () => {
  for (let i = 0; i < 2; i++) {
    const alg = { name: "ECDSA", namedCurve: "P-256" };
    const theirs = await nodePair(alg, ["sign", "verify"]);
    const mine = await sameFormats(alg, theirs, ["sign"], ["verify"]);
    for (const hash of ["SHA-256", "SHA-384", "SHA-512", "SHA-1"]) {
      const data = random(40);
      const params = { ...alg, hash };
      const sig = await subtle.sign(params, mine.privateKey, data);
      assert.is(sig.byteLength, 64, "IEEE P1363 r || s");
      assert.ok(await node.verify(params, theirs.publicKey, sig, data), `Node verifies ours (${hash})`);
      assert.ok(await subtle.verify(params, mine.publicKey, await node.sign(params, theirs.privateKey, data), data), `ours verifies Node's (${hash})`);
      assert.not.ok(await subtle.verify(params, mine.publicKey, sig, random(40)));
      assert.not.ok(await subtle.verify(params, mine.publicKey, sig.slice(0, 63), data));
    }
    const raw = new Uint8Array(await node.exportKey("raw", theirs.publicKey));
    const compressed = Uint8Array.of(2 + (raw[64] & 1), ...raw.subarray(1, 33));
    const fromCompressed = await subtle.importKey("raw", compressed, alg, true, ["verify"]);
    assert.is(hex(await subtle.exportKey("raw", fromCompressed)), hex(raw));
  }
  const generated = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const data = random(64);
  const sig = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, generated.privateKey, data);
  const pub = await node.importKey("spki", await subtle.exportKey("spki", generated.publicKey), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  assert.ok(await node.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, data), "Node verifies our generated key's signature");
  const pkcs8 = await subtle.exportKey("pkcs8", generated.privateKey);
  const back = await node.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  assert.is(hex(await node.exportKey("pkcs8", back)), hex(pkcs8), "our pkcs8 is Node's");
});

test("X25519 and ECDH P-256: keys as Node's; shared secrets equal Node's, whole and truncated; deriveKey", async () => {
  for (const alg of [{ name: "X25519" as const }, { name: "ECDH" as const, namedCurve: "P-256" }]) {
    const a = await nodePair(alg, ["deriveBits", "deriveKey"]);
    const b = await nodePair(alg, ["deriveBits", "deriveKey"]);
    const mine = await sameFormats(alg, a, ["deriveBits", "deriveKey"], []);
    const peer = await subtle.importKey("spki", await node.exportKey("spki", b.publicKey), alg, true, []);
    for (const bits of [256, 128, 13]) {
      const expected = await node.deriveBits({ name: alg.name, public: b.publicKey }, a.privateKey, bits);
      assert.is(hex(await subtle.deriveBits({ name: alg.name, public: peer }, mine.privateKey, bits)), hex(expected), `${alg.name}, ${bits} bits`);
    }
    const whole = await subtle.deriveBits({ name: alg.name, public: peer }, mine.privateKey, null);
    assert.is(hex(whole), hex(await node.deriveBits({ name: alg.name, public: b.publicKey }, a.privateKey, 256)));
    await assertRejects(subtle.deriveBits({ name: alg.name, public: peer }, mine.privateKey, 264), "OperationError");
    const aes = await subtle.deriveKey({ name: alg.name, public: peer }, mine.privateKey, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    const aesRef = await node.deriveKey({ name: alg.name, public: b.publicKey }, a.privateKey, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    assert.is(hex(await subtle.exportKey("raw", aes)), hex(await node.exportKey("raw", aesRef)));
    const generated = (await subtle.generateKey(alg, true, ["deriveBits"])) as OurPair;
    const theirPeer = await node.importKey("spki", await subtle.exportKey("spki", generated.publicKey), alg, true, []);
    const ourPeer = await subtle.importKey("spki", await node.exportKey("spki", b.publicKey), alg, true, []);
    assert.is(hex(await subtle.deriveBits({ name: alg.name, public: ourPeer }, generated.privateKey, 256)), hex(await node.deriveBits({ name: alg.name, public: theirPeer }, b.privateKey, 256)), `${alg.name}: a generated key agrees with Node's`);
  }
  // RFC 7748 § 6.1: a small-order public key gives the all-zero secret, which must be refused.
  const x = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const zero = await subtle.importKey("raw", new Uint8Array(32), { name: "X25519" }, false, []);
  await assertRejects(subtle.deriveBits({ name: "X25519", public: zero }, x.privateKey, 256), "OperationError");
});

test("randomUUID: RFC 9562 version 4, variant 10, as Node's looks", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const u = ours.randomUUID();
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(u);
  }
  assert.is(seen.size, 200);
  assert.is(ours.randomUUID().length, webcrypto.randomUUID().length);
});

test("CryptoKey: not constructible; reports type, extractable, algorithm and usages in the specification's order", async () => {
  const key = await subtle.importKey("raw", random(16), { name: "aes-gcm" }, false, ["decrypt", "encrypt", "decrypt"]);
  assert.equal([key.type, key.extractable, key.algorithm, key.usages], ["secret", false, { name: "AES-GCM", length: 128 }, ["encrypt", "decrypt"]]);
  assert.is(Object.prototype.toString.call(key), "[object CryptoKey]");
  const Ctor = key.constructor as new () => OurKey;
  assert.throws(() => new Ctor(), /Illegal constructor/);
});

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return e instanceof DOMException ? `DOMException ${e.name}` : e instanceof TypeError ? "TypeError" : `other ${String(e)}`;
  }
}

async function assertRejects(p: Promise<unknown>, name: string): Promise<void> {
  assert.is(await outcome(p), `DOMException ${name}`);
}

test("bad input: rejected (never thrown) with the DOMException Node gives", async () => {
  const aesRaw = random(16);
  const [ourAes, nodeAes] = [await subtle.importKey("raw", aesRaw, "AES-GCM", false, ["encrypt"]), await node.importKey("raw", aesRaw, "AES-GCM", false, ["encrypt"])];
  const ourEd = await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const nodeEd = (await node.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const ourX = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const nodeX = (await node.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
  const ourP = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const nodeP = (await node.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"])) as CryptoKeyPair;
  type Api = typeof node;
  // [what, the call, the specification's name, Node's where Node 20 differs]
  const cases: [string, (s: Api, k: { aes: CryptoKey; ed: CryptoKeyPair; x: CryptoKeyPair; p: CryptoKeyPair }) => Promise<unknown>, string, string?][] = [
    ["unknown digest", (s) => s.digest("MD5", random(1)), "NotSupportedError"],
    ["digest of a string", (s) => s.digest("SHA-256", "abc" as unknown as BufferSource), "TypeError"],
    ["AES key of 5 bytes", (s) => s.importKey("raw", random(5), "AES-GCM", false, ["encrypt"]), "DataError"],
    ["AES key for sign", (s) => s.importKey("raw", random(16), "AES-GCM", false, ["sign"]), "SyntaxError"],
    ["AES length 100", (s) => s.generateKey({ name: "AES-GCM", length: 100 }, false, ["encrypt"]), "OperationError"],
    ["AES without usages", (s) => s.importKey("raw", random(16), "AES-GCM", false, []), "SyntaxError"],
    ["AES-GCM with tagLength 36", (s, k) => s.encrypt({ name: "AES-GCM", iv: random(12), tagLength: 36 }, k.aes, random(4)), "OperationError"],
    ["decrypt with an encrypt-only key", (s, k) => s.decrypt({ name: "AES-GCM", iv: random(12) }, k.aes, random(32)), "InvalidAccessError"],
    // § 14.3.10 step 6 says InvalidAccessError; Node 20 names it InvalidAccessException.
    ["export of a non-extractable key", (s, k) => s.exportKey("raw", k.aes), "InvalidAccessError", "InvalidAccessException"],
    ["unknown key format", (s, k) => s.exportKey("pem" as "raw", k.aes), "TypeError"],
    ["sign with a public key", (s, k) => s.sign("Ed25519", k.ed.publicKey, random(4)), "InvalidAccessError"],
    ["sign with another algorithm's key", (s, k) => s.sign({ name: "ECDSA", hash: "SHA-256" }, k.ed.privateKey, random(4)), "InvalidAccessError"],
    ["Ed25519 for encrypt", (s) => s.generateKey({ name: "Ed25519" }, false, ["encrypt"]), "SyntaxError"],
    ["Ed25519 public key of 31 bytes", (s) => s.importKey("raw", random(31), "Ed25519", false, ["verify"]), "DataError"],
    ["Ed25519 spki as pkcs8", (s) => s.importKey("pkcs8", Buffer.from("302a300506032b6570032100" + "11".repeat(32), "hex"), "Ed25519", false, ["sign"]), "DataError"],
    ["truncated pkcs8", (s) => s.importKey("pkcs8", Buffer.from("302e020100300506032b657004220420" + "11".repeat(31), "hex"), "Ed25519", false, ["sign"]), "DataError"],
    ["X25519 spki as Ed25519", (s) => s.importKey("spki", Buffer.from("302a300506032b656e032100" + "11".repeat(32), "hex"), "Ed25519", false, ["verify"]), "DataError"],
    ["P-256 point off the curve", (s) => s.importKey("raw", Uint8Array.of(4, ...random(64)), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]), "DataError"],
    ["ECDSA on P-192", (s) => s.generateKey({ name: "ECDSA", namedCurve: "P-192" }, false, ["sign"]), "NotSupportedError"],
    ["ECDH with an X25519 public key", (s, k) => s.deriveBits({ name: "ECDH", public: k.x.publicKey }, k.p.privateKey, 256), "InvalidAccessError"],
    ["ECDH with a private key as public", (s, k) => s.deriveBits({ name: "ECDH", public: k.p.privateKey }, k.p.privateKey, 256), "InvalidAccessError"],
    ["HKDF extractable", (s) => s.importKey("raw", random(16), "HKDF", true, ["deriveBits"]), "SyntaxError"],
    ["HKDF length not a multiple of 8", async (s) => s.deriveBits({ name: "HKDF", hash: "SHA-256", salt: random(1), info: random(1) }, await s.importKey("raw", random(16), "HKDF", false, ["deriveBits"]), 12), "OperationError"],
    ["HKDF without salt", async (s) => s.deriveBits({ name: "HKDF", hash: "SHA-256", info: random(1) } as unknown as HkdfParams, await s.importKey("raw", random(16), "HKDF", false, ["deriveBits"]), 128), "TypeError"],
    ["HMAC with MD5", (s) => s.generateKey({ name: "HMAC", hash: "MD5" }, false, ["sign"]), "NotSupportedError"],
    ["JWK of the wrong kty", (s) => s.importKey("jwk", { kty: "EC", k: "AAAA" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError"],
    ["JWK without the usage in key_ops", (s) => s.importKey("jwk", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA", key_ops: ["decrypt"] }, "AES-GCM", false, ["encrypt"]), "DataError"],
    ["JWK with ext false, extractable asked", (s) => s.importKey("jwk", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA", ext: false }, "AES-GCM", true, ["encrypt"]), "DataError"],
    ["JWK of bad base64url", (s) => s.importKey("jwk", { kty: "oct", k: "AA*A" }, "AES-GCM", false, ["encrypt"]), "DataError"],
    ["Ed25519 JWK whose x is not d's", (s) => s.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: "A".repeat(43), x: "B".repeat(43) }, "Ed25519", false, ["sign"]), "DataError"],
  ];
  for (const [what, run, name, nodeName] of cases) {
    const mine = await outcome(run(subtle as unknown as Api, { aes: ourAes as unknown as CryptoKey, ed: ourEd as unknown as CryptoKeyPair, x: ourX as unknown as CryptoKeyPair, p: ourP as unknown as CryptoKeyPair }));
    const theirs = await outcome(run(node, { aes: nodeAes, ed: nodeEd, x: nodeX, p: nodeP }));
    const want = name === "TypeError" ? "TypeError" : `DOMException ${name}`;
    assert.is(theirs, nodeName ? `DOMException ${nodeName}` : want, `Node, ${what}`);
    assert.is(mine, want, what);
  }
});

test("a key of another implementation, or none, is a TypeError", async () => {
  const nodeKey = await node.importKey("raw", random(16), "AES-GCM", false, ["encrypt"]);
  assert.is(await outcome(subtle.encrypt({ name: "AES-GCM", iv: random(12) }, nodeKey as unknown as OurKey, random(1))), "TypeError");
  assert.is(await outcome(subtle.exportKey("raw", {} as OurKey)), "TypeError");
});

test.run();
