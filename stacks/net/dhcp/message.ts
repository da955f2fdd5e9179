/**
 * DHCP messages (RFC 2131 section 2, figure 1) with the options of RFC 2132: what a client sends,
 * built byte by byte, and what a server answers, parsed with every length checked against the
 * bytes that are there. Nothing here keeps state; dhcp/client.ts runs the protocol.
 *
 * The fixed part, 236 bytes, then the magic cookie (RFC 2131 section 3) and the options:
 *
 *   0 op  1 htype  2 hlen  3 hops  4 xid (4)  8 secs (2)  10 flags (2)  12 ciaddr  16 yiaddr
 *   20 siaddr  24 giaddr  28 chaddr (16)  44 sname (64)  108 file (128)  236 cookie 99.130.83.99
 *   240 options: code, length, value; pad (0) and end (255) are one byte.
 */

import { readU32 } from "../bytes.ts";

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

/** Option 53 values (RFC 2132 section 9.6). */
export enum DhcpMessageType { DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7 }

/** The op field (RFC 2131 section 2, figure 1). */
enum Op { BOOTREQUEST = 1, BOOTREPLY = 2 }
/** htype 1 is 10 Mb Ethernet in RFC 1700's ARP hardware types, with 6-byte addresses. */
const HTYPE_ETHERNET = 1;
const FIXED_LENGTH = 236;
const COOKIE = 0x63825363;
export const OPTIONS_OFFSET = FIXED_LENGTH + 4;
/** RFC 1542 section 2.1: relays may drop BOOTP messages shorter than 300 bytes; pad to it. */
const MIN_MESSAGE_LENGTH = 300;
/** The BROADCAST bit of `flags` (RFC 2131 section 2, figure 2). */
const FLAG_BROADCAST = 0x8000;

const OPT_PAD = 0;
const OPT_SUBNET_MASK = 1;
const OPT_ROUTER = 3;
const OPT_DNS = 6;
const OPT_HOSTNAME = 12;
const OPT_REQUESTED_ADDRESS = 50;
const OPT_LEASE_TIME = 51;
const OPT_OVERLOAD = 52;
const OPT_MESSAGE_TYPE = 53;
const OPT_SERVER_ID = 54;
const OPT_PARAMETER_REQUEST = 55;
const OPT_RENEWAL_TIME = 58;
const OPT_REBINDING_TIME = 59;
const OPT_END = 255;

/** What the client asks servers for (RFC 2132 section 9.8): mask, router, DNS, the lease times. */
const PARAMETERS = [OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS, OPT_LEASE_TIME, OPT_RENEWAL_TIME, OPT_REBINDING_TIME];

export interface ClientMessage {
  readonly type: DhcpMessageType.DISCOVER | DhcpMessageType.REQUEST | DhcpMessageType.DECLINE | DhcpMessageType.RELEASE;
  readonly xid: number;
  /** Seconds since the client began this acquisition or renewal (RFC 2131 section 2). */
  readonly secs: number;
  /** Asks the server to broadcast its answer: set while the client has no address (4.1). */
  readonly broadcast: boolean;
  /** The client's address in BOUND, RENEWING and REBINDING, else 0 (RFC 2131 table 5). */
  readonly ciaddr: number;
  readonly mac: Uint8Array;
  /** Option 50: in REQUEST while SELECTING or INIT-REBOOT, and in DECLINE (table 5). */
  readonly requestedAddress?: number;
  /** Option 54: in REQUEST while SELECTING, and in DECLINE and RELEASE (table 5). */
  readonly serverId?: number;
  /** Option 12 (RFC 2132 section 3.14), 1..63 characters. */
  readonly hostname?: string;
}

/** A client message, with every field RFC 2131 table 5 fixes for its type. */
export function buildClientMessage(m: ClientMessage): Uint8Array {
  const opts: number[] = [OPT_MESSAGE_TYPE, 1, m.type];
  const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  if (m.requestedAddress !== undefined) opts.push(OPT_REQUESTED_ADDRESS, 4, ...u32(m.requestedAddress));
  if (m.serverId !== undefined) opts.push(OPT_SERVER_ID, 4, ...u32(m.serverId));
  // Table 5: the parameter request list and other options MUST NOT be in DECLINE or RELEASE.
  if (m.type === DhcpMessageType.DISCOVER || m.type === DhcpMessageType.REQUEST) {
    opts.push(OPT_PARAMETER_REQUEST, PARAMETERS.length, ...PARAMETERS);
    if (m.hostname !== undefined) {
      opts.push(OPT_HOSTNAME, m.hostname.length);
      for (let i = 0; i < m.hostname.length; i++) opts.push(m.hostname.charCodeAt(i) & 0xff);
    }
  }
  opts.push(OPT_END);
  const buf = new Uint8Array(Math.max(MIN_MESSAGE_LENGTH, OPTIONS_OFFSET + opts.length));
  const v = new DataView(buf.buffer);
  buf[0] = Op.BOOTREQUEST;
  buf[1] = HTYPE_ETHERNET;
  buf[2] = 6;
  v.setUint32(4, m.xid >>> 0);
  v.setUint16(8, Math.min(0xffff, Math.max(0, Math.floor(m.secs))));
  v.setUint16(10, m.broadcast ? FLAG_BROADCAST : 0);
  v.setUint32(12, m.ciaddr >>> 0);
  buf.set(m.mac.subarray(0, 6), 28);
  v.setUint32(FIXED_LENGTH, COOKIE);
  buf.set(opts, OPTIONS_OFFSET);
  return buf;
}

/** A server's reply with the options the client uses; absent options are null or empty. */
export interface ServerMessage {
  readonly type: number;
  readonly xid: number;
  readonly yiaddr: number;
  /** The first 6 bytes of chaddr. */
  readonly chaddr: Uint8Array;
  readonly serverId: number | null;
  readonly subnetMask: number | null;
  readonly routers: readonly number[];
  readonly dns: readonly number[];
  readonly leaseSeconds: number | null;
  readonly renewalSeconds: number | null;
  readonly rebindingSeconds: number | null;
  /** Option 52 was present: more options sit in sname/file, which this client does not read. */
  readonly overload: boolean;
}

export type ParseResult = { readonly ok: true; readonly message: ServerMessage } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): ParseResult => ({ ok: false, reason });

/**
 * Parses a BOOTREPLY. Options that repeat are concatenated (RFC 3396 section 7); an option whose
 * length runs past the end, a known option of the wrong length, or no message type is malformed.
 */
export function parseServerMessage(data: Uint8Array): ParseResult {
  if (data.length < OPTIONS_OFFSET) return fail(`${data.length} bytes, shorter than the ${OPTIONS_OFFSET}-byte header and cookie`);
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  if (data[0] !== Op.BOOTREPLY) return fail(`op ${data[0]} is not BOOTREPLY`);
  if (data[1] !== HTYPE_ETHERNET || data[2] !== 6) return fail(`hardware type ${data[1]}/${data[2]} is not Ethernet`);
  if (v.getUint32(FIXED_LENGTH) !== COOKIE) return fail("no DHCP magic cookie (a BOOTP reply)");
  const found = new Map<number, number[]>();
  let i = OPTIONS_OFFSET;
  // RFC 2132 section 2: pad and end are single bytes; every other option is code, length, value.
  while (i < data.length) {
    const code = data[i];
    if (code === OPT_END) break;
    if (code === OPT_PAD) {
      i++;
      continue;
    }
    if (i + 1 >= data.length) return fail(`option ${code} has no length byte`);
    const length = data[i + 1];
    const end = i + 2 + length;
    if (end > data.length) return fail(`option ${code} of ${length} bytes runs past the end`);
    const got = found.get(code);
    if (got) for (let k = i + 2; k < end; k++) got.push(data[k]);
    else found.set(code, Array.from(data.subarray(i + 2, end)));
    i = end;
  }
  const one = (code: number, length: number): number[] | null | string => {
    const value = found.get(code);
    if (value === undefined) return null;
    return value.length === length ? value : `option ${code} has ${value.length} bytes, not ${length}`;
  };
  const addressList = (code: number): number[] | string => {
    const value = found.get(code) ?? [];
    if (value.length % 4 !== 0 || (found.has(code) && value.length === 0)) return `option ${code} has ${value.length} bytes, not a multiple of 4`;
    const out: number[] = [];
    for (let k = 0; k < value.length; k += 4) out.push(readU32(value, k));
    return out;
  };
  const fields: Record<string, number | null> = {};
  for (const [name, code] of [
    ["serverId", OPT_SERVER_ID],
    ["subnetMask", OPT_SUBNET_MASK],
    ["leaseSeconds", OPT_LEASE_TIME],
    ["renewalSeconds", OPT_RENEWAL_TIME],
    ["rebindingSeconds", OPT_REBINDING_TIME],
  ] as const) {
    const value = one(code, 4);
    if (typeof value === "string") return fail(value);
    fields[name] = value === null ? null : readU32(value, 0);
  }
  const type = one(OPT_MESSAGE_TYPE, 1);
  if (type === null) return fail("no message type (option 53)");
  if (typeof type === "string") return fail(type);
  const overload = one(OPT_OVERLOAD, 1);
  if (typeof overload === "string") return fail(overload);
  const routers = addressList(OPT_ROUTER);
  if (typeof routers === "string") return fail(routers);
  const dns = addressList(OPT_DNS);
  if (typeof dns === "string") return fail(dns);
  return {
    ok: true,
    message: {
      type: type[0],
      xid: v.getUint32(4),
      yiaddr: v.getUint32(16),
      chaddr: data.slice(28, 34),
      serverId: fields.serverId,
      subnetMask: fields.subnetMask,
      routers,
      dns,
      leaseSeconds: fields.leaseSeconds,
      renewalSeconds: fields.renewalSeconds,
      rebindingSeconds: fields.rebindingSeconds,
      overload: overload !== null,
    },
  };
}
