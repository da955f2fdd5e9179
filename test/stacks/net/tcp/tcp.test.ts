// stacks/net/tcp/tcp.ts (demultiplexing, listeners, closed ports, the caps), frame by frame through
// the stack on a fake NIC.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../../stacks/net/address.ts";
import type { TcpConnection } from "../../../../stacks/net/tcp/connection.ts";
import { decode, ethernet, garbage, ipv4, tcp, toHex } from "../../../support/net/frames.ts";
import { HOST_IP, HOST_MAC, makeHost, PEER_IP, PEER_MAC } from "../../../support/net/host.ts";
import { seededRandom } from "../../../support/net/fake-time.ts";
import { establish, MSS_1460, Peer } from "../../../support/net/tcp-peer.ts";

test("a SYN to a closed port earns <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, byte-exactly", () => {
  const h = makeHost({}, { resolvePeers: true });
  new Peer(h, 40000, 81).send({ seq: 1000, flags: "S", options: MSS_1460 });
  const [f] = h.nic.take();
  const id = decode(f).ip!.id;
  const expected = ethernet(PEER_MAC, HOST_MAC, 0x0800, ipv4({ src: HOST_IP, dst: PEER_IP, protocol: 6, id, payload: tcp({ src: HOST_IP, dst: PEER_IP, srcPort: 81, dstPort: 40000, seq: 0, ack: 1001, flags: "RA", window: 0 }) }), true);
  assert.is(toHex(f), toHex(expected));
  assert.is(h.stack.counters.get("tcp_no_connection"), 1);
});

test("an ACK to a closed port earns <SEQ=SEG.ACK><CTL=RST>; a RST earns nothing", () => {
  const h = makeHost({}, { resolvePeers: true });
  const p = new Peer(h, 40000, 81);
  p.send({ seq: 1000, ack: 0xdeadbeef, payload: [1, 2, 3] });
  const r = p.one();
  assert.is(r.flags, "R");
  assert.is(r.seq, 0xdeadbeef);
  p.send({ seq: 1000, flags: "R" });
  assert.is(p.take().length, 0);
});

test("a listener answers an ACK without connection with a RST, and ignores segments without SYN", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.stack.tcpListen({ port: 80, onConnection: () => {} });
  const p = new Peer(h);
  p.send({ seq: 5, ack: 77 });
  assert.is(p.one().seq, 77);
  p.send({ seq: 5, flags: "" });
  p.send({ seq: 5, flags: "R" });
  assert.is(p.take().length, 0);
  assert.is(h.stack.tcp.connectionCount, 0);
});

test("segments to broadcast or with port 0 are dropped and counted", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.stack.tcpListen({ port: 80, onConnection: () => {} });
  const seg = tcp({ src: PEER_IP, dst: "10.0.2.255", srcPort: 40000, dstPort: 80, seq: 1, flags: "S" });
  h.nic.deliver(ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0800, ipv4({ src: PEER_IP, dst: "10.0.2.255", protocol: 6, payload: seg })));
  new Peer(h, 0, 80).send({ seq: 1, flags: "S" });
  assert.is(h.nic.take().length, 0);
  assert.is(h.stack.counters.get("tcp_broadcast"), 1);
  assert.is(h.stack.counters.get("tcp_bad_port"), 1);
});

test("a SYN flood beyond the half-open cap is dropped and counted; the half-open ones expire", () => {
  const h = makeHost({ tcp: { maxHalfOpen: 4, synRetransmits: 2 } }, { resolvePeers: true });
  const accepted: TcpConnection[] = [];
  h.stack.tcpListen({ port: 80, onConnection: (c) => accepted.push(c) });
  for (let port = 1024; port < 1024 + 1000; port++) new Peer(h, port).send({ seq: port * 7, flags: "S", options: MSS_1460 });
  assert.is(h.nic.take().length, 4, "four SYN-ACKs");
  assert.is(h.stack.counters.get("tcp_syn_dropped"), 996);
  assert.is(h.stack.tcp.halfOpenCount, 4);
  // SYN-ACKs are retransmitted twice (1 s, 2 s), then the embryonic connections are forgotten.
  h.time.advance(1000 + 2000 + 4000);
  assert.is(h.nic.take().length, 8);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
  assert.is(accepted.length, 0);
  // A legitimate client gets through afterwards.
  const p = new Peer(h, 5000);
  p.send({ seq: 1, flags: "S" });
  const sa = p.one();
  p.ack = sa.seq + 1;
  p.send({ seq: 2 });
  assert.is(accepted.length, 1);
});

test("a retransmitted SYN gets the SYN-ACK again, not a second connection", () => {
  const h = makeHost({}, { resolvePeers: true });
  h.stack.tcpListen({ port: 80, onConnection: () => {} });
  const p = new Peer(h);
  p.send({ seq: 100, flags: "S" });
  const a = p.one();
  p.send({ seq: 100, flags: "S" });
  const b = p.one();
  assert.is(b.flags, "SA");
  assert.is(b.seq, a.seq);
  assert.is(h.stack.tcp.connectionCount, 1);
});

test("a connection reset and opened again on the same ports is a new one (no stale demultiplexing)", () => {
  const h = makeHost({}, { resolvePeers: true });
  const accepted: TcpConnection[] = [];
  h.stack.tcpListen({ port: 80, onConnection: (c) => accepted.push(c) });
  const p = new Peer(h);
  const open = (isn: number) => {
    p.send({ seq: isn, flags: "S" });
    const sa = p.one();
    assert.is(sa.flags, "SA");
    p.ack = sa.seq + 1;
    p.send({ seq: isn + 1 });
  };
  open(100);
  // Data on the first connection makes it the one the last segment went to.
  p.send({ seq: 101, flags: "PA", payload: Uint8Array.from([1, 2, 3]) });
  assert.is(accepted[0].read().length, 3);
  p.take();
  p.send({ seq: 104, flags: "R" });
  assert.is(accepted[0].state, "CLOSED");
  assert.is(h.stack.tcp.connectionCount, 0);
  open(5000);
  assert.is(accepted.length, 2);
  assert.is(accepted[1].state, "ESTABLISHED");
  p.send({ seq: 5001, flags: "PA", payload: Uint8Array.from([7]) });
  assert.equal(Array.from(accepted[1].read()), [7]);
});

test("the connection cap: SYNs beyond it are dropped, TIME_WAIT slots are reused first", () => {
  const h = makeHost({ tcp: { maxConnections: 2, timeWaitMs: 60_000 } }, { resolvePeers: true });
  const accepted: TcpConnection[] = [];
  h.stack.tcpListen({ port: 80, onConnection: (c) => accepted.push(c) });
  const open = (port: number) => {
    const p = new Peer(h, port);
    p.send({ seq: 1, flags: "S" });
    const sa = p.take();
    if (sa.length === 0) return null;
    p.ack = sa[0].seq + 1;
    p.send({ seq: 2 });
    return p;
  };
  const p1 = open(1001)!;
  open(1002);
  assert.is(open(1003), null);
  assert.is(h.stack.counters.get("tcp_syn_dropped"), 1);
  // The first goes to TIME_WAIT by an active close.
  accepted[0].close();
  p1.take();
  p1.ack++;
  p1.send({ seq: 2, flags: "FA" });
  assert.is(accepted[0].state, "TIME_WAIT");
  assert.ok(open(1004));
  assert.is(h.stack.counters.get("tcp_time_wait_reused"), 1);
  assert.is(accepted[0].state, "CLOSED");
  assert.is(h.stack.tcp.connectionCount, 2);
});

test("connect() beyond the cap throws a clear error", () => {
  const h = makeHost({ tcp: { maxConnections: 1 } }, { resolvePeers: true });
  h.stack.tcpConnect({ address: parseIpv4(PEER_IP), port: 80 });
  assert.throws(() => h.stack.tcpConnect({ address: parseIpv4(PEER_IP), port: 80 }), /too many TCP connections \(1\)/);
});

test("a NIC refusing frames blocks sending without loss; writable() resumes it", () => {
  const { h, peer, conn } = establish();
  h.nic.busy = true;
  conn.write(Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff));
  assert.is(h.nic.sent.length, 0);
  assert.ok(h.stack.counters.get("tcp_tx_blocked") > 0);
  h.nic.setWritable();
  // The initial window's first two segments; Nagle holds the 80-byte tail until they are acknowledged.
  assert.equal(peer.take().map((s) => s.payload.length), [1460, 1460]);
});

test("bad segments never throw: random bytes after a valid IPv4 header", () => {
  const { h } = establish();
  const next = garbage(99);
  for (let n = 0; n < 2000; n++) {
    const len = n % 80;
    const body = next(len);
    if (len >= 4) {
      body[0] = 40000 >> 8;
      body[1] = 40000 & 0xff;
      body[2] = 0;
      body[3] = 80;
    }
    h.nic.deliver(ethernet(HOST_MAC, PEER_MAC, 0x0800, ipv4({ src: PEER_IP, dst: HOST_IP, protocol: 6, payload: body })));
  }
  assert.is(h.stack.counters.get("rx_frames"), 2002);
  assert.ok(h.stack.counters.get("tcp_bad_checksum") + h.stack.counters.get("tcp_truncated") + h.stack.counters.get("tcp_bad_header_length") > 1900);
});

test("random valid segments against live connections never throw, and the caps hold", () => {
  const h = makeHost({ tcp: { maxConnections: 4, maxHalfOpen: 2, timeWaitMs: 5000, finWait2Ms: 5000, maxRetransmits: 3 } }, { resolvePeers: true });
  const live: TcpConnection[] = [];
  h.stack.tcpListen({
    port: 80,
    onConnection: (c) => {
      live.push(c);
      c.events.onReadable = () => void c.read(Math.floor(c.readable / 2));
    },
  });
  const random = seededRandom(2024);
  const rnd = (n: number) => random() % n;
  const flagSets = ["S", "SA", "A", "A", "A", "PA", "PA", "PA", "FA", "R", "RA", "F", "", "SF", "SR", "FPA"];
  // What the stack last said to each peer port: aim near it, so that many segments land in windows.
  const last = new Map<number, { seq: number; ack: number }>();
  for (let n = 0; n < 20000; n++) {
    const port = 40000 + rnd(6);
    const peer = new Peer(h, port);
    for (const f of h.nic.take()) {
      const d = decode(f).tcp;
      if (d) last.set(d.dstPort, { seq: d.ack, ack: (d.seq + d.payload.length + (d.flags.includes("S") || d.flags.includes("F") ? 1 : 0)) >>> 0 });
    }
    const { seq: lastSeq, ack: lastAck } = last.get(port) ?? { seq: 1000, ack: 0 };
    const payload = Array.from({ length: rnd(4) === 0 ? rnd(1460) : 0 }, () => rnd(256));
    peer.send({
      seq: (lastSeq + (rnd(4) === 0 ? rnd(4000) - 2000 : 0)) >>> 0,
      ack: (lastAck + (rnd(4) === 0 ? rnd(6000) - 3000 : 0)) >>> 0,
      flags: flagSets[rnd(flagSets.length)],
      window: rnd(5) === 0 ? 0 : rnd(65536),
      options: rnd(3) === 0 ? [2, 4, rnd(256), rnd(256)] : [],
      payload,
    });
    const c = live[rnd(live.length + 1)];
    if (c && c.writable > 0 && rnd(4) === 0) c.write(Uint8Array.from({ length: rnd(3000) }, () => 1));
    if (c && rnd(50) === 0) c.close();
    if (rnd(10) === 0) h.time.advance(rnd(3000));
    assert.ok(h.stack.tcp.connectionCount <= 4);
    assert.ok(h.stack.tcp.halfOpenCount <= 2);
  }
  // Everything winds down: no connection and no timer is held forever.
  for (const c of live) if (c.state !== "CLOSED") c.close();
  h.time.advance(24 * 3_600_000);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
  assert.ok(live.length > 20, `only ${live.length} connections were established`);
});

test.run();
