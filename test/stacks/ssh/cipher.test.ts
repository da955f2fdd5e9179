/**
 * stacks/ssh/cipher.ts against the constructions as their documents state them, rebuilt here on
 * Node's crypto: chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305: K_1 = key[32..64]
 * encrypts the length with the sequence number as nonce, K_2 = key[0..32] the rest from block
 * counter 1, Poly1305 keyed by K_2's block 0 over both), aes128-gcm@openssh.com (RFC 5647 7: the
 * length as AAD, the invocation counter incremented per packet). A flipped bit anywhere is MAC_ERROR.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { aesGcm, chachaPoly } from "../../../stacks/ssh/cipher.ts";
import { SshDisconnect } from "../../../stacks/ssh/errors.ts";
import { chacha20djb, poly1305, u32 } from "../../support/ssh-client.ts";

const plain = Buffer.concat([u32(60), Buffer.from([6]), randomBytes(59)]);

test("Poly1305 of the test client matches RFC 8439 2.5.2", () => {
  const key = Buffer.from("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", "hex");
  assert.is(poly1305(Buffer.from("Cryptographic Forum Research Group"), key).toString("hex"), "a8061dc1305136c6c22b8baf0c0127a9");
});

test("chacha20-poly1305@openssh.com seals as PROTOCOL.chacha20poly1305 says", () => {
  const key = randomBytes(64);
  const seq = 0x01020304;
  const sealed = chachaPoly(new Uint8Array(key)).seal(new Uint8Array(plain), seq);
  const k2 = key.subarray(0, 32);
  const k1 = key.subarray(32);
  const body = Buffer.concat([chacha20djb(k1, seq, 0, plain.subarray(0, 4)), chacha20djb(k2, seq, 1, plain.subarray(4))]);
  const tag = poly1305(body, chacha20djb(k2, seq, 0, Buffer.alloc(32)));
  assert.is(Buffer.from(sealed).toString("hex"), Buffer.concat([body, tag]).toString("hex"));
  const opener = chachaPoly(new Uint8Array(key));
  assert.is(opener.packetLength(sealed, seq), 60);
  assert.is(Buffer.from(opener.open(sealed, seq)).toString("hex"), plain.subarray(4).toString("hex"));
});

test("aes128-gcm@openssh.com seals as RFC 5647 says, the counter moving per packet", () => {
  const key = randomBytes(16);
  const iv = Buffer.concat([randomBytes(4), Buffer.from("00000000ffffffff", "hex")]);
  const c = aesGcm(new Uint8Array(key), new Uint8Array(iv));
  for (const invocation of ["00000000ffffffff", "0000000100000000"]) {
    const nonce = Buffer.concat([iv.subarray(0, 4), Buffer.from(invocation, "hex")]);
    const g = createCipheriv("aes-128-gcm", key, nonce);
    g.setAAD(plain.subarray(0, 4));
    const want = Buffer.concat([plain.subarray(0, 4), g.update(plain.subarray(4)), g.final(), g.getAuthTag()]);
    assert.is(Buffer.from(c.seal(new Uint8Array(plain), 0)).toString("hex"), want.toString("hex"));
  }
});

test("a flipped bit anywhere in a packet is MAC_ERROR, for both ciphers", () => {
  const key = new Uint8Array(randomBytes(64));
  const make = [() => chachaPoly(key), () => aesGcm(key.slice(0, 16), key.slice(16, 28))];
  for (const m of make) {
    const sealed = m().seal(new Uint8Array(plain), 5);
    for (const at of [4, 30, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at] ^= 0x80;
      try {
        m().open(bad, 5);
        assert.unreachable("opened");
      } catch (e) {
        assert.instance(e, SshDisconnect);
        assert.is((e as SshDisconnect).reason, 5);
      }
    }
  }
});

test.run();
