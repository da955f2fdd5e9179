/**
 * SSH keys for a firmware, made and read on the host (docs/security.md#ssh): the ssh-ed25519
 * host key, written outside the repository (the developer's config directory by default), and
 * the client keys that may log in, from ~/.ssh/*.pub or a given authorized_keys file. The build
 * takes both as `--define` strings (tools/lib/defines.ts): the host key as one line of base64
 * PKCS#8 DER, the authorized keys as authorized_keys lines. No private key is ever written into
 * the repository: a --out inside it is refused.
 *
 * Node's crypto makes the key (generateKeyPairSync("ed25519"), PKCS#8 as RFC 8410 7): it is
 * always there, where ssh-keygen (openssh-client) would be one more Debian package for every
 * build machine; the firmware reads PKCS#8 and OpenSSH keys alike (stacks/ssh/keys.ts).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";
import { repoRoot } from "./paths.ts";

export const HOST_KEY_FILE = "host_ed25519.pem";

/** ~/.config/tsmetal/ssh, or under $XDG_CONFIG_HOME (XDG Base Directory Specification). */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), ".config");
  return path.join(config, "tsmetal", "ssh");
}

function inside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export interface HostKeyFiles {
  /** The PKCS#8 PEM file (mode 0600). */
  readonly path: string;
  /** Whether this call made it. */
  readonly created: boolean;
  /** The PKCS#8 DER in base64, one line: what --define SSH_HOST_KEY takes. */
  readonly define: string;
  /** The public key as an authorized_keys / known_hosts line. */
  readonly publicLine: string;
}

/** The host key in `dir`, made there first if absent; a `dir` inside the repository is refused. */
export function ensureHostKey(dir: string, repo = repoRoot): HostKeyFiles {
  const abs = path.resolve(dir);
  if (inside(abs, repo)) throw new UserError(`ssh-keys: ${abs} is inside the repository (${repo}); private keys are kept outside it (default ${defaultKeyDir()})`);
  const file = path.join(abs, HOST_KEY_FILE);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    created = true;
  }
  return { path: file, created, ...hostKeyStrings(readFileSync(file, "utf8"), file) };
}

/** The define string and public line of a PKCS#8 Ed25519 PEM. */
export function hostKeyStrings(pem: string, what: string): { define: string; publicLine: string } {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new UserError(`ssh-keys: ${what} is not a private key (${e instanceof Error ? e.message : String(e)})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new UserError(`ssh-keys: ${what} is a ${key.asymmetricKeyType} key; the firmware's host key must be Ed25519`);
  const der = key.export({ format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return { define: der.toString("base64"), publicLine: `ssh-ed25519 ${sshEd25519Blob(spki.subarray(spki.length - 32)).toString("base64")} tsmetal-host` };
}

function sshEd25519Blob(publicKey: Buffer): Buffer {
  const type = Buffer.from("ssh-ed25519");
  const out = Buffer.alloc(4 + type.length + 4 + publicKey.length);
  out.writeUInt32BE(type.length, 0);
  type.copy(out, 4);
  out.writeUInt32BE(publicKey.length, 4 + type.length);
  publicKey.copy(out, 8 + type.length);
  return out;
}

/**
 * The ssh-ed25519 lines of `file` (an authorized_keys file or one .pub), or of every
 * ~/.ssh/*.pub when none is given. Other key types are left out (the firmware takes only
 * Ed25519: keys.ts) and said so; none left is an error naming where it looked.
 */
export function readAuthorizedKeys(file?: string, sshDir = path.join(homedir(), ".ssh")): { lines: string[]; skipped: string[] } {
  const files = file !== undefined ? [path.resolve(file)] : existsSync(sshDir) ? readdirSync(sshDir).filter((f) => f.endsWith(".pub")).sort().map((f) => path.join(sshDir, f)) : [];
  const lines: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) throw new UserError(`ssh-keys: ${f} does not exist`);
    for (const raw of readFileSync(f, "utf8").split(/\r?\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      if (/^ssh-ed25519 [A-Za-z0-9+/]+={0,2}( |$)/.test(line)) lines.push(line);
      else skipped.push(`${path.basename(f)}: ${line.split(/\s+/)[0].slice(0, 40)}`);
    }
  }
  if (lines.length === 0) {
    const where = file !== undefined ? path.resolve(file) : `${sshDir}/*.pub`;
    throw new UserError(`ssh-keys: no ssh-ed25519 public key in ${where} (make one with ssh-keygen -t ed25519, or give --authorized-keys <file>)`);
  }
  return { lines, skipped };
}

/** A word for a POSIX shell command line, single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_=.,:/+@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The --define flags a build takes the keys with. */
export function sshDefineFlags(hostKeyDefine: string, authorizedLines: readonly string[]): string[] {
  return ["--define", `SSH_HOST_KEY=${hostKeyDefine}`, "--define", `SSH_AUTHORIZED_KEYS=${authorizedLines.join("\n")}`];
}
