/**
 * A firmware's TLS key and self-signed certificate, made on the host with Debian's `openssl`
 * (docs/security.md#tls): an Ed25519 (default) or ECDSA P-256 key in PKCS#8 PEM and an X.509 v3
 * certificate for it naming localhost and 127.0.0.1 (and any names given), written outside the
 * repository (the developer's config directory by default; a folder inside the repository is
 * refused, so no private key can be committed). The build takes both as `--define` strings
 * (tools/lib/defines.ts), the app passes them to serve({ tls: { cert, key } }).
 *
 * Why openssl and not Node's crypto: Node makes keys but no certificates, and writing the
 * certificate's DER here would be a second X.509 encoder to trust; openssl is the tool the
 * tests check the server with anyway (ci/apt-packages.json).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";
import { repoRoot } from "./paths.ts";

export const TLS_KEY_FILE = "tls-key.pem";
export const TLS_CERT_FILE = "tls-cert.pem";
export type TlsKeyAlgorithm = "ed25519" | "p256";

/** ~/.config/tsmetal/tls, or under $XDG_CONFIG_HOME (XDG Base Directory Specification). */
export function defaultTlsKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), ".config");
  return path.join(config, "tsmetal", "tls");
}

function inside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export interface TlsKeyOptions {
  readonly algorithm: TlsKeyAlgorithm;
  /** DNS names and IPv4 addresses the certificate is for, besides localhost and 127.0.0.1. */
  readonly names: readonly string[];
  readonly days: number;
  /** Replace a key and certificate that exist. */
  readonly force: boolean;
}

export interface TlsKeyFiles {
  readonly key: string;
  readonly cert: string;
  readonly created: boolean;
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT") throw new UserError("tls-keys: openssl is not installed (Debian package openssl: apt-get install openssl)");
    throw new UserError(`tls-keys: openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

const NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** The subjectAltName value: localhost and 127.0.0.1, then each of `names` as DNS or IP. */
export function subjectAltName(names: readonly string[]): string {
  const entries = ["DNS:localhost", "IP:127.0.0.1"];
  for (const n of names) {
    if (IPV4.test(n)) entries.push(`IP:${n}`);
    else if (NAME.test(n)) entries.push(`DNS:${n}`);
    else throw new UserError(`tls-keys: --name ${JSON.stringify(n)} is neither a DNS name nor an IPv4 address`);
  }
  return [...new Set(entries)].join(",");
}

/** The key and certificate in `dir`, made there unless both exist (or `force`); a `dir` inside the repository is refused. */
export function ensureTlsKeys(dir: string, o: TlsKeyOptions, repo = repoRoot): TlsKeyFiles {
  const abs = path.resolve(dir);
  if (inside(abs, repo)) throw new UserError(`tls-keys: ${abs} is inside the repository (${repo}); private keys are kept outside it (default ${defaultTlsKeyDir()})`);
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 36500) throw new UserError(`tls-keys: --days must be a whole number of days 1..36500, not ${o.days}`);
  const key = path.join(abs, TLS_KEY_FILE);
  const cert = path.join(abs, TLS_CERT_FILE);
  const san = subjectAltName(o.names);
  if (existsSync(key) && existsSync(cert) && !o.force) return { key, cert, created: false };
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  const keyArgs = o.algorithm === "ed25519" ? ["-algorithm", "ed25519"] : ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:named_curve"];
  // genpkey writes PKCS#8 ("PRIVATE KEY"), which the firmware reads (stacks/tls/credentials.ts);
  // under umask 077, so that the key is never readable by others, not even for a moment.
  const umask = process.umask(0o077);
  try {
    openssl(["genpkey", ...keyArgs, "-out", key]);
  } finally {
    process.umask(umask);
  }
  chmodSync(key, 0o600);
  const cn = o.names.find((n) => !IPV4.test(n)) ?? "localhost";
  openssl(["req", "-new", "-x509", "-key", key, "-out", cert, "-days", String(o.days), "-subj", `/CN=${cn}`, "-addext", `subjectAltName=${san}`]);
  return { key, cert, created: true };
}

/** The --define flags a build takes them with: TLS_CERT and TLS_KEY, the PEM text. */
export function tlsDefineFlags(files: TlsKeyFiles): string[] {
  return ["--define", `TLS_CERT=${readFileSync(files.cert, "utf8").trim()}`, "--define", `TLS_KEY=${readFileSync(files.key, "utf8").trim()}`];
}
