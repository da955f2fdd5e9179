/**
 * stacks/ssh/keys.ts: host keys from a PKCS#8 made by Node and an OpenSSH key made by ssh-keygen
 * give the public key those tools give; signatures verify with Node; authorized_keys lines of
 * other types or broken ones are refused naming the line.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hostKey, parseAuthorizedKeys } from "../../../stacks/ssh/keys.ts";
import { Reader } from "../../support/ssh-client.ts";

test("a PKCS#8 host key (PEM and one-line base64) signs as Node verifies", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const b64 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
  for (const input of [pem, b64]) {
    const k = hostKey(input);
    const blob = new Reader(Buffer.from(k.blob));
    assert.is(blob.text(), "ssh-ed25519");
    assert.is(blob.str().toString("hex"), publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("hex"));
    const sig = new Reader(Buffer.from(k.sign(new Uint8Array([1, 2, 3]))));
    assert.is(sig.text(), "ssh-ed25519");
    assert.ok(verify(null, Buffer.from([1, 2, 3]), publicKey, sig.str()));
  }
});

test("an unencrypted OpenSSH key from ssh-keygen gives ssh-keygen's public key", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ssh-keys-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", path.join(dir, "k")]);
    const k = hostKey(readFileSync(path.join(dir, "k"), "utf8"));
    assert.is(k.publicKeyLine, readFileSync(path.join(dir, "k.pub"), "utf8").split(" ").slice(0, 2).join(" "));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", path.join(dir, "e")]);
    assert.throws(() => hostKey(readFileSync(path.join(dir, "e"), "utf8")), /encrypted/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("host keys of other kinds are refused with a clear TypeError", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  assert.throws(() => hostKey(ec), /only ssh-ed25519/);
  assert.throws(() => hostKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"), /RSA PRIVATE KEY/);
  assert.throws(() => hostKey("not base64!"), /not base64/);
  assert.throws(() => hostKey(new Uint8Array(31)), /32 bytes/);
});

test("authorized keys: ssh-ed25519 lines kept with comments; others refused naming the line", () => {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), raw]);
  const line = `ssh-ed25519 ${blob.toString("base64")} me@host`;
  const keys = parseAuthorizedKeys(`# mine\n\n${line}\n`);
  assert.is(keys.length, 1);
  assert.is(keys[0].comment, "me@host");
  assert.throws(() => parseAuthorizedKeys(["", "ssh-rsa AAAAB3 x"]), /authorized key 2: "ssh-rsa" is not supported/);
  assert.throws(() => parseAuthorizedKeys('from="10.0.0.1" ' + line), /not supported/);
  assert.throws(() => parseAuthorizedKeys(`ssh-ed25519 ${blob.subarray(0, 40).toString("base64")}`), /not an ssh-ed25519 public key blob/);
});

test.run();
