/** tools/lib/ssh-keys.ts: the host key made once outside the repository, read back by the firmware's parser; authorized keys from files. */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hostKey } from "../../../stacks/ssh/keys.ts";
import { defaultKeyDir, ensureHostKey, readAuthorizedKeys, shellQuote, sshDefineFlags } from "../../../tools/lib/ssh-keys.ts";
import { clientKey } from "../../support/ssh-client.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-ssh-keys-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the host key is made once (mode 0600), kept after, and the firmware reads its define", () => {
  const a = ensureHostKey(path.join(dir, "k"));
  assert.ok(a.created);
  assert.is(statSync(a.path).mode & 0o777, 0o600);
  const b = ensureHostKey(path.join(dir, "k"));
  assert.not.ok(b.created);
  assert.is(b.define, a.define);
  assert.is(hostKey(a.define).publicKeyLine + " tsmetal-host", a.publicLine);
});

test("a directory inside the repository is refused", () => {
  assert.throws(() => ensureHostKey(path.join(dir, "repo", "build", "keys"), path.join(dir, "repo")), /inside the repository/);
});

test("the default directory follows XDG_CONFIG_HOME", () => {
  assert.is(defaultKeyDir({ XDG_CONFIG_HOME: "/x/cfg" }), "/x/cfg/tsmetal/ssh");
});

test("authorized keys: ed25519 lines of ~/.ssh/*.pub kept, others reported; none is an error", () => {
  const ssh = path.join(dir, "dotssh");
  rmSync(ssh, { recursive: true, force: true });
  mkdirSync(ssh);
  const k = clientKey();
  writeFileSync(path.join(ssh, "id_ed25519.pub"), k.line + "\n");
  writeFileSync(path.join(ssh, "id_rsa.pub"), "ssh-rsa AAAAB3NzaC1yc2E me\n");
  const r = readAuthorizedKeys(undefined, ssh);
  assert.equal(r.lines, [k.line]);
  assert.equal(r.skipped, ["id_rsa.pub: ssh-rsa"]);
  rmSync(path.join(ssh, "id_ed25519.pub"));
  assert.throws(() => readAuthorizedKeys(undefined, ssh), /no ssh-ed25519 public key/);
  assert.throws(() => readAuthorizedKeys(path.join(dir, "missing")), /does not exist/);
});

test("the --define flags, quoted for a shell", () => {
  const flags = sshDefineFlags("QUJD", ["ssh-ed25519 AAAA it's me"]);
  assert.equal(flags, ["--define", "SSH_HOST_KEY=QUJD", "--define", "SSH_AUTHORIZED_KEYS=ssh-ed25519 AAAA it's me"]);
  assert.is(shellQuote(flags[3]), `'SSH_AUTHORIZED_KEYS=ssh-ed25519 AAAA it'\\''s me'`);
});

test.run();
