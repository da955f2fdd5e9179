/**
 * tools/lib/deploy-ssh.ts: the OpenSSH command line, and each way the run ends, with a stand-in
 * for ssh (a shell script answering as the device's `update` command or as ssh itself would).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deployOverSsh, sshDeployArgs } from "../../../tools/lib/deploy-ssh.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-deploy-ssh-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function fakeSsh(name: string, script: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const base = { user: "me", host: "127.0.0.1", port: 2222, timeoutMs: 5000 };
const unit = new Uint8Array(700).fill(1);

test("batch mode, the port, the key and known_hosts asked for, then user@host update", () => {
  assert.equal(sshDeployArgs({ ...base, identity: "/k/id", knownHosts: "/k/known" }), [
    "-F", "/dev/null", "-p", "2222", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
    "-i", "/k/id", "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=/k/known", "-o", "StrictHostKeyChecking=yes",
    "--", "me@127.0.0.1", "update",
  ]);
  assert.not.ok(sshDeployArgs(base).includes("-i"));
});

test("exit 0 with accepted <n>: the unit went to the command's stdin", async () => {
  const got = path.join(dir, "got");
  const ssh = fakeSsh("ok", `cat > ${got}; echo "accepted 9"`);
  assert.equal(await deployOverSsh(unit, { ...base, ssh }), { ok: true, version: 9 });
  assert.is(readFileSync(got).length, 700);
});

test("exit 1 with refused: the device's reason", async () => {
  const ssh = fakeSsh("refused", `cat > /dev/null; echo "refused: version 1 is not above the running version 3 (rollback refused)" >&2; exit 1`);
  assert.equal(await deployOverSsh(unit, { ...base, ssh }), { ok: false, why: "version 1 is not above the running version 3 (rollback refused)" });
});

test("ssh's own failure (255): its message, naming where", async () => {
  const ssh = fakeSsh("denied", `echo "me@127.0.0.1: Permission denied (publickey)." >&2; exit 255`);
  assert.equal(await deployOverSsh(unit, { ...base, ssh }), { ok: false, why: "ssh to ssh://me@127.0.0.1:2222 failed: me@127.0.0.1: Permission denied (publickey)." });
});

test("no ssh installed, or no answer in time: a message, not a hang", async () => {
  assert.equal(await deployOverSsh(unit, { ...base, ssh: path.join(dir, "absent") }), { ok: false, why: "the OpenSSH client (ssh) is not installed: apt-get install openssh-client" });
  const ssh = fakeSsh("silent", "exec sleep 30");
  const t0 = Date.now();
  assert.equal(await deployOverSsh(unit, { ...base, timeoutMs: 300, ssh }), { ok: false, why: "no answer from ssh://me@127.0.0.1:2222 within 0.3 s" });
  assert.ok(Date.now() - t0 < 5000);
});

test.run();
