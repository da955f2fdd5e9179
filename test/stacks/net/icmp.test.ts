// stacks/net/icmp.ts, frame by frame through the stack (stacks/net/stack.ts) on a fake NIC.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decode, echo, ethernet, icmp, ipv4, toHex } from "../../support/net/frames.ts";
import { GATEWAY_IP, GATEWAY_MAC, HOST_IP, HOST_MAC, makeHost } from "../../support/net/host.ts";

function fromGateway(payload: number[], dst = HOST_IP, id = 0x77): Uint8Array {
  return ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst, protocol: 1, id, payload }), true);
}

test("an echo request is answered byte-exactly (RFC 792: same id, sequence and data)", () => {
  const h = makeHost({}, { resolvePeers: true });
  const data = Array.from({ length: 56 }, (_, i) => i);
  h.nic.deliver(fromGateway(echo(8, 0xbeef, 7, data)));
  const [f] = h.nic.take();
  const d = decode(f);
  const expected = ethernet(GATEWAY_MAC, HOST_MAC, 0x0800, ipv4({ src: HOST_IP, dst: GATEWAY_IP, protocol: 1, id: d.ip!.id, payload: echo(0, 0xbeef, 7, data) }), true);
  assert.is(toHex(f), toHex(expected));
});

test("an odd-length echo request is answered with a correct checksum", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(fromGateway(echo(8, 1, 1, [1, 2, 3])));
  const d = decode(h.nic.take()[0]);
  assert.ok(d.icmp?.checksumOk);
  assert.is(toHex(d.icmp!.body), "00010001010203");
});

test("an echo request to a broadcast address is ignored (RFC 1122 3.2.2.6)", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(ethernet("ff:ff:ff:ff:ff:ff", GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst: "10.0.2.255", protocol: 1, payload: echo(8, 1, 1, []) }), true));
  h.nic.deliver(ethernet("ff:ff:ff:ff:ff:ff", GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst: "255.255.255.255", protocol: 1, payload: echo(8, 1, 1, []) }), true));
  assert.is(h.nic.take().length, 0);
  assert.is(h.stack.counters.get("icmp_broadcast_echo_ignored"), 2);
});

test("bad ICMP is counted: truncated, bad checksum, unknown type", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.nic.deliver(fromGateway([8, 0, 0xf7, 0xff]));
  h.nic.deliver(fromGateway(icmp(8, 0, [0, 1, 0, 1], true)));
  h.nic.deliver(fromGateway(icmp(13, 0, [0, 1, 0, 1, 0, 0, 0, 0])));
  h.nic.deliver(fromGateway(echo(0, 1, 1, [])));
  assert.is(h.nic.take().length, 0);
  assert.equal(
    { t: h.stack.counters.get("icmp_truncated"), c: h.stack.counters.get("icmp_bad_checksum"), u: h.stack.counters.get("icmp_unhandled_type"), r: h.stack.counters.get("icmp_unexpected_reply") },
    { t: 1, c: 1, u: 1, r: 1 },
  );
});

test("ping() resolves with the round-trip time when the reply comes", async () => {
  const h = makeHost({}, { resolvePeers: true });
  const p = h.stack.ping(GATEWAY_IP, { size: 8 });
  const [req] = h.nic.take();
  const d = decode(req);
  assert.is(d.ip?.dst, GATEWAY_IP);
  assert.is(d.icmp?.type, 8);
  assert.ok(d.icmp?.checksumOk);
  assert.is(d.icmp!.body.length, 4 + 8);
  h.time.advance(12);
  // The reply: type 0, same identifier, sequence and data.
  const body = Array.from(d.icmp!.body);
  h.nic.deliver(fromGateway(icmp(0, 0, body)));
  assert.is(await p, 12);
  assert.is(h.time.timerCount, 0);
});

test("ping() rejects after its timeout, and a late reply is counted as unexpected", async () => {
  const h = makeHost({}, { resolvePeers: true });
  const p = h.stack.ping(GATEWAY_IP, { timeoutMs: 500 });
  const body = Array.from(decode(h.nic.take()[0]).icmp!.body);
  h.time.advance(500);
  let error: unknown = null;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  assert.instance(error, Error);
  assert.match(String(error), /timed out/);
  h.nic.deliver(fromGateway(icmp(0, 0, body)));
  assert.is(h.stack.counters.get("icmp_unexpected_reply"), 1);
});

test("ping() refuses bad arguments with a clear error", async () => {
  const h = makeHost({}, { resolvePeers: true });
  for (const [opts, re] of [
    [{ size: -1 }, /size/],
    [{ size: 1473 }, /size/],
    [{ timeoutMs: 0 }, /timeout/],
  ] as const) {
    let msg = "";
    await h.stack.ping(GATEWAY_IP, opts).catch((e: Error) => (msg = e.message));
    assert.match(msg, re);
  }
  assert.throws(() => h.stack.ping("10.0.2.300"), /not an IPv4 address/);
});

test("ICMP errors are rate-limited per second, and never sent about ICMP errors", () => {
  const h = makeHost({ icmp: { errorsPerSecond: 3 } }, { resolvePeers: true });
  const proto99 = ethernet(HOST_MAC, GATEWAY_MAC, 0x0800, ipv4({ src: GATEWAY_IP, dst: HOST_IP, protocol: 99, payload: [1, 2, 3, 4] }), true);
  for (let i = 0; i < 10; i++) h.nic.deliver(proto99);
  assert.is(h.nic.take().length, 3);
  assert.is(h.stack.counters.get("icmp_rate_limited"), 7);
  h.time.advance(1000);
  h.nic.deliver(proto99);
  assert.is(h.nic.take().length, 1);
  // A destination unreachable we cannot place is only counted.
  h.nic.deliver(fromGateway(icmp(3, 3, [0, 0, 0, 0, ...ipv4({ src: HOST_IP, dst: GATEWAY_IP, protocol: 17, payload: [0, 1, 0, 2, 0, 8, 0, 0] })])));
  assert.is(h.nic.take().length, 0);
  assert.is(h.stack.counters.get("icmp_unreachable_received"), 1);
});

test.run();
