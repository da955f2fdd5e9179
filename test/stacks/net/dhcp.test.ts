/**
 * The DHCP client (stacks/net/dhcp/client.ts, stacks/net/dhcp/message.ts) frame by frame: what it
 * sends compared byte for byte with RFC 2131's layout, a server's OFFER/ACK/NAK built here field
 * by field, the renew/rebind/expiry timeline on the fake clock, and hostile replies.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { DhcpClient, type DhcpLease, type DhcpOptions } from "../../../stacks/net/dhcp/client.ts";
import { parseServerMessage } from "../../../stacks/net/dhcp/message.ts";
import { NetStack } from "../../../stacks/net/stack.ts";
import { FakeNic } from "../../support/net/fake-nic.ts";
import { FakeTime, seededRandom } from "../../support/net/fake-time.ts";
import { ethernet, garbage, ip, ipv4, mac, toHex, u16, u32, udp } from "../../support/net/frames.ts";
import { GATEWAY_MAC, HOST_MAC, makeHost, sentDatagrams, type Host, type SentDatagram } from "../../support/net/host.ts";

const SERVER = "10.0.2.2";
const OFFERED = "10.0.2.15";
const BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";

const zeros = (n: number) => new Array<number>(n).fill(0);

/** RFC 2132 options: message type (53), server id (54), lease (51), mask (1), router (3), DNS (6). */
const opt = {
  type: (t: number) => [53, 1, t],
  server: (a = SERVER) => [54, 4, ...ip(a)],
  lease: (s: number) => [51, 4, ...u32(s)],
  mask: (m = "255.255.255.0") => [1, 4, ...ip(m)],
  router: (...rs: string[]) => [3, 4 * rs.length, ...rs.flatMap(ip)],
  dns: (...ds: string[]) => [6, 4 * ds.length, ...ds.flatMap(ip)],
  t1: (s: number) => [58, 4, ...u32(s)],
  t2: (s: number) => [59, 4, ...u32(s)],
  end: [255],
};
const OFFER = 2;
const ACK = 5;
const NAK = 6;

/** A full OFFER/ACK option set as slirp sends it (lease 1000 s here). */
function offerOptions(type: number, leaseSeconds = 1000): number[] {
  return [...opt.type(type), ...opt.server(), ...opt.lease(leaseSeconds), ...opt.mask(), ...opt.router(SERVER), ...opt.dns("10.0.2.3"), ...opt.end];
}

interface ReplyFields {
  xid: number;
  options: number[];
  yiaddr?: string;
  chaddr?: string;
  op?: number;
  cookie?: number[];
}

/** A BOOTREPLY laid out as RFC 2131 section 2, figure 1, field by field. */
function bootReply(f: ReplyFields): number[] {
  return [
    f.op ?? 2, // op: BOOTREPLY
    1, // htype: Ethernet
    6, // hlen
    0, // hops
    ...u32(f.xid), // xid
    ...u16(0), // secs
    ...u16(0x8000), // flags: BROADCAST
    ...ip("0.0.0.0"), // ciaddr
    ...ip(f.yiaddr ?? OFFERED), // yiaddr
    ...ip(SERVER), // siaddr
    ...ip("0.0.0.0"), // giaddr
    ...mac(f.chaddr ?? HOST_MAC),
    ...zeros(10), // chaddr, 16 bytes
    ...zeros(64), // sname
    ...zeros(128), // file
    ...(f.cookie ?? [99, 130, 83, 99]), // magic cookie (RFC 2131 section 3)
    ...f.options,
  ];
}

/** A server's reply in a UDP datagram from port 67, broadcast unless sent to `to`. */
function serverFrame(payload: number[], o: { to?: string; srcPort?: number } = {}): Uint8Array {
  const dst = o.to ?? "255.255.255.255";
  const dstMac = o.to ? HOST_MAC : BROADCAST_MAC;
  return ethernet(dstMac, GATEWAY_MAC, 0x0800, ipv4({ src: SERVER, dst, protocol: 17, payload: udp({ src: SERVER, dst, srcPort: o.srcPort ?? 67, dstPort: 68, payload }) }), true);
}

/** A DHCP message the host sent, with its xid and secs read out. */
interface Sent extends SentDatagram {
  xid: number;
  secs: number;
}

/** Every DHCP message the host sent since the last call, from port 68 to 67, checksums valid. */
function sentDhcp(h: Host): Sent[] {
  return sentDatagrams(h).map((d) => {
    assert.is(d.srcPort, 68);
    assert.is(d.dstPort, 67);
    const b = d.payload;
    return { ...d, xid: ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0, secs: (b[8] << 8) | b[9] };
  });
}

function one(h: Host): Sent {
  const s = sentDhcp(h);
  assert.is(s.length, 1, `expected one DHCP message, got ${s.length}`);
  return s[0];
}

/** What the client must send, field by field (RFC 2131 figure 1, table 5), padded to 300 bytes. */
function clientMessage(f: { xid: number; secs?: number; broadcast: boolean; ciaddr?: string; options: number[] }): string {
  const bytes = [
    1, // op: BOOTREQUEST
    1, // htype
    6, // hlen
    0, // hops
    ...u32(f.xid),
    ...u16(f.secs ?? 0),
    ...u16(f.broadcast ? 0x8000 : 0),
    ...ip(f.ciaddr ?? "0.0.0.0"), // ciaddr
    ...ip("0.0.0.0"), // yiaddr
    ...ip("0.0.0.0"), // siaddr
    ...ip("0.0.0.0"), // giaddr
    ...mac(HOST_MAC),
    ...zeros(10),
    ...zeros(64),
    ...zeros(128),
    99,
    130,
    83,
    99,
    ...f.options,
  ];
  while (bytes.length < 300) bytes.push(0);
  return toHex(Uint8Array.from(bytes));
}

/** Parameter request list (RFC 2132 section 9.8): mask, router, DNS, lease, T1, T2. */
const PRL = [55, 6, 1, 3, 6, 51, 58, 59];

interface Client {
  h: Host;
  dhcp: DhcpClient;
  bound: DhcpLease[];
  lost: string[];
}

function startClient(options: DhcpOptions = {}): Client {
  const h = makeHost({ ipv4: undefined });
  const bound: DhcpLease[] = [];
  const lost: string[] = [];
  const dhcp = new DhcpClient(h.stack, { onBound: (l) => bound.push(l), onLost: (r) => lost.push(r), ...options });
  dhcp.start();
  return { h, dhcp, bound, lost };
}

/** DISCOVER, OFFER, REQUEST, ACK; returns the client bound, ARP for the server pinned. */
function bind(leaseSeconds = 1000, extra: DhcpOptions = {}): Client & { xid: number } {
  const c = startClient(extra);
  const { xid } = one(c.h);
  c.h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER, leaseSeconds) })));
  assert.is(one(c.h).xid, xid);
  c.h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(ACK, leaseSeconds) })));
  assert.is(c.dhcp.state, "bound");
  c.h.stack.arp.addStatic(parseIpv4(SERVER), Uint8Array.from(mac(GATEWAY_MAC)));
  return { ...c, xid };
}

test("DISCOVER is broadcast from 0.0.0.0, byte-exact, with the BROADCAST flag", () => {
  const { h, dhcp } = startClient();
  assert.is(dhcp.state, "selecting");
  const d = one(h);
  assert.is(d.dstMac, BROADCAST_MAC);
  assert.is(d.src, "0.0.0.0");
  assert.is(d.dst, "255.255.255.255");
  assert.is(toHex(d.payload), clientMessage({ xid: d.xid, broadcast: true, options: [53, 1, 1, ...PRL, 255] }));
});

test("the hostname option is sent in DISCOVER (RFC 2132 section 3.14); a bad one is refused", () => {
  const { h } = startClient({ hostname: "tsm-1" });
  const d = one(h);
  assert.is(toHex(d.payload), clientMessage({ xid: d.xid, broadcast: true, options: [53, 1, 1, ...PRL, 12, 5, ...Array.from("tsm-1", (c) => c.charCodeAt(0)), 255] }));
  const other = makeHost({ ipv4: undefined });
  assert.throws(() => new DhcpClient(other.stack, { hostname: "a b" }), /hostname/);
  assert.throws(() => new DhcpClient(other.stack, { hostname: "x".repeat(64) }), /hostname/);
});

test("OFFER → REQUEST (server id, requested address, same xid) → ACK: bound and configured", async () => {
  const c = startClient();
  const { h, dhcp } = c;
  const { xid } = one(h);
  h.time.advance(1500);
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) })));
  assert.is(dhcp.state, "requesting");
  const r = one(h);
  assert.is(r.dst, "255.255.255.255");
  assert.is(r.src, "0.0.0.0");
  // Table 5, DHCPREQUEST in SELECTING: ciaddr 0, option 50 and option 54 MUST be present.
  assert.is(toHex(r.payload), clientMessage({ xid, secs: 1, broadcast: true, options: [53, 1, 3, 50, 4, ...ip(OFFERED), 54, 4, ...ip(SERVER), ...PRL, 255] }));
  assert.is(h.stack.ipv4.address, 0, "no address before the ACK");
  const ready = dhcp.ready();
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(ACK) })));
  assert.is(dhcp.state, "bound");
  assert.equal(h.stack.ipv4, { address: parseIpv4(OFFERED), netmask: parseIpv4("255.255.255.0"), gateway: parseIpv4(SERVER) });
  const lease = await ready;
  assert.equal(lease, {
    address: parseIpv4(OFFERED),
    netmask: parseIpv4("255.255.255.0"),
    gateway: parseIpv4(SERVER),
    dns: [parseIpv4("10.0.2.3")],
    server: parseIpv4(SERVER),
    leaseSeconds: 1000,
    renewalSeconds: 500,
    rebindingSeconds: 875,
    start: 1500,
  });
  assert.equal(c.bound, [lease]);
  assert.is(h.stack.counters.get("dhcp_bound"), 1);
  assert.is(await dhcp.ready(), lease, "ready() when bound resolves at once");
});

test("DISCOVER retransmits at 4, 8, 16, 32, 64, 64 s, each ±1 s (RFC 2131 section 4.1), same xid", () => {
  const { h } = startClient();
  const first = one(h);
  const gaps: number[] = [];
  let last = 0;
  for (let i = 0; i < 6; i++) {
    h.time.runUntil(() => h.nic.sent.length > 0, 70_000);
    const s = one(h);
    assert.is(s.xid, first.xid);
    assert.is(s.secs, Math.floor(h.time.now() / 1000), "secs counts from the first DISCOVER");
    gaps.push(h.time.now() - last);
    last = h.time.now();
  }
  [4, 8, 16, 32, 64, 64].forEach((base, i) => assert.ok(Math.abs(gaps[i] - base * 1000) <= 1000, `gap ${i}: ${gaps[i]} ms, expected ${base} s ± 1 s`));
  assert.ok(new Set(gaps.map((g) => g % 1000)).size > 1, "the delays are randomized");
  assert.is(h.stack.counters.get("dhcp_retransmit"), 6);
});

test("REQUEST retransmits, then after the last wait goes back to INIT with a new xid", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) })));
  one(h);
  for (let i = 0; i < 4; i++) {
    h.time.runUntil(() => h.nic.sent.length > 0, 70_000);
    assert.is(one(h).payload[242], 3, "a REQUEST");
  }
  h.time.runUntil(() => h.nic.sent.length > 0, 70_000);
  const d = one(h);
  assert.is(d.payload[242], 1, "a DISCOVER");
  assert.is.not(d.xid, xid);
  assert.is(dhcp.state, "selecting");
  assert.is(h.stack.counters.get("dhcp_request_timeout"), 1);
});

test("renew at T1 unicast to the server, retries at half the time to T2 (≥ 60 s), rebind at T2, expiry at the lease end", () => {
  const c = bind(1000);
  const { h, dhcp } = c;
  const sends: { at: number; s: Sent }[] = [];
  h.time.advance(499_999);
  assert.is(h.nic.sent.length, 0, "nothing before T1");
  for (;;) {
    h.time.runUntil(() => h.nic.sent.length > 0, 600_000);
    const s = one(h);
    if (s.payload[242] === 1) {
      sends.push({ at: h.time.now(), s });
      break;
    }
    sends.push({ at: h.time.now(), s });
  }
  const times = sends.map((x) => x.at / 1000);
  // T1 500 s; RENEWING waits max(60, (875 - now) / 2): 687.5, 781.25, 841.25, then T2 875;
  // REBINDING waits max(60, (1000 - now) / 2) capped at the lease end: 937.5, 997.5, 1000.
  assert.equal(times, [500, 687.5, 781.25, 841.25, 875, 937.5, 997.5, 1000]);
  const renewing = sends.slice(0, 4);
  const rebinding = sends.slice(4, 7);
  const xid = renewing[0].s.xid;
  for (const { s } of renewing) {
    assert.is(s.dstMac, GATEWAY_MAC);
    assert.is(s.dst, SERVER);
    assert.is(s.src, OFFERED);
    // Table 5, REQUEST in RENEWING: ciaddr set, no option 50 or 54, BROADCAST clear.
    assert.is(toHex(s.payload), clientMessage({ xid, secs: s.secs, broadcast: false, ciaddr: OFFERED, options: [53, 1, 3, ...PRL, 255] }));
  }
  assert.is.not(xid, c.xid, "a renewal is a new transaction");
  for (const { s } of rebinding) {
    assert.is(s.dstMac, BROADCAST_MAC);
    assert.is(s.dst, "255.255.255.255");
    assert.is(s.src, OFFERED);
    assert.is(toHex(s.payload), clientMessage({ xid, secs: s.secs, broadcast: false, ciaddr: OFFERED, options: [53, 1, 3, ...PRL, 255] }));
  }
  // At the lease end: the address is dropped, the app told, a new DISCOVER from 0.0.0.0.
  const discover = sends[7].s;
  assert.is(discover.src, "0.0.0.0");
  assert.is(dhcp.state, "selecting");
  assert.is(dhcp.lease, null);
  assert.equal(h.stack.ipv4, { address: 0, netmask: 0, gateway: 0 });
  assert.equal(c.lost, ["lease expired"]);
  assert.is(h.stack.counters.get("dhcp_lease_expired"), 1);
});

test("an ACK to the renewal extends the lease from the time of the REQUEST", () => {
  const c = bind(1000);
  const { h, dhcp } = c;
  h.time.advance(500_000);
  const r = one(h);
  h.time.advance(2000);
  h.nic.deliver(serverFrame(bootReply({ xid: r.xid, options: offerOptions(ACK, 2000) }), { to: OFFERED }));
  assert.is(dhcp.state, "bound");
  assert.is(dhcp.lease?.start, 500_000);
  assert.is(dhcp.lease?.leaseSeconds, 2000);
  assert.is(h.stack.counters.get("dhcp_renewed"), 1);
  assert.is(c.bound.length, 2);
  assert.ok(h.stack.arp.lookup(parseIpv4(SERVER)), "the configuration was not redone (ARP kept)");
  // The next T1 is 1000 s after the renewal's REQUEST.
  h.time.advance(1_500_000 - 502_000 - 1);
  assert.is(h.nic.sent.length, 0);
  h.time.advance(1);
  assert.is(one(h).dst, SERVER);
});

test("in REBINDING an ACK from another server is taken", () => {
  const c = bind(1000);
  const { h, dhcp } = c;
  h.time.advance(875_000);
  const sent = sentDhcp(h);
  const rebind = sent[sent.length - 1];
  assert.is(rebind.dst, "255.255.255.255");
  assert.is(dhcp.state, "rebinding");
  const other = [...opt.type(ACK), ...opt.server("10.0.2.4"), ...opt.lease(1000), ...opt.mask(), ...opt.end];
  h.nic.deliver(serverFrame(bootReply({ xid: rebind.xid, options: other }), { to: OFFERED }));
  assert.is(dhcp.state, "bound");
  assert.is(dhcp.lease?.server, parseIpv4("10.0.2.4"));
  assert.is(dhcp.lease?.gateway, 0, "the new lease names no router");
});

test("a NAK in REQUESTING restarts from INIT; a NAK in RENEWING drops the address", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) })));
  one(h);
  h.nic.deliver(serverFrame(bootReply({ xid, yiaddr: "0.0.0.0", options: [...opt.type(NAK), ...opt.server(), ...opt.end] })));
  const d = one(h);
  assert.is(d.payload[242], 1, "DISCOVER again");
  assert.is.not(d.xid, xid);
  assert.is(dhcp.state, "selecting");
  assert.is(h.stack.counters.get("dhcp_nak"), 1);

  const c = bind(1000);
  c.h.time.advance(500_000);
  const r = one(c.h);
  c.h.nic.deliver(serverFrame(bootReply({ xid: r.xid, yiaddr: "0.0.0.0", options: [...opt.type(NAK), ...opt.server(), ...opt.end] }), { to: OFFERED }));
  assert.is(c.dhcp.state, "selecting");
  assert.is(c.h.stack.ipv4.address, 0);
  assert.equal(c.lost, ["DHCPNAK from the server"]);
  assert.is(one(c.h).src, "0.0.0.0");
});

test("replies for another xid, another client or from another port are ignored and counted", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  h.nic.deliver(serverFrame(bootReply({ xid: xid ^ 1, options: offerOptions(OFFER) })));
  h.nic.deliver(serverFrame(bootReply({ xid, chaddr: "02:00:00:00:00:02", options: offerOptions(OFFER) })));
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) }), { srcPort: 6767 }));
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(ACK) })));
  assert.is(h.nic.sent.length, 0);
  assert.is(dhcp.state, "selecting");
  assert.is(h.stack.counters.get("dhcp_bad_xid"), 1);
  assert.is(h.stack.counters.get("dhcp_not_for_us"), 2);
  assert.is(h.stack.counters.get("dhcp_unexpected"), 1, "an ACK while SELECTING");
  // An ACK from a server other than the one chosen is not taken (RFC 2131 section 4.4.1).
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) })));
  one(h);
  const other = [...opt.type(ACK), ...opt.server("10.0.2.9"), ...opt.lease(1000), ...opt.end];
  h.nic.deliver(serverFrame(bootReply({ xid, options: other })));
  assert.is(dhcp.state, "requesting");
  h.nic.deliver(serverFrame(bootReply({ xid, yiaddr: "10.0.2.16", options: offerOptions(ACK) })));
  assert.is(dhcp.state, "requesting", "an ACK for another address than the one requested");
});

test("malformed replies are dropped and counted: truncated options, lengths past the end, wrong sizes", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  const bad: number[][] = [
    bootReply({ xid, options: [...opt.type(OFFER), ...opt.server(), 51, 4, 0, 0] }), // option length past the end
    bootReply({ xid, options: [...opt.type(OFFER), ...opt.server(), 51] }), // no length byte
    bootReply({ xid, options: [...opt.type(OFFER), 54, 3, 10, 0, 2, ...opt.lease(1000), 255] }), // server id of 3 bytes
    bootReply({ xid, options: [...opt.type(OFFER), ...opt.server(), ...opt.lease(1000), 1, 5, 255, 255, 255, 0, 0, 255] }), // mask of 5 bytes
    bootReply({ xid, options: [...opt.type(OFFER), ...opt.server(), ...opt.lease(1000), 6, 6, 10, 0, 2, 3, 10, 0, 255] }), // DNS not a multiple of 4
    bootReply({ xid, options: [...opt.type(OFFER), ...opt.server(), ...opt.lease(1000), 3, 0, 255] }), // an empty router list
    bootReply({ xid, options: [53, 2, 2, 2, ...opt.server(), ...opt.lease(1000), 255] }), // message type of 2 bytes
    bootReply({ xid, options: [...opt.server(), ...opt.lease(1000), 255] }), // no message type
    bootReply({ xid, cookie: [99, 130, 83, 98], options: offerOptions(OFFER) }), // no magic cookie: BOOTP
    bootReply({ xid, op: 1, options: offerOptions(OFFER) }), // a BOOTREQUEST
    bootReply({ xid, options: offerOptions(OFFER) }).slice(0, 239), // shorter than header and cookie
  ];
  for (const b of bad) h.nic.deliver(serverFrame(b));
  assert.is(h.stack.counters.get("dhcp_malformed"), bad.length);
  assert.is(h.nic.sent.length, 0);
  assert.is(dhcp.state, "selecting");
  // The parser says why.
  const why = parseServerMessage(Uint8Array.from(bad[0]));
  assert.equal(why, { ok: false, reason: "option 51 of 4 bytes runs past the end" });
});

test("unusable offers are refused: no server id, no lease time, a zero or broadcast or network address", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  const offers: ReplyFields[] = [
    { xid, options: [...opt.type(OFFER), ...opt.lease(1000), ...opt.mask(), 255] },
    { xid, options: [...opt.type(OFFER), ...opt.server(), ...opt.mask(), 255] },
    { xid, yiaddr: "0.0.0.0", options: offerOptions(OFFER) },
    { xid, yiaddr: "255.255.255.255", options: offerOptions(OFFER) },
    { xid, yiaddr: "224.0.0.1", options: offerOptions(OFFER) },
    { xid, yiaddr: "10.0.2.255", options: offerOptions(OFFER) },
    { xid, yiaddr: "10.0.2.0", options: offerOptions(OFFER) },
    { xid, options: [...opt.type(OFFER), ...opt.server(), ...opt.lease(1000), ...opt.mask("255.0.255.0"), 255] },
  ];
  for (const o of offers) h.nic.deliver(serverFrame(bootReply(o)));
  assert.is(h.stack.counters.get("dhcp_bad_offer"), offers.length);
  assert.is(h.nic.sent.length, 0);
  assert.is(dhcp.state, "selecting");
});

test("options: pads skipped, repeats concatenated (RFC 3396), overload counted, T1/T2 taken or defaulted, classful mask", () => {
  const c = startClient();
  const { xid } = one(c.h);
  const options = [0, 0, ...opt.type(OFFER), 0, ...opt.server(), ...opt.lease(4000), 52, 1, 3, 6, 4, 10, 0, 2, 3, 6, 4, 1, 1, 1, 1, ...opt.t1(1000), ...opt.t2(3000), 255, 99, 99];
  c.h.nic.deliver(serverFrame(bootReply({ xid, options })));
  assert.is(c.h.stack.counters.get("dhcp_overload_ignored"), 1);
  c.h.nic.deliver(serverFrame(bootReply({ xid, options: options.map((b, i) => (i === 4 ? ACK : b)) })));
  assert.is(c.dhcp.state, "bound");
  const lease = c.dhcp.lease!;
  assert.equal(lease.dns, [parseIpv4("10.0.2.3"), parseIpv4("1.1.1.1")]);
  assert.is(lease.renewalSeconds, 1000);
  assert.is(lease.rebindingSeconds, 3000);
  assert.is(lease.netmask, parseIpv4("255.0.0.0"), "10/8 without option 1");
  assert.is(lease.gateway, 0, "no router option");

  // T1 ≥ T2 or T2 ≥ lease: the defaults 0.5 and 0.875 instead (RFC 2131 section 4.4.5).
  const d = startClient();
  const x = one(d.h).xid;
  const odd = [...opt.type(OFFER), ...opt.server(), ...opt.lease(1000), ...opt.mask(), ...opt.router("192.168.1.1", SERVER), ...opt.t1(900), ...opt.t2(2000), 255];
  d.h.nic.deliver(serverFrame(bootReply({ xid: x, options: odd })));
  d.h.nic.deliver(serverFrame(bootReply({ xid: x, options: odd.map((b, i) => (i === 2 ? ACK : b)) })));
  assert.is(d.dhcp.lease?.renewalSeconds, 500);
  assert.is(d.dhcp.lease?.rebindingSeconds, 875);
  assert.is(d.dhcp.lease?.gateway, parseIpv4(SERVER), "the first router on the subnet");
});

test("an infinite lease holds no timer; a very long one is waited for in pieces a 32-bit timer takes", () => {
  const c = bind(0xffffffff);
  assert.is(c.h.time.timerCount, 0);
  c.h.time.advance(10 * 365 * 86_400_000);
  assert.is(c.h.nic.sent.length, 0);

  // 0xfffffffe s: T1 is 2^31 - 1 s away, which no setTimeout takes in one piece.
  const time = new FakeTime();
  let longest = 0;
  const nic = new FakeNic(Uint8Array.from(mac(HOST_MAC)));
  const stack = new NetStack({
    nic,
    clock: time,
    timers: { set: (ms, cb) => ((longest = Math.max(longest, ms)), time.set(ms, cb)), clear: (hd) => time.clear(hd) },
    random: seededRandom(3),
  });
  const dhcp = new DhcpClient(stack);
  dhcp.start();
  const h: Host = { time, nic, stack };
  const { xid } = one(h);
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER, 0xfffffffe) })));
  one(h);
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(ACK, 0xfffffffe) })));
  stack.arp.addStatic(parseIpv4(SERVER), Uint8Array.from(mac(GATEWAY_MAC)));
  const t1 = 0xfffffffe * 500;
  time.advance(t1 - 1);
  assert.is(nic.sent.length, 0);
  time.advance(1);
  assert.is(one(h).dst, SERVER, "the renewal at T1");
  assert.ok(longest <= 2 ** 31 - 1, `longest timer ${longest} ms`);
});

test("stop(): no timer left, port 68 free, address removed, waiters rejected; release sends DHCPRELEASE", async () => {
  const { h, dhcp } = startClient();
  one(h);
  const waiting = dhcp.ready();
  dhcp.stop();
  await waiting.then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /stopped/),
  );
  assert.is(h.time.timerCount, 0);
  assert.is(dhcp.state, "stopped");
  h.stack.udpBind({ port: 68 }).close();
  await dhcp.ready().then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /not running/),
  );

  const c = bind(1000);
  c.dhcp.stop({ release: true });
  const r = one(c.h);
  assert.is(r.dst, SERVER);
  assert.is(r.src, OFFERED);
  // Table 5, DHCPRELEASE: ciaddr set, option 54, no parameter request list; a new xid.
  assert.is(toHex(r.payload), clientMessage({ xid: r.xid, broadcast: false, ciaddr: OFFERED, options: [53, 1, 7, 54, 4, ...ip(SERVER), 255] }));
  assert.is(c.h.stack.ipv4.address, 0);
  assert.is(c.h.time.timerCount, 0);
  c.dhcp.start();
  assert.is(one(c.h).payload[242], 1, "restarts with a DISCOVER");
  assert.throws(() => c.dhcp.start(), /already started/);
});

test("ready() rejects on its timeout or its signal, and the client goes on", async () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  const timed = dhcp.ready({ timeoutMs: 3000 });
  const controller = new AbortController();
  const aborted = dhcp.ready({ signal: controller.signal });
  h.time.advance(3000);
  await timed.then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /no DHCP lease within 3000 ms/),
  );
  controller.abort(new Error("gave up"));
  await aborted.then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.is(e.message, "gave up"),
  );
  await dhcp.ready({ timeoutMs: 0 }).then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.instance(e, RangeError),
  );
  h.nic.deliver(serverFrame(bootReply({ xid, options: offerOptions(OFFER) })));
  assert.is(dhcp.state, "requesting");
  assert.is(h.time.timerCount, 1, "only the retransmission timer");
});

test("a start delay (RFC 2131 section 4.4.1) is random within its bound", () => {
  const { h } = startClient({ maxStartDelayMs: 10_000 });
  assert.is(h.nic.sent.length, 0);
  h.time.runUntil(() => h.nic.sent.length > 0, 10_000);
  assert.ok(h.time.now() > 0 && h.time.now() <= 10_000);
});

test("garbage to port 68 never throws and binds nothing", () => {
  const { h, dhcp } = startClient();
  const { xid } = one(h);
  const rnd = garbage(15);
  for (let i = 0; i < 300; i++) {
    const base = bootReply({ xid, options: offerOptions(OFFER) });
    // Keep the header (so the reply reaches the option parser) and scramble the options.
    const noise = rnd(1 + (i % 60));
    h.nic.deliver(serverFrame([...base.slice(0, 240), ...noise]));
    h.nic.deliver(serverFrame(rnd(i % 300)));
  }
  assert.ok(h.stack.counters.get("dhcp_malformed") > 0);
  assert.ok(dhcp.state === "selecting" || dhcp.state === "requesting");
});

test.run();
