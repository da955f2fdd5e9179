// The device's Ed25519 check (io/update/verify.ts): RFC 8032 §7.1 TEST 2 verifies, and a changed
// message, signature or key does not; malformed input is false, not an exception.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { verifyEd25519 } from "../../../io/update/verify.ts";

const test = suite("io/update/verify");
const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
// RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
const pub = hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
const msg = hex("72");
const sig = hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

test("RFC 8032 TEST 2", () => {
  assert.ok(verifyEd25519(sig, msg, pub));
  assert.not.ok(verifyEd25519(sig, hex("73"), pub));
  const s2 = sig.slice();
  s2[10] ^= 1;
  assert.not.ok(verifyEd25519(s2, msg, pub));
  const p2 = pub.slice();
  p2[0] ^= 1;
  assert.not.ok(verifyEd25519(sig, msg, p2));
  assert.not.ok(verifyEd25519(new Uint8Array(3), msg, pub));
});

test.run();
