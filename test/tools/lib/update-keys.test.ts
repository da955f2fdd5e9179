// The update signing key (tools/lib/update-keys.ts): made outside the repository with mode 0600,
// never over an existing one; its signatures verify with the device's verifier (@noble/curves,
// io/update/verify.ts) and fail for another key or an altered message.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeUpdateKeys, readPrivateKey, readPublicKey, signEd25519, verifyEd25519Host, defaultUpdateKeyDir } from "../../../tools/lib/update-keys.ts";
import { verifyEd25519 } from "../../../io/update/verify.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

const test = suite("tools/lib/update-keys");
const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-update-keys-"));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the key folder follows XDG_CONFIG_HOME", () => {
  assert.is(defaultUpdateKeyDir({ XDG_CONFIG_HOME: "/cfg" }), "/cfg/tsmetal/update");
  assert.is(defaultUpdateKeyDir({ XDG_CONFIG_HOME: "relative" }), path.join(os.homedir(), ".config", "tsmetal", "update"));
});

test("a pair is made once, private key 0600, and signs what the device verifies", () => {
  const k = makeUpdateKeys(path.join(dir, "a"));
  assert.is(statSync(k.privateKey).mode & 0o777, 0o600);
  assert.throws(() => makeUpdateKeys(path.join(dir, "a")), /exists already/);
  const pub = readPublicKey(k.publicKey);
  assert.is(pub.length, 32);
  // The private key's file gives the same public key.
  assert.equal([...readPublicKey(k.privateKey)], [...pub]);
  const msg = new TextEncoder().encode("app unit header and body");
  const sig = signEd25519(msg, readPrivateKey(k.privateKey));
  assert.ok(verifyEd25519(sig, msg, pub));
  assert.ok(verifyEd25519Host(sig, msg, pub));
  const altered = msg.slice();
  altered[0] ^= 1;
  assert.not.ok(verifyEd25519(sig, altered, pub));
  const other = readPublicKey(makeUpdateKeys(path.join(dir, "b")).publicKey);
  assert.not.ok(verifyEd25519(sig, msg, other));
  // Malformed input is a refusal, not an exception.
  assert.not.ok(verifyEd25519(sig.subarray(0, 10), msg, pub));
  assert.not.ok(verifyEd25519(sig, msg, new Uint8Array(5)));
});

test("no private key inside the repository; missing and foreign keys are named", () => {
  assert.throws(() => makeUpdateKeys(repoPath("build", "keys")), /inside the repository/);
  assert.throws(() => readPrivateKey(path.join(dir, "none.pem")), /not found \(npm run deploy -- --keygen/);
});

test.run();
