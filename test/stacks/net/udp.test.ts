import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import type { UdpMessage } from "../../../stacks/net/udp.ts";
import { decode, ethernet, ipv4, toHex, udp, type UdpFields } from "../../support/net/frames.ts";
import { GATEWAY_IP, GATEWAY_MAC, HOST_IP, HOST_MAC, makeHost } from "../../support/net/host.ts";

function datagram(over: Partial<UdpFields> = {}, ipOver: { dst?: string } = {}): Uint8Array {
  const f: UdpFields = { src: GATEWAY_IP, dst: ipOver.dst ?? HOST_IP, srcPort: 5353, dstPort: 7, payload: [104, 105], ...over };
  const dstMac = (ipOver.dst ?? HOST_IP) === HOST_IP ? HOST_MAC : "ff:ff:ff:ff:ff:ff";
  return ethernet(dstMac, GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst: f.dst, protocol: 17, id: 9, payload: udp(f) }), true);
}

test("a datagram reaches the socket bound to its port, with its source", () => {
  const h = makeHost({}, { resolvePeers: true });
  const got: UdpMessage[] = [];
  h.stack.udpBind({ port: 7, onMessage: (m) => got.push(m) });
  h.nic.deliver(datagram());
  assert.is(got.length, 1);
  assert.is(got[0].address, parseIpv4(GATEWAY_IP));
  assert.is(got[0].port, 5353);
  assert.is(toHex(got[0].data), "6869");
  assert.is(got[0].broadcast, false);
});

test("a zero checksum means none (RFC 768) and is accepted; a wrong one is counted", () => {
  const h = makeHost({}, { resolvePeers: true });
  let n = 0;
  h.stack.udpBind({ port: 7, onMessage: () => n++ });
  h.nic.deliver(datagram({ noChecksum: true }));
  h.nic.deliver(datagram({ badChecksum: true }));
  assert.is(n, 1);
  assert.is(h.stack.counters.get("udp_bad_checksum"), 1);
});

test("bad lengths are counted", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.stack.udpBind({ port: 7, onMessage: () => assert.unreachable("delivered") });
  h.nic.deliver(datagram({ length: 7, noChecksum: true }));
  h.nic.deliver(datagram({ length: 11, noChecksum: true }));
  h.nic.deliver(ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst: HOST_IP, protocol: 17, payload: [0, 1, 0, 7, 0] })));
  assert.is(h.stack.counters.get("udp_bad_length"), 2);
  assert.is(h.stack.counters.get("udp_truncated"), 1);
});

test("a datagram to an unbound port earns port unreachable, quoting header and 8 bytes", () => {
  const h = makeHost({}, { resolvePeers: true });
  const frame = datagram({ dstPort: 9999 });
  h.nic.deliver(frame);
  const [f] = h.nic.take();
  const d = decode(f);
  assert.is(d.dst, GATEWAY_MAC);
  assert.is(d.ip?.dst, GATEWAY_IP);
  assert.is(d.icmp?.type, 3);
  assert.is(d.icmp?.code, 3);
  assert.ok(d.icmp?.checksumOk);
  assert.is(toHex(d.icmp!.body), "00000000" + toHex(frame.subarray(14, 14 + 28)));
  assert.is(h.stack.counters.get("udp_no_port"), 1);
});

test("no port unreachable for a broadcast datagram", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(datagram({ dstPort: 9999 }, { dst: "255.255.255.255" }));
  assert.is(h.nic.take().length, 0);
  let got: UdpMessage | null = null;
  h.stack.udpBind({ port: 68, onMessage: (m) => (got = m) });
  h.nic.deliver(datagram({ dstPort: 68, dst: "255.255.255.255" }, { dst: "255.255.255.255" }));
  assert.ok(got);
  assert.is((got as UdpMessage).broadcast, true);
});

test("send() builds the datagram byte-exactly, checksum included", () => {
  const h = makeHost({}, { resolvePeers: true });
  const s = h.stack.udpBind({ port: 4000 });
  assert.ok(s.send(parseIpv4(GATEWAY_IP), 53, Uint8Array.from([1, 2, 3, 4, 5])));
  const [f] = h.nic.take();
  const d = decode(f);
  const expected = ethernet(GATEWAY_MAC, HOST_MAC, 0x0800, ipv4({ src: HOST_IP, dst: GATEWAY_IP, protocol: 17, id: d.ip!.id, payload: udp({ src: HOST_IP, dst: GATEWAY_IP, srcPort: 4000, dstPort: 53, payload: [1, 2, 3, 4, 5] }) }), true);
  assert.is(toHex(f), toHex(expected));
});

test("binding: ports in use, bad ports, dynamic ports, closed sockets, oversized datagrams", () => {
  const h = makeHost({}, { resolvePeers: true });
  const a = h.stack.udpBind({ port: 7 });
  assert.throws(() => h.stack.udpBind({ port: 7 }), /already bound/);
  assert.throws(() => h.stack.udpBind({ port: 70000 }), /0\.\.65535/);
  const e = h.stack.udpBind();
  assert.ok(e.port >= 49152 && e.port <= 65535);
  assert.throws(() => a.send(parseIpv4(GATEWAY_IP), 0, new Uint8Array(1)), /1\.\.65535/);
  assert.throws(() => a.send(parseIpv4(GATEWAY_IP), 9, new Uint8Array(1473)), /exceeds 1472/);
  assert.ok(a.send(parseIpv4(GATEWAY_IP), 9, new Uint8Array(1472)));
  a.close();
  assert.throws(() => a.send(parseIpv4(GATEWAY_IP), 9, new Uint8Array(1)), /closed/);
  h.stack.udpBind({ port: 7 });
});

test.run();
