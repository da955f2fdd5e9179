/**
 * stacks/ssh/kex.ts: the exchange hash of curve25519-sha256 (RFC 8731 3, RFC 5656 4) and the key
 * derivation (RFC 4253 7.2) against a transcript computed here with Node's X25519 and SHA-256;
 * the mpint of K with and without its top bit set; negotiation per RFC 4253 7.1.
 */
import { createHash, diffieHellman, generateKeyPairSync } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveKey, exchangeHash, negotiate, parseKexInit, sharedSecret } from "../../../stacks/ssh/kex.ts";
import { kexInitPayload, mpint, str } from "../../support/ssh-client.ts";
import { SshDisconnect } from "../../../stacks/ssh/errors.ts";

const raw = (k: ReturnType<typeof generateKeyPairSync>["publicKey"]) => k.export({ format: "der", type: "spki" }).subarray(12);

test("the exchange hash and keys match a transcript computed with Node's crypto", () => {
  for (let i = 0; i < 8; i++) {
    const client = generateKeyPairSync("x25519");
    const server = generateKeyPairSync("x25519");
    const serverSecret = server.privateKey.export({ format: "der", type: "pkcs8" }).subarray(16);
    const qc = raw(client.publicKey);
    const qs = raw(server.publicKey);
    const k = diffieHellman({ privateKey: client.privateKey, publicKey: server.publicKey });
    assert.is(Buffer.from(sharedSecret(new Uint8Array(serverSecret), new Uint8Array(qc))).toString("hex"), k.toString("hex"));
    const ic = kexInitPayload();
    const is = kexInitPayload({ kex: ["curve25519-sha256"] });
    const ks = Buffer.concat([str("ssh-ed25519"), str(Buffer.alloc(32, 9))]);
    const want = createHash("sha256").update(Buffer.concat([str("SSH-2.0-c"), str("SSH-2.0-s"), str(ic), str(is), str(ks), str(qc), str(qs), mpint(k)])).digest();
    const h = exchangeHash({ clientVersion: "SSH-2.0-c", serverVersion: "SSH-2.0-s", clientKexInit: ic, serverKexInit: is, hostKeyBlob: ks, clientPublic: qc, serverPublic: qs, sharedSecret: k });
    assert.is(Buffer.from(h).toString("hex"), want.toString("hex"));
    const sid = Buffer.alloc(32, 1);
    const k1 = createHash("sha256").update(Buffer.concat([mpint(k), h, Buffer.from("C"), sid])).digest();
    const k2 = createHash("sha256").update(Buffer.concat([mpint(k), h, k1])).digest();
    assert.is(Buffer.from(deriveKey(k, h, "C", sid, 64)).toString("hex"), Buffer.concat([k1, k2]).toString("hex"));
  }
});

test("K as an mpint: a leading zero byte when the top bit is set, none kept otherwise (RFC 4251 5)", () => {
  const h = new Uint8Array(32);
  const high = new Uint8Array(32).fill(0x80);
  const low = new Uint8Array(32);
  low[1] = 0x7f;
  for (const k of [high, low]) {
    const want = createHash("sha256").update(Buffer.concat([mpint(k), h, Buffer.from("A"), h])).digest();
    assert.is(Buffer.from(deriveKey(k, h, "A", h, 32)).toString("hex"), want.toString("hex"));
  }
});

test("negotiation takes the client's first algorithm the server has; strict and other unknown names are skipped", () => {
  const n = negotiate(parseKexInit(kexInitPayload({ kex: ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256@libssh.org", "kex-strict-c-v00@openssh.com"], ciphers: ["aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"] })));
  assert.is(n.kex, "curve25519-sha256@libssh.org");
  assert.is(n.cipherC2S, "aes128-gcm@openssh.com");
  assert.is(n.ignoreGuess, false);
  assert.is(negotiate(parseKexInit(kexInitPayload({ kex: ["ecdh-sha2-nistp256", "curve25519-sha256"], firstFollows: true }))).ignoreGuess, true);
  assert.throws(() => negotiate(parseKexInit(kexInitPayload({ hostKey: ["rsa-sha2-512"] }))), (e: unknown) => e instanceof SshDisconnect && e.reason === 3 && /host key/.test(e.message));
});

test("a KEXINIT with bytes after its last field is refused", () => {
  assert.throws(() => parseKexInit(Buffer.concat([kexInitPayload(), Buffer.from([0])])), /unexpected bytes/);
});

test.run();
