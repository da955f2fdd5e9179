import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CounterName } from "../../../stacks/net/counters.ts";
import { writeIpv4Header } from "../../../stacks/net/ipv4.ts";
import { decode, echo, ethernet, garbage, ipv4, toHex, type Ipv4Fields } from "../../support/net/frames.ts";
import { GATEWAY_IP, GATEWAY_MAC, HOST_IP, HOST_MAC, makeHost } from "../../support/net/host.ts";

const PING = echo(8, 0x1234, 1, [0xde, 0xad, 0xbe, 0xef]);

function datagram(over: Partial<Ipv4Fields> = {}): number[] {
  return ipv4({ src: GATEWAY_IP, dst: HOST_IP, protocol: 1, payload: PING, ...over });
}

/** Delivers a datagram and returns the counters and whether the stack answered (it answers pings). */
function feed(bytes: ArrayLike<number>, dstMac = HOST_MAC) {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(ethernet(dstMac, GATEWAY_MAC, 0x0800, bytes));
  return { answered: h.nic.take().length > 0, counters: h.stack.counters.snapshot() };
}

test("the header is written byte-exactly: DF, TTL 64, checksum", () => {
  const buf = new Uint8Array(20);
  writeIpv4Header(buf, 0, { src: 0xc0a80001, dst: 0xc0a800c7, protocol: 17, payloadLength: 95, id: 0 });
  assert.is(toHex(buf), "45000073" + "0000" + "4000" + "4011" + "b861" + "c0a80001" + "c0a800c7");
});

test("a good datagram is delivered (the ping is answered)", () => {
  const r = feed(datagram());
  assert.ok(r.answered);
  assert.is(r.counters.icmp_echo_answered, 1);
});

test("link padding after the total length is ignored", () => {
  const r = feed([...datagram(), ...new Array(40).fill(0)]);
  assert.ok(r.answered);
});

test("options are skipped (counted) and the datagram still delivered", () => {
  // A record-route-like option: type 7, length 7, pointer 4, 4 bytes, then end-of-list.
  const r = feed(datagram({ options: [7, 7, 4, 0, 0, 0, 0, 0] }));
  assert.ok(r.answered);
  assert.is(r.counters.ipv4_options_skipped, 1);
});

test("bad input is counted and dropped, one reason each", () => {
  const good = datagram();
  const cases: [ArrayLike<number>, CounterName][] = [
    [good.slice(0, 19), "ipv4_truncated"],
    [good.slice(0, 24), "ipv4_truncated"],
    [datagram({ version: 6 }), "ipv4_bad_version"],
    [[0x44, ...good.slice(1)], "ipv4_bad_header_length"],
    [datagram({ totalLength: 19 }), "ipv4_bad_total_length"],
    [datagram({ totalLength: 200 }), "ipv4_truncated"],
    [datagram({ checksum: 0x1234 }), "ipv4_bad_checksum"],
    [datagram({ fragment: 0x2000 }), "ipv4_fragment"],
    [datagram({ fragment: 0x0010 }), "ipv4_fragment"],
    [datagram({ src: "255.255.255.255" }), "ipv4_bad_source"],
    [datagram({ src: "224.0.0.1" }), "ipv4_bad_source"],
    [datagram({ src: "10.0.2.255" }), "ipv4_bad_source"],
    [datagram({ src: HOST_IP }), "ipv4_bad_source"],
    [datagram({ dst: "10.0.2.16" }), "ipv4_not_for_us"],
    [datagram({ dst: "224.0.0.251" }), "ipv4_multicast"],
  ];
  for (const [bytes, reason] of cases) {
    const r = feed(bytes);
    assert.not.ok(r.answered, reason);
    assert.is(r.counters[reason], 1, `${reason}: ${JSON.stringify(r.counters)}`);
  }
});

test("a unicast datagram in a link-layer broadcast is dropped", () => {
  const r = feed(datagram(), "ff:ff:ff:ff:ff:ff");
  assert.not.ok(r.answered);
  assert.is(r.counters.ipv4_unicast_in_link_broadcast, 1);
});

test("an unknown protocol earns protocol unreachable", () => {
  const h = makeHost({}, { resolvePeers: true });
  const bad = datagram({ protocol: 132 });
  h.nic.deliver(ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, bad));
  const [f] = h.nic.take();
  const d = decode(f);
  assert.is(d.icmp?.type, 3);
  assert.is(d.icmp?.code, 2);
  assert.ok(d.icmp?.checksumOk);
  // The quote: the offending header and the first 8 bytes of its data (RFC 792).
  assert.is(toHex(d.icmp!.body.subarray(4)), toHex(Uint8Array.from(bad.slice(0, 28))));
  assert.is(h.stack.counters.get("ipv4_unknown_protocol"), 1);
});

test("what the stack sends: version 4, IHL 5, DF, TTL 64, increasing id, valid checksum", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, datagram()));
  h.nic.deliver(ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, datagram()));
  const [a, b] = h.nic.take().map(decode);
  assert.is(a.ip?.ttl, 64);
  assert.is(a.ip?.fragment, 0x4000);
  assert.ok(a.ip?.headerOk);
  assert.is(a.ip?.src, HOST_IP);
  assert.is(a.ip?.dst, GATEWAY_IP);
  assert.is(b.ip!.id, (a.ip!.id + 1) & 0xffff);
});

test("garbage of every length never throws out of the receive path", () => {
  const h = makeHost({}, { resolvePeers: true });
  const next = garbage(1);
  for (let n = 0; n < 3000; n++) {
    const len = n % 120;
    const body = next(len);
    if (n % 2 === 0 && len > 0) body[0] = 0x45;
    h.nic.deliver(ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, body));
  }
  assert.ok(h.stack.counters.get("rx_frames") === 3000);
});

test.run();
