/**
 * stacks/ssh/server-connection.ts on a Node socket against Debian's OpenSSH client (ssh(1) from
 * openssh-client): exec with each cipher forced, a pty session with piped input, a wrong key
 * refused, and client-initiated rekeying (RekeyLimit) in the middle of a session.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hostKey, parseAuthorizedKeys } from "../../../stacks/ssh/keys.ts";
import { shellHandler } from "../../../stacks/ssh/shell.ts";
import { startNodeSshServer, type NodeSshServer } from "../../support/ssh-node-server.ts";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "ssh-e2e-"));
let server: NodeSshServer;

test.before(async () => {
  for (const k of ["good", "bad"]) await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", k, "-f", path.join(dir, k)]);
  server = await startNodeSshServer({
    hostKey: hostKey(new Uint8Array(32).fill(5)),
    authorizedKeys: parseAuthorizedKeys(readFileSync(path.join(dir, "good.pub"), "utf8")),
    handler: shellHandler({ run: (line, print) => (line.trim() === "uptime" ? (print("up 1.000 s"), 0) : line.trim() === "" ? 0 : (print(`unknown command: ${line}`), 127)) }),
  });
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function ssh(args: string[], input?: string, key = "good"): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = ["-i", path.join(dir, key), "-p", String(server.port), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-F", "/dev/null"];
  return new Promise((resolve, reject) => {
    const p = spawn("ssh", [...base, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(input ?? "");
  });
}

for (const cipher of ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"]) {
  test(`ssh -c ${cipher} … uptime: the output and exit status 0`, async () => {
    const r = await ssh(["-c", cipher, "user@127.0.0.1", "uptime"]);
    assert.is(r.stdout, "up 1.000 s\n", r.stderr);
    assert.is(r.code, 0);
  });
}

test("exec of an unknown command returns its exit status", async () => {
  const r = await ssh(["user@127.0.0.1", "frobnicate"]);
  assert.is(r.code, 127);
  assert.match(r.stdout, /unknown command: frobnicate/);
});

test("ssh -tt with piped input: prompt, echo, output, Ctrl-D", async () => {
  const r = await ssh(["-tt", "user@127.0.0.1"], "uptime\rfoo\r\x04");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^> uptime\r\nup 1\.000 s\r\n> foo\r\nunknown command: foo\r\n> /);
});

test("a key that is not authorized: exit 255, Permission denied (publickey)", async () => {
  const r = await ssh(["user@127.0.0.1", "uptime"], undefined, "bad");
  assert.is(r.code, 255);
  assert.match(r.stderr, /Permission denied \(publickey\)/);
});

test("RekeyLimit=1K: OpenSSH rekeys many times within one session, and every line is answered", async () => {
  const lines = "uptime\n".repeat(200);
  const r = await ssh(["-T", "-o", "RekeyLimit=1K", "user@127.0.0.1"], lines);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.split("up 1.000 s").length - 1, 200);
});

test.run();
