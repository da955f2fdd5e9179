/**
 * Keys: the server's ssh-ed25519 host key (RFC 8709) and the client keys allowed to log in.
 * A host key is given as its 32-byte Ed25519 seed, as a PKCS#8 "PRIVATE KEY" (PEM or one line of
 * base64, what `npm run ssh-keys` and `openssl genpkey -algorithm ed25519` write), or as an
 * unencrypted OpenSSH private key (`ssh-keygen -t ed25519 -N ''`; format in OpenSSH's
 * PROTOCOL.key). Authorized keys are authorized_keys lines (sshd(8) AUTHORIZED_KEYS FILE FORMAT)
 * of type ssh-ed25519, without options.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { equalBytes } from "../../runtime/bytes.ts";
import { SshReader, SshWriter } from "./wire.ts";

export const ED25519 = "ssh-ed25519";

export interface HostKey {
  /** The public key blob of RFC 8709 4: string "ssh-ed25519", string key. */
  readonly blob: Uint8Array;
  /** `data` signed, as the signature blob of RFC 8709 6: string "ssh-ed25519", string signature. */
  sign(data: Uint8Array): Uint8Array;
  /** The public key as OpenSSH writes it: "ssh-ed25519 <base64 blob>" (a known_hosts or .pub line without its comment). */
  readonly publicKeyLine: string;
}

/** RFC 8410 7: the DER of a PKCS#8 Ed25519 private key is this prefix and the 32-byte seed. */
const PKCS8_ED25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

export function ed25519Blob(publicKey: Uint8Array): Uint8Array {
  return new SshWriter().string(ED25519).string(publicKey).bytes();
}

/** A host key from a seed, PKCS#8 (PEM or base64 DER) or an OpenSSH private key; a clear TypeError for anything else. */
export function hostKey(input: Uint8Array | string): HostKey {
  const seed = hostKeySeed(input);
  const publicKey = ed25519.getPublicKey(seed);
  const blob = ed25519Blob(publicKey);
  return {
    blob,
    sign: (data) => new SshWriter().string(ED25519).string(ed25519.sign(data, seed)).bytes(),
    publicKeyLine: `${ED25519} ${encodeBase64(blob)}`,
  };
}

function hostKeySeed(input: Uint8Array | string): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length !== 32) throw new TypeError(`ssh host key: a raw Ed25519 seed is 32 bytes, not ${input.length}`);
    return input;
  }
  if (typeof input !== "string") throw new TypeError("ssh host key: expected a string (PEM, base64 PKCS#8, OpenSSH key) or a 32-byte Uint8Array");
  const pem = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(input);
  if (pem && pem[1] === "OPENSSH PRIVATE KEY") return openSshSeed(decodeBase64(pem[2], "ssh host key"));
  if (pem && pem[1] !== "PRIVATE KEY") throw new TypeError(`ssh host key: a "${pem[1]}" PEM block; expected PRIVATE KEY (PKCS#8 Ed25519) or OPENSSH PRIVATE KEY`);
  const der = decodeBase64(pem ? pem[2] : input, "ssh host key");
  if (der.length === 32) return der;
  if (der.length !== 48 || PKCS8_ED25519.some((b, i) => der[i] !== b)) throw new TypeError("ssh host key: not a PKCS#8 Ed25519 private key (only ssh-ed25519 host keys are supported)");
  return der.slice(16);
}

/** The seed of an unencrypted "openssh-key-v1" file holding one ssh-ed25519 key (PROTOCOL.key). */
function openSshSeed(data: Uint8Array): Uint8Array {
  const magic = "openssh-key-v1\0";
  if (data.length < magic.length || magic.split("").some((c, i) => data[i] !== c.charCodeAt(0))) throw new TypeError("ssh host key: not an openssh-key-v1 file");
  try {
    const r = new SshReader(data.subarray(magic.length));
    const cipher = new TextDecoder().decode(r.string());
    r.string(); // kdfname
    r.string(); // kdfoptions
    if (cipher !== "none") throw new TypeError("ssh host key: the OpenSSH key is encrypted (create it with -N '')");
    if (r.uint32() !== 1) throw new TypeError("ssh host key: the OpenSSH file must hold exactly one key");
    r.string(); // public key
    const p = new SshReader(r.string());
    if (p.uint32() !== p.uint32()) throw new TypeError("ssh host key: the OpenSSH key's check integers differ");
    const type = new TextDecoder().decode(p.string());
    if (type !== ED25519) throw new TypeError(`ssh host key: a ${type} key; only ssh-ed25519 is supported`);
    const pub = p.string();
    const priv = p.string();
    if (pub.length !== 32 || priv.length !== 64 || !equalBytes(priv.subarray(32), pub)) throw new TypeError("ssh host key: malformed ssh-ed25519 private key");
    return priv.slice(0, 32);
  } catch (e) {
    if (e instanceof TypeError) throw e;
    throw new TypeError("ssh host key: truncated OpenSSH private key");
  }
}

/** An authorized client key: its blob (as the client sends it) and its comment. */
export interface AuthorizedKey {
  readonly blob: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly comment: string;
}

/**
 * authorized_keys text (or lines): "ssh-ed25519 BASE64 [comment]" per line, blank lines and
 * #-comments skipped. Any other key type, an options prefix or a blob that is not an
 * ssh-ed25519 key is a TypeError naming the line: a key silently left out would lock its owner out.
 */
export function parseAuthorizedKeys(text: string | readonly string[]): AuthorizedKey[] {
  const lines = typeof text === "string" ? text.split(/\r?\n/) : text;
  const keys: AuthorizedKey[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [type, b64, ...comment] = line.split(/\s+/);
    if (type !== ED25519) throw new TypeError(`authorized key ${i + 1}: "${type.slice(0, 40)}" is not supported (only ssh-ed25519 keys, without options)`);
    if (b64 === undefined) throw new TypeError(`authorized key ${i + 1}: no key after ${type}`);
    const blob = decodeBase64(b64, `authorized key ${i + 1}`);
    const r = new SshReader(blob);
    let publicKey: Uint8Array;
    try {
      const t = new TextDecoder().decode(r.string());
      publicKey = r.string();
      r.end("key");
      if (t !== ED25519 || publicKey.length !== 32) throw new Error();
    } catch {
      throw new TypeError(`authorized key ${i + 1}: the base64 is not an ssh-ed25519 public key blob`);
    }
    keys.push({ blob, publicKey: publicKey.slice(), comment: comment.join(" ") });
  });
  return keys;
}
