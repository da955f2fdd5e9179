// stacks/net/arp.ts, frame by frame through the stack (stacks/net/stack.ts) on a fake NIC.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CounterName } from "../../../stacks/net/counters.ts";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { arp, decode, ethernet, mac, toHex } from "../../support/net/frames.ts";
import { GATEWAY_IP, GATEWAY_MAC, HOST_IP, HOST_MAC, makeHost, PEER_IP, PEER_MAC, type Host } from "../../support/net/host.ts";

const BCAST = "ff:ff:ff:ff:ff:ff";
const ZERO = "00:00:00:00:00:00";

function sendUdp(h: Host, to: string, payload = [1, 2, 3]): void {
  const s = h.stack.udpBind();
  s.send(parseIpv4(to), 9, Uint8Array.from(payload));
  s.close();
}

function reply(h: Host, senderMac: string, senderIp: string): void {
  h.nic.deliver(ethernet(HOST_MAC, senderMac, 0x0806, arp(2, senderMac, senderIp, HOST_MAC, HOST_IP), true));
}

test("a request for our address is answered byte-exactly, to the asker", () => {
  const h = makeHost();
  h.nic.deliver(ethernet(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, ZERO, HOST_IP), true));
  const sent = h.nic.take();
  assert.is(sent.length, 1);
  assert.is(toHex(sent[0]), toHex(ethernet(PEER_MAC, HOST_MAC, 0x0806, arp(2, HOST_MAC, HOST_IP, PEER_MAC, PEER_IP), true)));
  // RFC 826: the asker is learned, so the answer to it needs no request of ours.
  sendUdp(h, PEER_IP);
  const [f] = h.nic.take();
  assert.is(decode(f).dst, PEER_MAC);
  assert.ok(decode(f).udp);
});

test("a request for another address is not answered", () => {
  const h = makeHost();
  h.nic.deliver(ethernet(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, ZERO, "10.0.2.99"), true));
  assert.is(h.nic.take().length, 0);
  assert.is(h.stack.counters.get("arp_request_not_for_us"), 1);
});

test("an unresolved next hop: request broadcast, packet queued, sent on the reply", () => {
  const h = makeHost();
  sendUdp(h, PEER_IP);
  const [req] = h.nic.take();
  assert.is(toHex(req), toHex(ethernet(BCAST, HOST_MAC, 0x0806, arp(1, HOST_MAC, HOST_IP, ZERO, PEER_IP), true)));
  reply(h, PEER_MAC, PEER_IP);
  const [queued] = h.nic.take();
  const d = decode(queued);
  assert.is(d.dst, PEER_MAC);
  assert.is(d.src, HOST_MAC);
  assert.is(d.ip?.dst, PEER_IP);
});

test("off-subnet destinations resolve the gateway", () => {
  const h = makeHost();
  sendUdp(h, "93.184.216.34");
  assert.is(decode(h.nic.take()[0]).arp?.tpa, GATEWAY_IP);
  reply(h, GATEWAY_MAC, GATEWAY_IP);
  const d = decode(h.nic.take()[0]);
  assert.is(d.dst, GATEWAY_MAC);
  assert.is(d.ip?.dst, "93.184.216.34");
});

test("requests are retried every second, then the queue is dropped and counted", () => {
  const h = makeHost();
  sendUdp(h, PEER_IP);
  sendUdp(h, PEER_IP);
  assert.is(h.nic.take().length, 1, "one request for two packets");
  h.time.advance(999);
  assert.is(h.nic.take().length, 0);
  h.time.advance(1);
  assert.is(decode(h.nic.take()[0]).arp?.op, 1);
  h.time.advance(1000);
  assert.is(decode(h.nic.take()[0]).arp?.op, 1);
  h.time.advance(1000);
  assert.is(h.nic.take().length, 0, "three requests in all");
  assert.is(h.stack.counters.get("arp_unresolved"), 2);
  assert.is(h.stack.arp.size, 0);
  assert.is(h.time.timerCount, 0, "no timer left behind");
});

test("the pending queue per address is bounded: the oldest is dropped and counted", () => {
  const h = makeHost();
  for (let i = 0; i < 6; i++) sendUdp(h, PEER_IP, [i]);
  h.nic.take();
  assert.is(h.stack.counters.get("arp_queue_overflow"), 2);
  reply(h, PEER_MAC, PEER_IP);
  const sent = h.nic.take().map((f) => decode(f).udp?.payload[0]);
  assert.equal(sent, [2, 3, 4, 5]);
});

test("a gratuitous reply claiming the gateway does not replace a confirmed entry, and is counted", () => {
  const h = makeHost();
  sendUdp(h, "8.8.8.8");
  h.nic.take();
  reply(h, GATEWAY_MAC, GATEWAY_IP);
  h.nic.take();
  const attacker = "66:66:66:66:66:66";
  // Unsolicited reply, broadcast, sender = target = gateway (the gratuitous form).
  h.nic.deliver(ethernet(BCAST, attacker, 0x0806, arp(2, attacker, GATEWAY_IP, BCAST, GATEWAY_IP), true));
  h.nic.deliver(ethernet(HOST_MAC, attacker, 0x0806, arp(2, attacker, GATEWAY_IP, HOST_MAC, HOST_IP), true));
  // And a request claiming it.
  h.nic.deliver(ethernet(BCAST, attacker, 0x0806, arp(1, attacker, GATEWAY_IP, ZERO, HOST_IP), true));
  assert.is(h.stack.counters.get("arp_spoof_ignored"), 3);
  h.nic.take();
  sendUdp(h, "8.8.8.8");
  assert.is(decode(h.nic.take()[0]).dst, GATEWAY_MAC);
  // Once the entry expires, a new request is made and its answer is taken; meanwhile frames go
  // on to the address the entry had, none queued.
  h.time.advance(60_000);
  sendUdp(h, "8.8.8.8");
  const [request, frame] = h.nic.take().map(decode);
  assert.is(request.arp?.tpa, GATEWAY_IP);
  assert.is(frame.dst, GATEWAY_MAC);
  reply(h, "52:55:0a:00:02:03", GATEWAY_IP);
  assert.equal(h.nic.take(), [], "nothing was queued");
  sendUdp(h, "8.8.8.8");
  assert.is(decode(h.nic.take()[0]).dst, "52:55:0a:00:02:03");
});

test("an expired entry keeps a busy flow going while it is confirmed, and is dropped when nobody answers", () => {
  const h = makeHost();
  sendUdp(h, "8.8.8.8");
  reply(h, GATEWAY_MAC, GATEWAY_IP);
  h.nic.take();
  h.time.advance(60_000);
  // Ten frames right after expiry: one request, every frame sent at once to the known address.
  for (let i = 0; i < 10; i++) sendUdp(h, "8.8.8.8");
  const sent = h.nic.take().map(decode);
  assert.is(sent.filter((f) => f.arp).length, 1);
  assert.is(sent.filter((f) => f.dst === GATEWAY_MAC && !f.arp).length, 10);
  assert.is(h.stack.counters.get("arp_queue_overflow"), 0);
  // The gateway is gone: the retries go unanswered, then the entry is dropped and the next frame
  // waits for an answer again.
  h.time.advance(10_000);
  const retries = h.nic.take().map(decode);
  assert.ok(retries.length >= 1 && retries.every((f) => f.arp?.tpa === GATEWAY_IP), "retries are requests");
  assert.is(h.stack.arp.size, 0);
  sendUdp(h, "8.8.8.8");
  const after = h.nic.take().map(decode);
  assert.is(after.length, 1);
  assert.is(after[0].arp?.tpa, GATEWAY_IP);
});

test("a static entry is never overwritten", () => {
  const h = makeHost();
  h.stack.arp.addStatic(parseIpv4(GATEWAY_IP), Uint8Array.from(mac(GATEWAY_MAC)));
  reply(h, "66:66:66:66:66:66", GATEWAY_IP);
  assert.is(h.stack.counters.get("arp_spoof_ignored"), 1);
  h.time.advance(3_600_000);
  sendUdp(h, "8.8.8.8");
  assert.is(decode(h.nic.take()[0]).dst, GATEWAY_MAC);
});

test("the cache is bounded: a flood of addresses evicts learned entries, never more than the cap", () => {
  const h = makeHost({ arp: { cacheSize: 4 } });
  for (let i = 30; i < 50; i++) sendUdp(h, `10.0.2.${i}`);
  assert.is(h.stack.arp.size, 4);
  assert.ok(h.stack.counters.get("arp_evicted") >= 16);
  // A flood of requests from many senders cannot push entries out (learned only into free room).
  const h2 = makeHost({ arp: { cacheSize: 2 } });
  sendUdp(h2, GATEWAY_IP);
  reply(h2, GATEWAY_MAC, GATEWAY_IP);
  for (let i = 30; i < 40; i++) h2.nic.deliver(ethernet(BCAST, "52:54:00:00:00:" + i.toString(16), 0x0806, arp(1, "52:54:00:00:00:" + i.toString(16), `10.0.2.${i}`, ZERO, HOST_IP), true));
  assert.is(h2.stack.arp.size, 2);
  h2.nic.take();
  sendUdp(h2, GATEWAY_IP);
  assert.is(decode(h2.nic.take()[0]).dst, GATEWAY_MAC);
});

test("bad ARP packets are counted, never answered", () => {
  const h = makeHost();
  const good = arp(1, PEER_MAC, PEER_IP, ZERO, HOST_IP);
  const cases: [number[], CounterName][] = [
    [good.slice(0, 27), "arp_truncated"],
    [[0, 6, ...good.slice(2)], "arp_unsupported"],
    [[0, 1, 0x86, 0xdd, ...good.slice(4)], "arp_unsupported"],
    [[...good.slice(0, 4), 8, 4, ...good.slice(6)], "arp_unsupported"],
    [[...good.slice(0, 6), 0, 9, ...good.slice(8)], "arp_bad_opcode"],
    [arp(1, BCAST, PEER_IP, ZERO, HOST_IP), "arp_bad_sender"],
    [arp(1, ZERO, PEER_IP, ZERO, HOST_IP), "arp_bad_sender"],
    [arp(1, HOST_MAC, PEER_IP, ZERO, HOST_IP), "arp_bad_sender"],
    [arp(2, PEER_MAC, HOST_IP, ZERO, HOST_IP), "arp_address_conflict"],
  ];
  for (const [packet, reason] of cases) {
    h.nic.deliver(ethernet(HOST_MAC, PEER_MAC, 0x0806, packet));
    assert.is(h.stack.counters.get(reason) > 0, true, reason);
  }
  assert.is(h.nic.take().length, 0);
  assert.is(h.stack.arp.size, 0);
  // An RFC 5227 probe (sender 0.0.0.0) is answered but teaches nothing.
  h.nic.deliver(ethernet(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, "0.0.0.0", ZERO, HOST_IP), true));
  const [ans] = h.nic.take();
  assert.is(decode(ans).arp?.tpa, "0.0.0.0");
  assert.is(h.stack.arp.size, 0);
});

test("link up forgets learned entries", () => {
  const h = makeHost();
  sendUdp(h, PEER_IP);
  reply(h, PEER_MAC, PEER_IP);
  h.nic.take();
  h.nic.setLink(false);
  h.nic.setLink(true);
  sendUdp(h, PEER_IP);
  assert.is(decode(h.nic.take()[0]).arp?.op, 1);
});

test.run();
