/**
 * examples/secure-services on microvm under QEMU, as its README runs it: keys made for the test
 * (an Ed25519 certificate by tools/lib/tls-keys.ts, OpenSSH client keys by ssh-keygen, a host key
 * by Node), both ports forwarded, then curl --cacert over HTTPS and OpenSSH's exec, each through
 * its own forward in the same boot; `exit 0` over SSH ends the firmware.
 */
import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { freePort } from "../../tools/lib/free-port.ts";
import { testKeys } from "../support/tls/keys.ts";

const test = suite("examples/secure-services on microvm");

function run(cmd: string, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 120_000, encoding: "utf8" }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, out: stdout, err: stderr });
    }).stdin?.end();
  });
}

test("HTTPS with curl --cacert and SSH with OpenSSH, in one boot, each through its forward", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-secure-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", path.join(dir, "id")]);
    const tls = testKeys("ed25519");
    const fw = await build(repoPath("examples/secure-services/main.ts"), {
      board: "microvm",
      defines: {
        TLS_CERT: tls.cert,
        TLS_KEY: tls.key,
        SSH_HOST_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
        SSH_AUTHORIZED_KEYS: readFileSync(path.join(dir, "id.pub"), "utf8"),
      },
    });
    const units = fw.bundles.map((b) => b.unit);
    assert.ok(units.includes("tls") && units.includes("ssh"), units.join(" "));
    const [httpsPort, sshPort] = [await freePort(), await freePort()];
    const ssh = (command: string) =>
      run("ssh", ["-F", "/dev/null", "-i", path.join(dir, "id"), "-p", String(sshPort), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=60", "me@127.0.0.1", command]);
    const curl = (p: string) => run("curl", ["-sS", "--max-time", "60", "--cacert", tls.certPath, "--resolve", `localhost:${httpsPort}:127.0.0.1`, `https://localhost:${httpsPort}${p}`]);
    const results: Record<string, { code: number; out: string; err: string }> = {};
    let clients: Promise<void> | undefined;
    let seen = "";
    const r = await runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS: 600,
      input: "",
      mapLine: loadLineMapper(fw.bundles),
      forwards: [
        { protocol: "tcp", hostPort: httpsPort, guestPort: 443 },
        { protocol: "tcp", hostPort: sshPort, guestPort: 22 },
      ],
      onOutput: (text) => {
        seen += text;
        if (clients === undefined && seen.includes("https: listening on 10.0.2.15 port 443\n") && seen.includes("ssh: listening on 10.0.2.15 port 22\n")) {
          clients = (async () => {
            results.root = await curl("/");
            results.status = await curl("/status");
            results.missing = await curl("/nothing");
            results.uptime = await ssh("uptime");
            results.exit = await ssh("exit 0");
          })();
          clients.catch(() => undefined);
        }
      },
    });
    assert.ok(clients, r.output + r.stderr);
    await clients;
    const show = (k: string) => `${k}: ${JSON.stringify(results[k])}\n${r.output}`;
    assert.is(results.root.out, "tsmetal on microvm, over TLS 1.3\n", show("root"));
    const status = JSON.parse(results.status.out) as { board: string; https: { requests: number }; heap: { used: number } };
    assert.is(status.board, "microvm", show("status"));
    assert.is(status.https.requests, 2, show("status"));
    assert.ok(status.heap.used > 0, show("status"));
    assert.is(results.missing.out, "not found\n", show("missing"));
    assert.match(results.uptime.out, /^up \d+\.\d{3} s\n$/, show("uptime"));
    assert.is(results.uptime.code, 0, show("uptime"));
    assert.match(r.output, /ssh: me logged in\n/);
    assert.is(r.timedOut, false, r.output);
    assert.is(r.code, 0, r.output + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
