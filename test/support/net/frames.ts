/**
 * Frames built and decoded byte by byte for the stack's tests, independently of the stack's own
 * code (own checksum, own field layout), so that a test compares the stack against the RFCs'
 * formats rather than against itself.
 */

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0) throw new Error("odd hex");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function toHex(a: Uint8Array): string {
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function mac(s: string): number[] {
  return s.split(":").map((x) => parseInt(x, 16));
}

export function ip(s: string): number[] {
  return s.split(".").map(Number);
}

export function ipNum(s: string): number {
  return ip(s).reduce((a, b) => a * 256 + b, 0);
}

/** RFC 1071 checksum, computed the plain way: words summed, carries folded, complemented. */
export function inetChecksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    sum += bytes[i] * 256 + (i + 1 < bytes.length ? bytes[i + 1] : 0);
    sum = (sum & 0xffff) + Math.floor(sum / 65536);
  }
  sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return 0xffff - sum;
}

/**
 * Pseudo-random bytes for throwing garbage at the receive path: each call gives the next `length`
 * bytes of one stream (the high byte of an LCG), the same stream for the same seed.
 */
export function garbage(seed: number): (length: number) => number[] {
  let x = seed;
  return (length) => {
    const body: number[] = [];
    for (let i = 0; i < length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      body.push(x >>> 24);
    }
    return body;
  };
}

/** A 16- or 32-bit number as big-endian (network order) bytes. */
export const u16 = (n: number) => [(n >>> 8) & 255, n & 255];
export const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

export function ethernet(dst: string, src: string, type: number, payload: ArrayLike<number>, pad = false): Uint8Array {
  const bytes = [...mac(dst), ...mac(src), ...u16(type), ...Array.from(payload)];
  while (pad && bytes.length < 60) bytes.push(0);
  return Uint8Array.from(bytes);
}

export interface Ipv4Fields {
  src: string;
  dst: string;
  protocol: number;
  payload: ArrayLike<number>;
  ttl?: number;
  id?: number;
  /** Flags and fragment offset word; default DF (0x4000). */
  fragment?: number;
  options?: number[];
  /** Overrides the computed checksum. */
  checksum?: number;
  version?: number;
  totalLength?: number;
}

export function ipv4(f: Ipv4Fields): number[] {
  const options = f.options ?? [];
  const ihl = 5 + options.length / 4;
  const total = f.totalLength ?? ihl * 4 + f.payload.length;
  const header = [((f.version ?? 4) << 4) | ihl, 0, ...u16(total), ...u16(f.id ?? 0), ...u16(f.fragment ?? 0x4000), f.ttl ?? 64, f.protocol, 0, 0, ...ip(f.src), ...ip(f.dst), ...options];
  const c = f.checksum ?? inetChecksum(header);
  header[10] = c >>> 8;
  header[11] = c & 255;
  return [...header, ...Array.from(f.payload)];
}

function pseudo(src: string, dst: string, protocol: number, length: number): number[] {
  return [...ip(src), ...ip(dst), 0, protocol, ...u16(length)];
}

export interface TcpFields {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: string;
  window?: number;
  options?: number[];
  payload?: ArrayLike<number>;
  badChecksum?: boolean;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 };

export function flagBits(flags: string): number {
  let b = 0;
  for (const ch of flags) b |= FLAG_BITS[ch];
  return b;
}

export function flagText(bits: number): string {
  return "FSRPAU".split("").filter((ch) => bits & FLAG_BITS[ch]).join("");
}

export function tcp(f: TcpFields): number[] {
  const options = f.options ?? [];
  const payload = Array.from(f.payload ?? []);
  const seg = [...u16(f.srcPort), ...u16(f.dstPort), ...u32(f.seq >>> 0), ...u32((f.ack ?? 0) >>> 0), (5 + options.length / 4) << 4, flagBits(f.flags), ...u16(f.window ?? 65535), 0, 0, 0, 0, ...options, ...payload];
  let c = inetChecksum([...pseudo(f.src, f.dst, 6, seg.length), ...seg]);
  if (f.badChecksum) c ^= 0x5555;
  seg[16] = c >>> 8;
  seg[17] = c & 255;
  return seg;
}

export interface UdpFields {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: ArrayLike<number>;
  noChecksum?: boolean;
  badChecksum?: boolean;
  length?: number;
}

export function udp(f: UdpFields): number[] {
  const payload = Array.from(f.payload);
  const length = 8 + payload.length;
  const seg = [...u16(f.srcPort), ...u16(f.dstPort), ...u16(f.length ?? length), 0, 0, ...payload];
  if (!f.noChecksum) {
    let c = inetChecksum([...pseudo(f.src, f.dst, 17, length), ...seg]);
    if (c === 0) c = 0xffff;
    if (f.badChecksum) c ^= 0x5555;
    seg[6] = c >>> 8;
    seg[7] = c & 255;
  }
  return seg;
}

export function icmp(type: number, code: number, rest: ArrayLike<number>, badChecksum = false): number[] {
  const msg = [type, code, 0, 0, ...Array.from(rest)];
  let c = inetChecksum(msg);
  if (badChecksum) c ^= 0x5555;
  msg[2] = c >>> 8;
  msg[3] = c & 255;
  return msg;
}

export function echo(type: 0 | 8, id: number, seq: number, data: ArrayLike<number>): number[] {
  return icmp(type, 0, [...u16(id), ...u16(seq), ...Array.from(data)]);
}

export function arp(op: 1 | 2, sha: string, spa: string, tha: string, tpa: string): number[] {
  return [0, 1, 8, 0, 6, 4, 0, op, ...mac(sha), ...ip(spa), ...mac(tha), ...ip(tpa)];
}

// ---- Decoding -------------------------------------------------------------------------------

const rd16 = (a: Uint8Array, i: number) => a[i] * 256 + a[i + 1];
const rd32 = (a: Uint8Array, i: number) => ((a[i] * 256 + a[i + 1]) * 256 + a[i + 2]) * 256 + a[i + 3];
const macText = (a: Uint8Array, i: number) => Array.from(a.subarray(i, i + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
const ipText = (a: Uint8Array, i: number) => `${a[i]}.${a[i + 1]}.${a[i + 2]}.${a[i + 3]}`;

export interface DecodedTcp {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: string;
  window: number;
  options: number[];
  payload: Uint8Array;
  checksumOk: boolean;
}

export interface Decoded {
  length: number;
  dst: string;
  src: string;
  type: number;
  arp?: { op: number; sha: string; spa: string; tha: string; tpa: string };
  ip?: { src: string; dst: string; protocol: number; ttl: number; id: number; fragment: number; headerOk: boolean; totalLength: number; payload: Uint8Array };
  tcp?: DecodedTcp;
  udp?: { srcPort: number; dstPort: number; length: number; checksum: number; checksumOk: boolean; payload: Uint8Array };
  icmp?: { type: number; code: number; checksumOk: boolean; body: Uint8Array };
}

/** Decodes a frame the stack sent; checksums are checked independently. */
export function decode(frame: Uint8Array): Decoded {
  const d: Decoded = { length: frame.length, dst: macText(frame, 0), src: macText(frame, 6), type: rd16(frame, 12) };
  const p = frame.subarray(14);
  if (d.type === 0x0806) {
    d.arp = { op: rd16(p, 6), sha: macText(p, 8), spa: ipText(p, 14), tha: macText(p, 18), tpa: ipText(p, 24) };
  } else if (d.type === 0x0800) {
    const ihl = (p[0] & 15) * 4;
    const total = rd16(p, 2);
    const payload = p.subarray(ihl, total);
    d.ip = { src: ipText(p, 12), dst: ipText(p, 16), protocol: p[9], ttl: p[8], id: rd16(p, 4), fragment: rd16(p, 6), headerOk: inetChecksum(p.subarray(0, ihl)) === 0, totalLength: total, payload };
    const ps = [...p.subarray(12, 20), 0, p[9], ...u16(payload.length)];
    if (p[9] === 6) {
      const off = (payload[12] >>> 4) * 4;
      d.tcp = {
        srcPort: rd16(payload, 0),
        dstPort: rd16(payload, 2),
        seq: rd32(payload, 4),
        ack: rd32(payload, 8),
        flags: flagText(payload[13]),
        window: rd16(payload, 14),
        options: Array.from(payload.subarray(20, off)),
        payload: payload.subarray(off),
        checksumOk: inetChecksum([...ps, ...payload]) === 0,
      };
    } else if (p[9] === 17) {
      d.udp = { srcPort: rd16(payload, 0), dstPort: rd16(payload, 2), length: rd16(payload, 4), checksum: rd16(payload, 6), checksumOk: inetChecksum([...ps, ...payload]) === 0, payload: payload.subarray(8) };
    } else if (p[9] === 1) {
      d.icmp = { type: payload[0], code: payload[1], checksumOk: inetChecksum(payload) === 0, body: payload.subarray(4) };
    }
  }
  return d;
}
