/**
 * The app-update signing key (docs/updates.md, "Keys"): an Ed25519 pair made with Node's crypto
 * (generateKeyPairSync("ed25519"), PKCS#8 / SPKI PEM, RFC 8410), kept outside the repository in
 * ~/.config/tsmetal/update/ (or $XDG_CONFIG_HOME/tsmetal/update/). The base carries only the
 * 32-byte public key (--update-key); `npm run deploy` signs with the private key (mode 0600).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";
import { repoRoot } from "./paths.ts";

export const PRIVATE_KEY_FILE = "update_ed25519.pem";
export const PUBLIC_KEY_FILE = "update_ed25519.pub.pem";

/** ~/.config/tsmetal/update, or under $XDG_CONFIG_HOME (XDG Base Directory Specification). */
export function defaultUpdateKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), ".config");
  return path.join(config, "tsmetal", "update");
}

function insideRepo(file: string): boolean {
  const rel = path.relative(repoRoot, path.resolve(file));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Makes a key pair in `dir`; refuses to overwrite one, or to write a private key into the repository. */
export function makeUpdateKeys(dir = defaultUpdateKeyDir()): { privateKey: string; publicKey: string } {
  if (insideRepo(dir)) throw new UserError(`refusing to write a private key inside the repository (${dir}): keep it outside, ideally offline`);
  const privateKey = path.join(dir, PRIVATE_KEY_FILE), publicKey = path.join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKey)) throw new UserError(`${privateKey} exists already; remove it first to make a new key (bases built with the old key will refuse units signed with the new one)`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateKeyPairSync("ed25519");
  writeFileSync(privateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  chmodSync(privateKey, 0o600);
  writeFileSync(publicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
  return { privateKey, publicKey };
}

function readKeyFile(file: string, what: string): string {
  if (!existsSync(file)) throw new UserError(`${what} ${file} not found (npm run deploy -- --keygen makes one)`);
  return readFileSync(file, "utf8");
}

/** The raw 32-byte Ed25519 public key of a PEM file (SPKI, or a private key's public half). */
export function readPublicKey(file: string): Uint8Array {
  let key: KeyObject;
  try {
    key = createPublicKey(readKeyFile(file, "public key"));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: not a PEM key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new UserError(`${file}: an ${key.asymmetricKeyType} key; app updates are signed with Ed25519`);
  const jwk = key.export({ format: "jwk" });
  return new Uint8Array(Buffer.from(String(jwk.x), "base64url"));
}

export function readPrivateKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readKeyFile(file, "private key"));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: not a PEM private key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new UserError(`${file}: an ${key.asymmetricKeyType} key; app updates are signed with Ed25519`);
  return key;
}

/** Ed25519 signature (RFC 8032, pure: no pre-hash) of `message`. */
export function signEd25519(message: Uint8Array, key: KeyObject): Uint8Array {
  return new Uint8Array(sign(null, message, key));
}

/** Host-side verification of a raw public key's signature (for tests and the deploy's self-check). */
export function verifyEd25519Host(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
  return verify(null, message, key, signature);
}
