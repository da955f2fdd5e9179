/**
 * DNS messages (RFC 1035 section 4) for a stub resolver of A records: the query built, the
 * response read stage by stage (header, question, answer section) with every length, pointer and
 * count checked against the bytes there. dns/resolver.ts decides what a response means.
 *
 * Header (section 4.1.1), 12 bytes:  ID (16) | QR Opcode(4) AA TC RD RA Z(3) RCODE(4) |
 *   QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT.  Question (4.1.2): QNAME, QTYPE (16), QCLASS (16).
 * Resource record (4.1.3): NAME, TYPE, CLASS, TTL (32), RDLENGTH (16), RDATA.
 */

import { readU16 } from "../bytes.ts";

export const DNS_PORT = 53;
export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const CLASS_IN = 1;
export const HEADER_LENGTH = 12;
export const RCODE_NXDOMAIN = 3;

/** Section 2.3.4: a name is at most 255 octets on the wire, a label at most 63. */
const MAX_NAME_OCTETS = 255;
/**
 * A 255-octet name has at most 127 labels, so a name followed through more than 127 pointers
 * (section 4.1.4) is a loop, whatever the message says.
 */
const MAX_POINTERS = 127;

/**
 * A host name as the resolver keys it: lowercase (section 2.3.3, names compare without case),
 * no trailing dot. Throws RangeError unless it is labels of 1..63 letters, digits, hyphens or
 * underscores (the preferred syntax of section 2.3.1, with the underscore of service names),
 * at most 253 characters.
 */
export function normalizeName(name: string): string {
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > MAX_NAME_OCTETS - 2) throw new RangeError(`not a host name (1..253 characters): ${JSON.stringify(name)}`);
  for (const label of bare.split(".")) {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(label)) throw new RangeError(`not a host name (label ${JSON.stringify(label)}): ${JSON.stringify(name)}`);
  }
  return bare.toLowerCase();
}

/** A recursive (RD, section 4.1.1) query for the A record of a normalized name. */
export function buildQuery(id: number, name: string): Uint8Array {
  const labels = name.split(".");
  const buf = new Uint8Array(HEADER_LENGTH + name.length + 2 + 4);
  const v = new DataView(buf.buffer);
  v.setUint16(0, id);
  v.setUint16(2, 0x0100);
  v.setUint16(4, 1);
  let at = HEADER_LENGTH;
  for (const label of labels) {
    buf[at++] = label.length;
    for (let i = 0; i < label.length; i++) buf[at++] = label.charCodeAt(i);
  }
  buf[at++] = 0;
  v.setUint16(at, TYPE_A);
  v.setUint16(at + 2, CLASS_IN);
  return buf;
}

export interface DnsHeader {
  readonly id: number;
  readonly response: boolean;
  readonly opcode: number;
  readonly truncated: boolean;
  readonly rcode: number;
  readonly questions: number;
  readonly answers: number;
}

export function readHeader(data: Uint8Array): DnsHeader | null {
  if (data.length < HEADER_LENGTH) return null;
  const flags = readU16(data, 2);
  return {
    id: readU16(data, 0),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    truncated: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questions: readU16(data, 4),
    answers: readU16(data, 6),
  };
}

/** A decoded name and where the record continues after it (after the first pointer, if any). */
interface NameAt {
  readonly name: string;
  readonly next: number;
}

/**
 * Reads a possibly compressed name (section 4.1.4) at `offset`: lowercased, labels joined by
 * dots, a dot, backslash or unprintable byte inside a label written \DDD (section 5.1), so that
 * two names are equal exactly when their strings are. Returns a reason when malformed.
 */
export function readName(data: Uint8Array, offset: number): NameAt | string {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let pointers = 0;
  let octets = 1;
  for (;;) {
    if (pos >= data.length) return "name runs past the end";
    const length = data[pos];
    if (length === 0) {
      if (next < 0) next = pos + 1;
      return { name: labels.join("."), next };
    }
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= data.length) return "compression pointer runs past the end";
      const target = ((length & 0x3f) << 8) | data[pos + 1];
      if (next < 0) next = pos + 2;
      if (++pointers > MAX_POINTERS) return "compression pointer loop";
      if (target >= data.length) return `compression pointer to ${target}, past the end`;
      pos = target;
      continue;
    }
    // 01 and 10 are reserved label types (section 4.1.4; RFC 6891 section 5).
    if (kind !== 0) return `reserved label type 0x${length.toString(16)}`;
    if (pos + 1 + length > data.length) return "label runs past the end";
    octets += 1 + length;
    if (octets > MAX_NAME_OCTETS) return "name longer than 255 octets";
    labels.push(labelText(data, pos + 1, length));
    pos += 1 + length;
  }
}

function labelText(data: Uint8Array, from: number, length: number): string {
  let s = "";
  for (let i = from; i < from + length; i++) {
    let b = data[i];
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (b <= 0x20 || b >= 0x7f || b === 0x2e || b === 0x5c) s += "\\" + String(b).padStart(3, "0");
    else s += String.fromCharCode(b);
  }
  return s;
}

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** Where the answer section starts. */
  readonly next: number;
}

/** The question section's one entry (a response echoes the query's question). */
export function readQuestion(data: Uint8Array): DnsQuestion | string {
  const n = readName(data, HEADER_LENGTH);
  if (typeof n === "string") return n;
  if (n.next + 4 > data.length) return "question runs past the end";
  return { name: n.name, type: readU16(data, n.next), class: readU16(data, n.next + 2), next: n.next + 4 };
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** Seconds; a TTL with the top bit set counts as 0 (RFC 2181 section 8). */
  readonly ttl: number;
  /** An A record's address. */
  readonly address?: number;
  /** A CNAME record's canonical name. */
  readonly target?: string;
}

/** The answer section's `count` records from `offset`; a reason when any is malformed. */
export function readAnswers(data: Uint8Array, offset: number, count: number): DnsRecord[] | string {
  const out: DnsRecord[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const n = readName(data, at);
    if (typeof n === "string") return n;
    if (n.next + 10 > data.length) return "record header runs past the end";
    const v = new DataView(data.buffer, data.byteOffset + n.next, 10);
    const type = v.getUint16(0);
    const cls = v.getUint16(2);
    const rawTtl = v.getUint32(4);
    const rdLength = v.getUint16(8);
    const rdata = n.next + 10;
    if (rdata + rdLength > data.length) return "record data runs past the end";
    const ttl = rawTtl >= 0x80000000 ? 0 : rawTtl;
    let record: DnsRecord = { name: n.name, type, class: cls, ttl };
    if (cls === CLASS_IN && type === TYPE_A) {
      // Section 3.4.1: an A record's RDATA is exactly one 32-bit address.
      if (rdLength !== 4) return `A record with ${rdLength} bytes of data`;
      record = { ...record, address: new DataView(data.buffer, data.byteOffset + rdata, 4).getUint32(0) };
    } else if (cls === CLASS_IN && type === TYPE_CNAME) {
      // Section 3.3.1: a CNAME's RDATA is one (possibly compressed) name, inside RDLENGTH.
      const target = readName(data, rdata);
      if (typeof target === "string") return target;
      if (target.next > rdata + rdLength) return "CNAME name runs past its record";
      record = { ...record, target: target.name };
    }
    out.push(record);
    at = rdata + rdLength;
  }
  return out;
}

/** CNAMEs followed within one answer (RFC 1034 section 3.6.2), at most this many. */
const MAX_CNAME_CHAIN = 8;

export type AddressResult = { readonly address: number; readonly ttl: number } | { readonly error: "no-address" | "cname-loop" };

/**
 * The first A record for `name` in `answers`, following CNAME records from `name` (RFC 1034
 * section 5.3.3 step 3a); the TTL is the smallest along the chain, since the answer lasts only
 * as long as every record it rests on.
 */
export function addressOf(answers: readonly DnsRecord[], name: string): AddressResult {
  let current = name;
  let ttl = Infinity;
  for (let hops = 0; hops <= MAX_CNAME_CHAIN; hops++) {
    const a = answers.find((r) => r.address !== undefined && r.name === current);
    if (a && a.address !== undefined) return { address: a.address, ttl: Math.min(ttl, a.ttl) };
    const alias = answers.find((r) => r.target !== undefined && r.name === current);
    if (!alias || alias.target === undefined) return { error: "no-address" };
    ttl = Math.min(ttl, alias.ttl);
    current = alias.target;
  }
  return { error: "cname-loop" };
}
