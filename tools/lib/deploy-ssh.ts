/**
 * Sends an app unit over SSH (io/update/ssh.ts; docs/updates.md, "Over SSH"): Debian's OpenSSH
 * client runs the base's `update` command with the unit on standard input, in batch mode (no
 * prompt, ever). Exit 0 with `accepted <version>` is a switch; exit 1 with `refused: <why>` on
 * stderr is the device's refusal; 255 is ssh's own failure (connection, host key, login).
 */
import { spawn } from "node:child_process";
import type { DeployOutcome } from "./deploy-session.ts";
import { endWithCli } from "./child-signals.ts";

export interface SshDeployOptions {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  /** A private key for `ssh -i` (with IdentitiesOnly): else the client's own choice of keys. */
  readonly identity?: string;
  /** A known_hosts file holding the base's host key: else the user's own known_hosts. */
  readonly knownHosts?: string;
  readonly timeoutMs: number;
  /** The ssh program (tests may name another). */
  readonly ssh?: string;
}

/** The ssh arguments: batch mode, the port, the keys asked for, then `user@host update`. */
export function sshDeployArgs(o: SshDeployOptions): string[] {
  const args = ["-F", "/dev/null", "-p", String(o.port), "-o", "BatchMode=yes", "-o", `ConnectTimeout=${Math.max(1, Math.ceil(o.timeoutMs / 1000))}`, "-o", "LogLevel=ERROR"];
  if (o.identity !== undefined) args.push("-i", o.identity, "-o", "IdentitiesOnly=yes");
  if (o.knownHosts !== undefined) args.push("-o", `UserKnownHostsFile=${o.knownHosts}`, "-o", "StrictHostKeyChecking=yes");
  args.push("--", `${o.user}@${o.host}`, "update");
  return args;
}

export function deployOverSsh(unit: Uint8Array, o: SshDeployOptions): Promise<DeployOutcome> {
  const where = `ssh://${o.user}@${o.host}:${o.port}`;
  return new Promise((resolve) => {
    const p = spawn(o.ssh ?? "ssh", sshDeployArgs(o), { stdio: ["pipe", "pipe", "pipe"] });
    endWithCli(p);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill("SIGKILL");
    }, o.timeoutMs);
    p.stdin.on("error", () => undefined); // the device may refuse and close before the unit is all sent
    p.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, why: e.code === "ENOENT" ? "the OpenSSH client (ssh) is not installed: apt-get install openssh-client" : `cannot run ssh: ${e.message}` });
    });
    p.on("close", (code) => {
      clearTimeout(timer);
      const err = stderr.trim();
      const m = /^accepted (\d+)$/m.exec(stdout);
      if (timedOut) return resolve({ ok: false, why: `no answer from ${where} within ${o.timeoutMs / 1000} s` });
      if (code === 0 && m) return resolve({ ok: true, version: Number(m[1]) });
      const refused = /^refused: (.*)$/m.exec(err);
      if (refused) return resolve({ ok: false, why: refused[1] });
      if (code === 255) return resolve({ ok: false, why: `ssh to ${where} failed: ${err || "no message"}` });
      resolve({ ok: false, why: `${where} answered with exit status ${code}: ${err || stdout.trim() || "no message"}` });
    });
    p.stdin.end(unit);
  });
}
