/** stacks/tls/credentials.ts: openssl's Ed25519 and P-256 keys and certificates, as PEM and DER, and what is refused. */
import { createPublicKey, createPrivateKey, verify, X509Certificate } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { certificatePublicKey, loadCredentials } from "../../../stacks/tls/credentials.ts";
import { testKeys } from "../../support/tls/keys.ts";
import { CERTIFICATE_DER } from "../../support/tls/rfc8448.ts";

const content = new TextEncoder().encode("what CertificateVerify signs");

for (const algorithm of ["ed25519", "p256"] as const) {
  test(`${algorithm}: PEM and DER load, and the signature verifies with Node's crypto`, () => {
    const k = testKeys(algorithm);
    const pem = loadCredentials(k.cert, k.key);
    const certDer = new X509Certificate(k.cert).raw;
    const keyDer = createPrivateKey(k.key).export({ format: "der", type: "pkcs8" });
    const der = loadCredentials(new Uint8Array(certDer), keyDer.buffer.slice(keyDer.byteOffset, keyDer.byteOffset + keyDer.length));
    assert.is(pem.scheme, algorithm === "ed25519" ? 0x0807 : 0x0403);
    assert.is(der.scheme, pem.scheme);
    assert.ok(Buffer.from(pem.chain[0]).equals(certDer));
    const pub = createPublicKey(k.cert);
    for (const c of [pem, der]) {
      const sig = c.sign(content);
      assert.ok(verify(algorithm === "ed25519" ? null : "sha256", content, pub, sig), "Node verifies the signature");
    }
  });
}

test("a chain of two certificates keeps its order", () => {
  const k = testKeys("ed25519");
  const c = loadCredentials(`${k.cert}\n${testKeys("p256").cert}`, k.key);
  assert.is(c.chain.length, 2);
  assert.ok(Buffer.from(c.chain[0]).equals(new X509Certificate(k.cert).raw));
});

test("a key that is not the certificate's, or of the other algorithm, is a TypeError naming it", () => {
  const ed = testKeys("ed25519");
  const ec = testKeys("p256");
  assert.throws(() => loadCredentials(ed.cert, ec.key), (e: Error) => e instanceof TypeError && /p256 but the certificate's key is ed25519/.test(e.message));
  const other = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.alloc(32, 9)]), format: "der", type: "pkcs8" });
  assert.throws(() => loadCredentials(ed.cert, other.export({ format: "pem", type: "pkcs8" }) as string), (e: Error) => e instanceof TypeError && /does not belong to the certificate/.test(e.message));
});

test("an RSA certificate (RFC 8448's) is refused: Ed25519 or ECDSA P-256 only", () => {
  assert.throws(() => certificatePublicKey(CERTIFICATE_DER), /neither Ed25519 nor ECDSA P-256/);
});

test("malformed input: bad base64, truncated DER, no PEM block, a non-string", () => {
  const k = testKeys("ed25519");
  assert.throws(() => loadCredentials("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", k.key), (e: Error) => e instanceof TypeError && /malformed/.test(e.message));
  const der = new Uint8Array(new X509Certificate(k.cert).raw);
  assert.throws(() => loadCredentials(der.subarray(0, der.length - 10), k.key), (e: Error) => e instanceof TypeError && /malformed certificate or key/.test(e.message));
  assert.throws(() => loadCredentials("hello", k.key), (e: Error) => e instanceof TypeError && /no PEM block "CERTIFICATE"/.test(e.message));
  assert.throws(() => loadCredentials(42 as unknown as string, k.key), (e: Error) => e instanceof TypeError && /tls.cert must be/.test(e.message));
  assert.throws(() => loadCredentials(k.cert, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"), (e: Error) => e instanceof TypeError && /no PEM block "PRIVATE KEY"/.test(e.message));
});

test.run();
