/**
 * The SSH server (stacks/ssh, unit "ssh" through serveSsh from "tsmetal") on microvm under QEMU,
 * driven by Debian's OpenSSH client through --forward tcp:PORT:22: examples/ssh-shell built with
 * a host key and an authorized key made here. In one boot: exec `uptime` under each cipher, a
 * scripted pty session (ssh -tt with piped input), a key that is not authorized, a packet with
 * one byte flipped by a proxy after the key exchange (the firmware disconnects with MAC_ERROR and
 * goes on serving), and finally `exit 0`, which ends the firmware with status 0.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { freePort } from "../../tools/lib/free-port.ts";

const test = suite("the SSH server on microvm");

interface SshResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ssh(dir: string, port: number, args: string[], input = "", key = "good"): Promise<SshResult> {
  const base = ["-F", "/dev/null", "-i", path.join(dir, key), "-p", String(port), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=60"];
  return new Promise((resolve) => {
    const p = spawn("ssh", [...base, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 120_000);
    p.on("error", (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(input);
  });
}

/**
 * A TCP proxy to `target` that flips one bit of the client's stream inside its first encrypted
 * packet: it reads the cleartext part (the version line, then packets up to and including
 * NEWKEYS, RFC 4253 6 and 7.3) and damages the byte 20 past its end.
 */
async function tamperingProxy(target: number): Promise<{ port: number; close: () => void; flipped: () => boolean }> {
  let flipped = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    let seen = Buffer.alloc(0);
    let flipAt = -1;
    let passed = 0;
    client.on("data", (chunk: Buffer) => {
      const data = Buffer.from(chunk);
      if (flipAt < 0) {
        seen = Buffer.concat([seen, data]);
        let at = seen.indexOf("\n") + 1;
        while (at > 0 && at + 5 <= seen.length) {
          const len = seen.readUInt32BE(at);
          if (at + 4 + len > seen.length) break;
          const type = seen[at + 5];
          at += 4 + len;
          if (type === 21) {
            flipAt = at + 20;
            break;
          }
        }
      }
      if (flipAt >= passed && flipAt < passed + data.length) {
        data[flipAt - passed] ^= 0x01;
        flipped = true;
      }
      passed += data.length;
      upstream.write(data);
    });
    upstream.on("data", (d) => client.write(d));
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close(), flipped: () => flipped };
}

test("OpenSSH logs in, runs commands under both ciphers and a pty; a wrong key and a tampered packet are refused", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-ssh-"));
  try {
    for (const k of ["good", "bad"]) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${k}-key`, "-f", path.join(dir, k)]);
    const hostKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    const fw = await build(repoPath("examples/ssh-shell/main.ts"), {
      board: "microvm",
      defines: { SSH_HOST_KEY: hostKey, SSH_AUTHORIZED_KEYS: readFileSync(path.join(dir, "good.pub"), "utf8") },
    });
    assert.ok(fw.bundles.some((b) => b.unit === "ssh"), fw.bundles.map((b) => b.unit).join(" "));
    const port = await freePort();
    const results: Record<string, SshResult> = {};
    let proxyFlipped = false;
    let session: Promise<void> | undefined;
    let seen = "";
    const client = async () => {
      const to = "user@127.0.0.1";
      results.chacha = await ssh(dir, port, ["-c", "chacha20-poly1305@openssh.com", to, "uptime"]);
      results.gcm = await ssh(dir, port, ["-c", "aes128-gcm@openssh.com", to, "uptime"]);
      results.pty = await ssh(dir, port, ["-tt", to], "help\ruptime\rfrob\r\x04");
      results.wrong = await ssh(dir, port, [to, "uptime"], "", "bad");
      const proxy = await tamperingProxy(port);
      try {
        results.tampered = await ssh(dir, proxy.port, [to, "uptime"]);
        proxyFlipped = proxy.flipped();
      } finally {
        proxy.close();
      }
      results.exit = await ssh(dir, port, [to, "exit 0"]);
    };
    const r = await runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS: 600,
      input: "",
      mapLine: loadLineMapper(fw.bundles),
      forwards: [{ protocol: "tcp", hostPort: port, guestPort: 22 }],
      onOutput: (text) => {
        seen += text;
        if (session === undefined && /ssh: listening on 10\.0\.2\.15 port 22\n/.test(seen)) {
          session = client();
          session.catch(() => undefined);
        }
      },
    });
    assert.ok(session, r.output);
    await session;
    const show = (k: string) => `${k}: ${JSON.stringify(results[k])}\n${r.output}`;
    for (const k of ["chacha", "gcm"]) {
      assert.match(results[k].stdout, /^up \d+\.\d{3} s\n$/, show(k));
      assert.is(results[k].code, 0, show(k));
    }
    assert.is(results.pty.code, 0, show("pty"));
    assert.match(results.pty.stdout, /^tsmetal shell on microvm; type help, Ctrl-D to leave\r\n> help\r\n {2}help {19}list the commands\r\n/, show("pty"));
    assert.match(results.pty.stdout, /\r\n> uptime\r\nup \d+\.\d{3} s\r\n> frob\r\nunknown command: frob \(try help\)\r\n> \r\n$/, show("pty"));
    assert.is(results.wrong.code, 255, show("wrong"));
    assert.match(results.wrong.stderr, /Permission denied \(publickey\)/, show("wrong"));
    assert.ok(proxyFlipped, "the proxy found the first encrypted packet");
    assert.is(results.tampered.code, 255, show("tampered"));
    assert.match(results.tampered.stderr, /corrupt packet: message authentication failed/, show("tampered"));
    assert.match(r.output, /ssh: disconnected: corrupt packet: message authentication failed\n/);
    assert.match(r.output, /ssh: user logged in with good-key\n/);
    assert.is(r.timedOut, false, r.output);
    assert.is(r.code, 0, r.output + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
