/**
 * Just enough DER (ITU-T X.690) and PEM (RFC 7468) to find the public key in an X.509
 * certificate and the private key in a PKCS#8 PrivateKeyInfo. The input is the app's own
 * configuration, not the network's, but it is still checked: a malformed one is a clear error
 * when serve() is called, never a wrong key.
 */

export class DerError extends Error {}

export interface DerNode {
  readonly tag: number;
  /** The contents octets. */
  readonly value: Uint8Array;
  /** The whole element, tag and length included. */
  readonly raw: Uint8Array;
}

/** The elements of `bytes`, back to back (definite lengths only, as DER requires). */
export function derChildren(bytes: Uint8Array, what: string): DerNode[] {
  const out: DerNode[] = [];
  let p = 0;
  while (p < bytes.length) {
    const start = p;
    const tag = bytes[p++];
    if ((tag & 0x1f) === 0x1f) throw new DerError(`${what}: multi-byte DER tags are not used here`);
    if (p >= bytes.length) throw new DerError(`${what}: truncated DER length`);
    let len = bytes[p++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3) throw new DerError(`${what}: unsupported DER length form`);
      if (p + n > bytes.length) throw new DerError(`${what}: truncated DER length`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + bytes[p++];
    }
    if (p + len > bytes.length) throw new DerError(`${what}: a DER element runs past the end`);
    out.push({ tag, value: bytes.subarray(p, p + len), raw: bytes.subarray(start, p + len) });
    p += len;
  }
  return out;
}

/** The single element `bytes` is; trailing bytes are an error. */
export function derOne(bytes: Uint8Array, tag: number, what: string): DerNode {
  const all = derChildren(bytes, what);
  if (all.length !== 1 || all[0].tag !== tag) throw new DerError(`${what}: expected one DER element of tag 0x${tag.toString(16)}`);
  return all[0];
}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, OID: 0x06, SEQUENCE: 0x30 } as const;

/** An OID's contents octets as dotted text (for messages and comparisons). */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) return "";
  const parts = [Math.floor(value[0] / 40), value[0] % 40];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    n = n * 128 + (value[i] & 0x7f);
    if (!(value[i] & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join(".");
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 (RFC 4648 4) with padding; whitespace is skipped, anything else refused. */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s]/g, "");
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new DerError("PEM: the base64 body is malformed");
  const pad = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const v = (B64.indexOf(clean[i]) << 18) | (B64.indexOf(clean[i + 1]) << 12) | ((B64.indexOf(clean[i + 2]) & 63) << 6) | (B64.indexOf(clean[i + 3]) & 63);
    if (o < out.length) out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

/** The bodies of every `-----BEGIN label-----` block of `text` with one of `labels`, in order. */
export function pemBlocks(text: string, labels: readonly string[]): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== m[3]) throw new DerError(`PEM: BEGIN ${m[1]} ends with END ${m[3]}`);
    if (labels.includes(m[1])) out.push({ label: m[1], der: base64Decode(m[2]) });
  }
  return out;
}
