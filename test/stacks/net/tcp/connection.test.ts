import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../../stacks/net/address.ts";
import type { TcpCloseReason, TcpConnection } from "../../../../stacks/net/tcp/connection.ts";
import { decode, ethernet, ipv4, tcp, toHex } from "../../../support/net/frames.ts";
import { HOST_IP, HOST_MAC, makeHost, PEER_IP, PEER_MAC } from "../../../support/net/host.ts";
import { bytes, connectOut, establish, MSS_1460, Peer, type Established } from "../../../support/net/tcp-peer.ts";

function closes(conn: TcpConnection): TcpCloseReason[] {
  const reasons: TcpCloseReason[] = [];
  conn.events.onClose = (r) => reasons.push(r);
  return reasons;
}

// ---- Opening -----------------------------------------------------------------------------------

test("passive open: the SYN-ACK is byte-exact (MSS option, window, checksums), then ESTABLISHED", () => {
  const h = makeHost({}, { resolvePeers: true });
  const accepted: TcpConnection[] = [];
  h.stack.tcpListen({ port: 80, onConnection: (c) => accepted.push(c) });
  const peer = new Peer(h);
  peer.send({ seq: 1000, flags: "S", options: MSS_1460, window: 8192 });
  const [frame] = h.nic.take();
  const d = decode(frame);
  const iss = d.tcp!.seq;
  const expected = ethernet(PEER_MAC, HOST_MAC, 0x0800, ipv4({ src: HOST_IP, dst: PEER_IP, protocol: 6, id: d.ip!.id, payload: tcp({ src: HOST_IP, dst: PEER_IP, srcPort: 80, dstPort: 40000, seq: iss, ack: 1001, flags: "SA", window: 16384, options: MSS_1460 }) }), true);
  assert.is(toHex(frame), toHex(expected));
  assert.is(accepted.length, 0, "not before the handshake completes");
  peer.send({ seq: 1001, ack: iss + 1 });
  assert.is(accepted.length, 1);
  assert.is(accepted[0].state, "ESTABLISHED");
  assert.is(accepted[0].remoteAddress, parseIpv4(PEER_IP));
  assert.is(accepted[0].remotePort, 40000);
});

test("active open: SYN with MSS, SYN-ACK answered with ACK, onConnect", () => {
  const { peer, conn, syn } = connectOut();
  let connected = 0;
  conn.events.onConnect = () => connected++;
  assert.is(syn.flags, "S");
  assert.equal(syn.options, MSS_1460);
  assert.is(syn.window, 16384);
  assert.is(conn.state, "SYN_SENT");
  peer.send({ seq: 7000, ack: syn.seq + 1, flags: "SA", options: [2, 4, 0x02, 0x18], window: 4000 });
  const ack = peer.one();
  assert.is(ack.flags, "A");
  assert.is(ack.seq, (syn.seq + 1) >>> 0);
  assert.is(ack.ack, 7001);
  assert.is(conn.state, "ESTABLISHED");
  assert.is(connected, 1);
  // The peer's MSS (536) bounds our segments.
  conn.write(bytes(1000));
  const s = peer.take();
  assert.equal(s.map((x) => x.payload.length), [536]);
});

test("active open: a RST acknowledging the SYN refuses the connection; a RST without ACK is ignored", () => {
  const { h, peer, conn, syn } = connectOut();
  const reasons = closes(conn);
  peer.send({ seq: 0, flags: "R" });
  assert.is(conn.state, "SYN_SENT");
  peer.send({ seq: 0, ack: syn.seq + 1, flags: "RA" });
  assert.is(conn.state, "CLOSED");
  assert.equal(reasons, ["refused"]);
  assert.is(h.stack.tcp.connectionCount, 0);
});

test("active open: a SYN-ACK acknowledging something else earns a RST", () => {
  const { peer, conn, syn } = connectOut();
  peer.send({ seq: 7000, ack: syn.seq + 5, flags: "SA" });
  const rst = peer.one();
  assert.is(rst.flags, "R");
  assert.is(rst.seq, (syn.seq + 5) >>> 0);
  assert.is(conn.state, "SYN_SENT");
});

test("active open: the SYN is retransmitted with backoff, then the attempt times out", () => {
  const h = makeHost({ tcp: { synRetransmits: 2 } }, { resolvePeers: true });
  const conn = h.stack.tcpConnect({ address: parseIpv4(PEER_IP), port: 8080 });
  const reasons = closes(conn);
  const peer = new Peer(h, 8080, conn.localPort);
  const syn = peer.one();
  h.time.advance(1000);
  assert.is(peer.one().seq, syn.seq);
  h.time.advance(1999);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  assert.is(peer.one().flags, "S");
  h.time.advance(4000);
  assert.equal(reasons, ["timeout"]);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
});

test("simultaneous open (RFC 9293 figure 7): SYN crosses SYN, both answer SYN-ACK, ESTABLISHED", () => {
  const { peer, conn, syn } = connectOut();
  let connected = 0;
  conn.events.onConnect = () => connected++;
  peer.send({ seq: 300, flags: "S", options: MSS_1460 });
  const synAck = peer.one();
  assert.is(synAck.flags, "SA");
  assert.is(synAck.seq, syn.seq);
  assert.is(synAck.ack, 301);
  assert.is(conn.state, "SYN_RECEIVED");
  peer.send({ seq: 300, ack: syn.seq + 1, flags: "SA" });
  assert.is(conn.state, "ESTABLISHED");
  assert.is(connected, 1);
});

test("connect() refuses bad arguments clearly", () => {
  const h = makeHost({}, { resolvePeers: true });
  assert.throws(() => h.stack.tcpConnect({ address: parseIpv4(PEER_IP), port: 0 }), /1\.\.65535/);
  assert.throws(() => h.stack.tcpConnect({ address: 0xffffffff, port: 80 }), /unicast/);
  assert.throws(() => h.stack.tcpListen({ port: 70000, onConnection: () => {} }), /1\.\.65535/);
  h.stack.tcpListen({ port: 80, onConnection: () => {} });
  assert.throws(() => h.stack.tcpListen({ port: 80, onConnection: () => {} }), /already listening/);
  assert.throws(() => makeHost({ tcp: { receiveBufferBytes: 70000 } }), /at most 65535/);
  assert.throws(() => makeHost({ tcp: { maxConnections: 0 } }), /positive integer/);
});

// ---- Receiving -------------------------------------------------------------------------------

test("delayed ACK: a lone segment is acknowledged after 200 ms; every second one at once", () => {
  const { h, peer, conn } = establish();
  const got: number[] = [];
  conn.events.onReadable = (n) => got.push(n);
  peer.send({ seq: 1001, flags: "PA", payload: bytes(100) });
  assert.is(peer.take().length, 0);
  h.time.advance(199);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  const a = peer.one();
  assert.is(a.ack, 1101);
  assert.is(a.window, 16384 - 100);
  peer.send({ seq: 1101, payload: bytes(1460) });
  assert.is(peer.take().length, 0);
  peer.send({ seq: 2561, payload: bytes(1460) });
  assert.is(peer.one().ack, 4021);
  assert.equal(got, [100, 1560, 3020]);
  assert.is(toHex(conn.read(100)), toHex(bytes(100)));
  assert.is(conn.readable, 2920);
});

test("out of order: a duplicate ACK at once, then one ACK for all when the gap fills", () => {
  const { peer, conn, h } = establish();
  peer.send({ seq: 2001, payload: bytes(1000, 1000) });
  assert.is(peer.one().ack, 1001);
  assert.is(conn.readable, 0);
  peer.send({ seq: 1001, payload: bytes(1000) });
  assert.is(peer.one().ack, 3001);
  assert.is(toHex(conn.read()), toHex(bytes(2000)));
  assert.is(h.stack.counters.get("tcp_out_of_order_queued"), 1);
});

test("the out-of-order queue is bounded per connection: beyond it data is dropped and counted", () => {
  const { peer, h } = establish({ outOfOrderBytes: 3000 });
  for (let i = 1; i <= 5; i++) peer.send({ seq: 1001 + i * 1000, payload: bytes(1000) });
  assert.is(h.stack.counters.get("tcp_out_of_order_queued"), 3);
  assert.is(h.stack.counters.get("tcp_out_of_order_dropped"), 2);
  peer.take();
  peer.send({ seq: 1001, payload: bytes(1000) });
  assert.is(peer.one().ack, 5001);
});

test("segments outside the window are answered with an ACK and dropped", () => {
  const { peer, conn, h } = establish();
  peer.send({ seq: 1001 + 20000, payload: bytes(10) });
  peer.send({ seq: 500, payload: bytes(10) });
  const acks = peer.take();
  assert.equal(acks.map((a) => [a.flags, a.ack]), [["A", 1001], ["A", 1001]]);
  assert.is(conn.readable, 0);
  assert.is(h.stack.counters.get("tcp_out_of_window"), 2);
  // A retransmission overlapping what was received is trimmed, the new part kept.
  peer.send({ seq: 1001, payload: bytes(10) });
  h.time.advance(200);
  peer.take();
  peer.send({ seq: 1006, payload: bytes(10, 5) });
  h.time.advance(200);
  assert.is(peer.one().ack, 1016);
  assert.is(toHex(conn.read()), toHex(bytes(15)));
});

test("our zero window: a probe is dropped and answered with window 0; reading sends a window update", () => {
  const { peer, conn, h } = establish({ receiveBufferBytes: 2000 });
  peer.send({ seq: 1001, payload: bytes(1000) });
  peer.send({ seq: 2001, payload: bytes(1000) });
  const a = peer.one();
  assert.is(a.ack, 3001);
  assert.is(a.window, 0);
  peer.send({ seq: 3001, payload: [0x55] });
  const p = peer.one();
  assert.is(p.ack, 3001);
  assert.is(p.window, 0);
  assert.is(h.stack.counters.get("tcp_zero_window_dropped"), 1);
  // Reading a little does not reopen the window (receiver silly-window avoidance) ...
  conn.read(10);
  assert.is(peer.take().length, 0);
  // ... reading enough does, with an update at once.
  conn.read(1000);
  const u = peer.one();
  assert.is(u.ack, 3001);
  assert.is(u.window, 1010);
});

test("a bare FIN is taken even by a zero window", () => {
  const { peer, conn, h } = establish({ receiveBufferBytes: 1000 });
  peer.send({ seq: 1001, payload: bytes(1000) });
  h.time.advance(200);
  assert.is(peer.one().window, 0);
  peer.send({ seq: 2001, flags: "FA" });
  const a = peer.one();
  assert.is(a.ack, 2002);
  assert.is(conn.state, "CLOSE_WAIT");
  assert.is(conn.read().length, 1000);
});

// ---- Sending -----------------------------------------------------------------------------------

test("sending: MSS-sized segments within the initial window, Nagle holds the small tail", () => {
  const { peer, conn, hostSeq } = establish();
  assert.is(conn.write(bytes(5000)), 5000);
  const segs = peer.take();
  // RFC 5681 3.1: initial window 3 * SMSS for SMSS 1460.
  assert.equal(segs.map((s) => s.payload.length), [1460, 1460, 1460]);
  assert.equal(segs.map((s) => s.seq), [hostSeq, hostSeq + 1460, hostSeq + 2920]);
  assert.is(toHex(segs[1].payload), toHex(bytes(1460, 1460)));
  peer.send({ seq: 1001, ack: hostSeq + 4380 });
  const tail = peer.take();
  assert.equal(tail.map((s) => [s.payload.length, s.flags]), [[620, "PA"]]);
});

test("Nagle: a second small write waits for the first to be acknowledged, unless noDelay", () => {
  const a = establish();
  a.conn.write(bytes(10));
  a.conn.write(bytes(10));
  assert.equal(a.peer.take().map((s) => s.payload.length), [10]);
  a.peer.send({ seq: 1001, ack: a.hostSeq + 10 });
  assert.equal(a.peer.take().map((s) => s.payload.length), [10]);
  const b = establish({}, 8192, { noDelay: true });
  b.conn.write(bytes(10));
  b.conn.write(bytes(10));
  assert.equal(b.peer.take().map((s) => s.payload.length), [10, 10]);
});

test("the send buffer is bounded: write() takes what fits, onWritable reports freed room", () => {
  const { peer, conn, hostSeq } = establish({ sendBufferBytes: 4000 });
  const freed: number[] = [];
  conn.events.onWritable = (n) => freed.push(n);
  assert.is(conn.write(bytes(10000)), 4000);
  assert.is(conn.writable, 0);
  peer.take();
  peer.send({ seq: 1001, ack: hostSeq + 1460 });
  assert.equal(freed, [1460]);
  assert.is(conn.writable, 1460);
});

test("RFC 6298: RTT samples set the timeout; expiry retransmits with backoff; Karn ignores retransmitted samples", () => {
  const { peer, conn, hostSeq, h } = establish({ minRtoMs: 100 }, 8192, {}, 400);
  // The handshake's R = 400: SRTT 400, RTTVAR 200, RTO = 400 + 4 * 200.
  assert.is(conn.retransmissionTimeout, 1200);
  conn.write(bytes(100));
  peer.take();
  h.time.advance(200);
  peer.send({ seq: 1001, ack: hostSeq + 100 });
  // R = 200: RTTVAR = 3/4 * 200 + 1/4 * |400 - 200| = 200, SRTT = 7/8 * 400 + 1/8 * 200 = 375.
  assert.is(conn.retransmissionTimeout, 375 + 4 * 200);
  conn.write(bytes(100));
  assert.is(peer.one().seq, hostSeq + 100);
  h.time.advance(1174);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  const r = peer.one();
  assert.is(r.seq, hostSeq + 100);
  assert.is(r.payload.length, 100);
  assert.is(conn.retransmissionTimeout, 2350);
  h.time.advance(2349);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  assert.is(peer.one().seq, hostSeq + 100);
  assert.is(conn.retransmissionTimeout, 4700);
  // The ACK of a retransmitted segment gives no sample (Karn): the backed-off timeout stays.
  h.time.advance(10);
  peer.send({ seq: 1001, ack: hostSeq + 200 });
  assert.is(conn.retransmissionTimeout, 4700);
  assert.is(h.time.timerCount, 0, "timer stopped with nothing outstanding");
});

test("retransmissions give up after the limit: RST, onClose('timeout'), nothing left", () => {
  const { peer, conn, h } = establish({ maxRetransmits: 3 });
  const reasons = closes(conn);
  conn.write(bytes(10));
  h.time.advance(1000 + 2000 + 4000);
  assert.is(peer.take().length, 4);
  h.time.advance(8000);
  const [rst] = peer.take();
  assert.is(rst.flags, "RA");
  assert.equal(reasons, ["timeout"]);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
});

test("fast retransmit on the third duplicate ACK (RFC 5681 3.2), before any timeout", () => {
  const { peer, conn, hostSeq, h } = establish();
  conn.write(bytes(16000));
  peer.take();
  peer.send({ seq: 1001, ack: hostSeq + 4380 });
  const second = peer.take();
  assert.is(second.length, 4, "cwnd grew by one SMSS");
  // The first of those is lost: three duplicate ACKs.
  const lost = hostSeq + 4380;
  peer.send({ seq: 1001, ack: lost });
  // Limited transmit (RFC 3042): the first duplicate lets one new segment beyond cwnd; the second
  // would too, but the peer's window (8192) has no room for another.
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [10220]);
  peer.send({ seq: 1001, ack: lost });
  assert.is(peer.take().length, 0);
  peer.send({ seq: 1001, ack: lost });
  // The lost segment at once. ssthresh = max(FlightSize / 2, 2 SMSS) = 2920 from the 5840 in
  // flight before limited transmit, cwnd = ssthresh + 3 SMSS = 7300, all of it in flight (RFC
  // 5681 3.2 steps 2-4).
  assert.equal(peer.take().map((s) => [s.seq - hostSeq, s.payload.length]), [[4380, 1460]]);
  assert.is(conn.congestionWindow, 7300);
  assert.is(h.stack.counters.get("tcp_fast_retransmit"), 1);
  assert.is(h.time.now(), 0, "no timer was needed");
  // The ACK for everything up to the recovery point ends recovery; cwnd deflates to
  // min(ssthresh, max(flight, SMSS) + SMSS) = 2920 (RFC 6582 3.2 step 3): two segments go out.
  peer.send({ seq: 1001, ack: lost + 5 * 1460 });
  assert.is(conn.congestionWindow, 2920);
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [11680, 13140]);
});

test("limited transmit (RFC 3042): a loss in a window too small for three duplicates is repaired without a timeout", () => {
  const { peer, conn, hostSeq, h } = establish();
  conn.write(bytes(16000));
  // The initial window: three segments. The first is lost; the other two bring two duplicates.
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [0, 1460, 2920]);
  peer.send({ seq: 1001, ack: hostSeq });
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [4380], "one new segment beyond cwnd");
  peer.send({ seq: 1001, ack: hostSeq });
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [5840], "and one more on the second duplicate");
  // Those two bring the third duplicate: fast retransmit, before the retransmission timer.
  peer.send({ seq: 1001, ack: hostSeq });
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [0]);
  assert.is(h.stack.counters.get("tcp_fast_retransmit"), 1);
  assert.is(h.stack.counters.get("tcp_rto_expired"), 0);
  assert.is(h.time.now(), 0);
  // ssthresh counts the 4380 in flight before limited transmit: max(2190, 2 SMSS) = 2920.
  assert.is(conn.congestionWindow, 2920 + 3 * 1460);
  peer.send({ seq: 1001, ack: hostSeq + 7300 });
  assert.is(conn.congestionWindow, 2920);
});

test("NewReno (RFC 6582 3.2 step 3): a partial ACK in recovery resends the next hole at once", () => {
  const { peer, conn, hostSeq, h } = establish();
  conn.write(bytes(16000));
  peer.take();
  peer.send({ seq: 1001, ack: hostSeq + 4380 });
  peer.take();
  // Two segments of the window are lost (at 4380 and 7300): three duplicate ACKs for the first.
  for (let i = 0; i < 3; i++) peer.send({ seq: 1001, ack: hostSeq + 4380 });
  // One new segment by limited transmit (RFC 3042; the peer's window takes no second), then the
  // fast retransmission.
  assert.equal(peer.take().map((s) => s.seq - hostSeq), [10220, 4380]);
  // The retransmission fills the first hole; the ACK stops at the second, below the recovery point.
  peer.send({ seq: 1001, ack: hostSeq + 7300 });
  const r = peer.take();
  assert.is(r[0].seq - hostSeq, 7300, "the second hole, without waiting for three more duplicates");
  assert.is(h.stack.counters.get("tcp_fast_retransmit"), 1, "one recovery episode");
  assert.is(h.time.now(), 0);
});

test("zero-window probing: one byte after the timeout, with backoff, until the window opens", () => {
  const { peer, conn, hostSeq, h } = establish();
  peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  conn.write(bytes(10));
  assert.is(peer.take().length, 0);
  h.time.advance(1000);
  const p1 = peer.one();
  assert.is(p1.seq, hostSeq);
  assert.is(p1.payload.length, 1);
  peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  h.time.advance(1999);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  assert.is(peer.one().payload.length, 1);
  assert.is(h.stack.counters.get("tcp_zero_window_probe"), 2);
  peer.send({ seq: 1001, ack: hostSeq, window: 8192 });
  const d = peer.one();
  assert.is(d.seq, hostSeq);
  assert.is(toHex(d.payload), toHex(bytes(10)));
  assert.is(conn.state, "ESTABLISHED");
});

test("a zero window held for long is not a timeout while the peer answers the probes", () => {
  const { peer, conn, hostSeq, h } = establish({ maxRetransmits: 3 });
  peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  conn.write(bytes(10));
  for (let i = 0; i < 12; i++) {
    h.time.runUntil(() => h.nic.sent.length > 0, 120_000);
    const probe = peer.one();
    assert.is(probe.seq, hostSeq, "the same byte is probed each time");
    peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  }
  assert.ok(h.time.now() > 5 * 60_000, "backed off to the 60 s maximum");
  assert.is(conn.state, "ESTABLISHED");
  // A peer that stops answering the probes is given up on.
  h.time.advance(600_000);
  assert.is(conn.state, "CLOSED");
  assert.is(h.stack.counters.get("tcp_persist_timeout"), 1);
});

// ---- Resets and SYNs (RFC 5961) ------------------------------------------------------------------

test("RST exactly at RCV.NXT resets; elsewhere in the window a challenge ACK; outside it nothing", () => {
  const { peer, conn, h } = establish();
  const reasons = closes(conn);
  peer.send({ seq: 1500, flags: "R" });
  const c = peer.one();
  assert.is(c.flags, "A");
  assert.is(c.ack, 1001);
  assert.is(h.stack.counters.get("tcp_rst_challenged"), 1);
  peer.send({ seq: 900_000, flags: "R" });
  assert.is(peer.take().length, 0);
  assert.is(h.stack.counters.get("tcp_rst_out_of_window"), 1);
  assert.is(conn.state, "ESTABLISHED");
  peer.send({ seq: 1001, flags: "R" });
  assert.is(conn.state, "CLOSED");
  assert.equal(reasons, ["reset"]);
  assert.is(h.stack.tcp.connectionCount, 0);
});

test("a SYN on an established connection earns a challenge ACK and changes nothing", () => {
  const { peer, conn, h } = establish();
  peer.send({ seq: 5555, flags: "S" });
  const c = peer.one();
  assert.is(c.flags, "A");
  assert.is(c.ack, 1001);
  assert.is(conn.state, "ESTABLISHED");
  assert.is(h.stack.counters.get("tcp_syn_challenged"), 1);
});

test("an ACK of data never sent is answered and dropped (RFC 5961 5.2)", () => {
  const { peer, conn, hostSeq, h } = establish();
  peer.send({ seq: 1001, ack: hostSeq + 5000, payload: bytes(10) });
  assert.is(peer.one().ack, 1001);
  assert.is(conn.readable, 0);
  assert.is(h.stack.counters.get("tcp_ack_unsent"), 1);
});

test("abort() sends a RST and forgets the connection", () => {
  const { peer, conn, hostSeq, h } = establish();
  const reasons = closes(conn);
  conn.abort();
  const r = peer.one();
  assert.is(r.flags, "RA");
  assert.is(r.seq, hostSeq);
  assert.equal(reasons, ["aborted"]);
  assert.is(h.stack.tcp.connectionCount, 0);
});

// ---- Closing -------------------------------------------------------------------------------------

test("active close: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT for 2 MSL, a retransmitted FIN re-ACKed", () => {
  const { peer, conn, hostSeq, h } = establish({ timeWaitMs: 4000 });
  const reasons = closes(conn);
  conn.write(bytes(5));
  peer.take();
  conn.close();
  assert.is(conn.state, "FIN_WAIT_1");
  assert.throws(() => conn.write(bytes(1)), /after close/);
  // Nagle held nothing: the FIN follows once the data is acknowledged... or at once: data and FIN.
  peer.send({ seq: 1001, ack: hostSeq + 5 });
  const fin = peer.one();
  assert.is(fin.flags, "FA");
  assert.is(fin.seq, hostSeq + 5);
  peer.send({ seq: 1001, ack: hostSeq + 6 });
  assert.is(conn.state, "FIN_WAIT_2");
  let ended = 0;
  conn.events.onEnd = () => ended++;
  peer.send({ seq: 1001, ack: hostSeq + 6, flags: "FA", payload: bytes(3) });
  const ack = peer.one();
  assert.is(ack.ack, 1005);
  assert.is(conn.state, "TIME_WAIT");
  assert.is(ended, 1);
  assert.equal(reasons, ["closed"]);
  assert.is(toHex(conn.read()), toHex(bytes(3)));
  h.time.advance(3000);
  peer.send({ seq: 1001, ack: hostSeq + 6, flags: "FA", payload: bytes(3) });
  assert.is(peer.one().ack, 1005);
  h.time.advance(3999);
  assert.is(conn.state, "TIME_WAIT", "the retransmitted FIN restarted the timer");
  h.time.advance(1);
  assert.is(conn.state, "CLOSED");
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
});

test("passive close: CLOSE_WAIT after the peer's FIN, LAST_ACK after close(), CLOSED on the ACK", () => {
  const { peer, conn, hostSeq, h } = establish();
  const reasons = closes(conn);
  let ended = 0;
  conn.events.onEnd = () => ended++;
  peer.send({ seq: 1001, ack: hostSeq, flags: "FA" });
  assert.is(peer.one().ack, 1002);
  assert.is(conn.state, "CLOSE_WAIT");
  assert.is(ended, 1);
  conn.write(bytes(4));
  assert.equal(peer.take().map((s) => [s.flags, s.payload.length]), [["PA", 4]]);
  conn.close();
  assert.is(conn.state, "LAST_ACK");
  const fin = peer.one();
  assert.is(fin.flags, "FA");
  assert.is(fin.seq, hostSeq + 4);
  peer.send({ seq: 1002, ack: hostSeq + 5 });
  assert.is(conn.state, "CLOSED");
  assert.equal(reasons, ["closed"]);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
});

test("simultaneous close: CLOSING, then TIME_WAIT when our FIN is acknowledged", () => {
  const { peer, conn, hostSeq } = establish();
  conn.close();
  assert.is(peer.one().flags, "FA");
  peer.send({ seq: 1001, ack: hostSeq, flags: "FA" });
  assert.is(peer.one().ack, 1002);
  assert.is(conn.state, "CLOSING");
  peer.send({ seq: 1002, ack: hostSeq + 1 });
  assert.is(conn.state, "TIME_WAIT");
});

test("a FIN to a zero window that is never acknowledged is given up on", () => {
  const { peer, conn, hostSeq, h } = establish({ maxRetransmits: 3 });
  peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  const reasons = closes(conn);
  conn.close();
  assert.is(peer.one().flags, "FA");
  for (let i = 0; i < 20; i++) {
    h.time.advance(60_000);
    peer.take();
    peer.send({ seq: 1001, ack: hostSeq, window: 0 });
  }
  assert.is(conn.state, "CLOSED");
  assert.equal(reasons, ["timeout"]);
});

test("a lost FIN is retransmitted; FIN_WAIT_2 does not wait forever for the peer", () => {
  const { peer, conn, hostSeq, h } = establish({ finWait2Ms: 5000 });
  conn.close();
  peer.take();
  h.time.advance(1000);
  assert.is(peer.one().flags, "FA");
  peer.send({ seq: 1001, ack: hostSeq + 1 });
  assert.is(conn.state, "FIN_WAIT_2");
  h.time.advance(5000);
  assert.is(conn.state, "CLOSED");
  assert.is(h.stack.counters.get("tcp_fin_wait_2_timeout"), 1);
});

// ---- Keepalive ------------------------------------------------------------------------------------

test("keepalive: a probe SND.NXT-1 after the idle time; answered it goes on, unanswered it ends", () => {
  const ka = { keepAlive: { idleMs: 10_000, intervalMs: 1000, probes: 2 } };
  const { peer, conn, hostSeq, h } = establish(ka, 8192, { keepAlive: true });
  const reasons = closes(conn);
  h.time.advance(9999);
  assert.is(peer.take().length, 0);
  h.time.advance(1);
  const p = peer.one();
  assert.is(p.seq, (hostSeq - 1) >>> 0);
  assert.is(p.payload.length, 0);
  peer.send({ seq: 1001, ack: hostSeq });
  h.time.advance(9999);
  assert.is(peer.take().length, 0, "the answer restarted the idle time");
  h.time.advance(1);
  peer.one();
  h.time.advance(1000);
  peer.one();
  h.time.advance(1000);
  assert.is(peer.one().flags, "RA");
  assert.equal(reasons, ["timeout"]);
  assert.is(h.stack.counters.get("tcp_keepalive_timeout"), 1);
});

test("without keepalive an idle connection sends nothing and holds no timer", () => {
  const { peer, h } = establish();
  assert.is(h.time.timerCount, 0);
  h.time.advance(10 * 3_600_000);
  assert.is(peer.take().length, 0);
});

// The close paths a simple peer does not reach: a BSD peer (QEMU's slirp) resends its FIN with each
// ACK while its own FIN is not yet acknowledged, so in a simultaneous close (RFC 9293 3.6, figure
// 13) the ACK of our FIN comes in a segment with SEG.SEQ = RCV.NXT - 1 (RFC 9293 3.10.7.4, first
// check: all of it, FIN included, already received); and FINs that arrive out of order, with
// data, or to a zero window.

/** Nothing more is sent for a long time (no FIN retransmitted by a timeout), and no segment was refused. */
function quietAfterClose({ h, peer }: Established): void {
  h.time.advance(10_000);
  assert.equal(peer.take().map((s) => s.flags), [], "nothing retransmitted");
  assert.is(h.stack.counters.get("tcp_rto_expired"), 0);
  assert.is(h.stack.counters.get("tcp_retransmitted_segments"), 0);
  assert.is(h.stack.counters.get("tcp_out_of_window"), 0);
}

test("simultaneous close (RFC 9293 figure 13): the peer's FIN resent with the ACK of ours ends CLOSING at once", () => {
  const e = establish({ timeWaitMs: 60_000 });
  const { peer, conn, hostSeq, h } = e;
  const reasons = closes(conn);
  conn.close();
  const fin = peer.one();
  assert.is(fin.flags, "FA");
  assert.is(fin.seq, hostSeq);
  peer.send({ seq: 1001, ack: hostSeq, flags: "FA" });
  const a = peer.one();
  assert.equal([a.flags, a.seq, a.ack], ["A", (hostSeq + 1) >>> 0, 1002]);
  assert.is(conn.state, "CLOSING");
  peer.send({ seq: 1001, ack: hostSeq + 1, flags: "FA" });
  const b = peer.one();
  assert.equal([b.flags, b.seq, b.ack], ["A", (hostSeq + 1) >>> 0, 1002]);
  assert.is(conn.state, "TIME_WAIT");
  assert.equal(reasons, ["closed"]);
  assert.is(h.stack.counters.get("tcp_duplicate_segment"), 1);
  quietAfterClose(e);
  peer.send({ seq: 1001, ack: hostSeq + 1, flags: "FA" });
  assert.is(peer.one().ack, 1002);
  h.time.advance(59_999);
  assert.is(conn.state, "TIME_WAIT", "the resent FIN restarted the timer");
  h.time.advance(1);
  assert.is(conn.state, "CLOSED");
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
  assert.equal(reasons, ["closed"]);
});
test("simultaneous close with data before both FINs, the peer's data and FIN in one segment, its ACKs in either order", () => {
  const cases: { first: number; then: number[] }[] = [{ first: 0, then: [5, 6] }, { first: 0, then: [6] }, { first: 5, then: [6] }, { first: 6, then: [6] }];
  for (const { first, then } of cases) {
    const what = `ACK +${first}, then ${then.map((n) => `+${n}`).join(", ")}`;
    const e = establish();
    const { peer, conn, hostSeq } = e;
    const reasons = closes(conn);
    let ended = 0;
    conn.events.onEnd = () => ended++;
    conn.write(bytes(5));
    conn.close();
    assert.equal(peer.take().map((s) => [s.flags, s.seq, s.payload.length]), [["PA", hostSeq, 5], ["FA", (hostSeq + 5) >>> 0, 0]], what);
    peer.send({ seq: 1001, ack: hostSeq + first, flags: "FPA", payload: bytes(7, 100) });
    assert.is(peer.one().ack, 1009, what);
    assert.is(conn.state, first === 6 ? "TIME_WAIT" : "CLOSING", what);
    assert.is(ended, 1, what);
    for (const ack of then) {
      peer.send({ seq: 1001, ack: hostSeq + ack, flags: "FPA", payload: bytes(7, 100) });
      assert.is(peer.one().ack, 1009, what);
      assert.is(conn.state, ack === 6 ? "TIME_WAIT" : "CLOSING", what);
    }
    assert.equal(reasons, ["closed"], what);
    assert.is(ended, 1, `${what}: onEnd once`);
    assert.is(toHex(conn.read()), toHex(bytes(7, 100)), `${what}: the peer's bytes once, the resent copies dropped`);
    quietAfterClose(e);
  }
});
test("passive close: the peer's FIN resent with the ACK of ours is answered in LAST_ACK, and the connection ends at once", () => {
  const e = establish();
  const { peer, conn, hostSeq, h } = e;
  const reasons = closes(conn);
  peer.send({ seq: 1001, ack: hostSeq, flags: "FA" });
  assert.is(peer.one().ack, 1002);
  assert.is(conn.state, "CLOSE_WAIT");
  conn.close();
  assert.is(peer.one().flags, "FA");
  assert.is(conn.state, "LAST_ACK");
  peer.send({ seq: 1001, ack: hostSeq + 1, flags: "FA" });
  const a = peer.one();
  assert.equal([a.flags, a.seq, a.ack], ["A", (hostSeq + 1) >>> 0, 1002], "the peer's FIN acknowledged again");
  assert.is(conn.state, "CLOSED");
  assert.equal(reasons, ["closed"]);
  assert.is(h.stack.tcp.connectionCount, 0);
  assert.is(h.time.timerCount, 0);
  quietAfterClose(e);
});
test("a FIN out of order, in a segment spanning data already held, is kept until the gap fills", () => {
  for (const end of [1601, 1701]) {
    const { peer, conn, h } = establish();
    let ended = 0;
    conn.events.onEnd = () => ended++;
    peer.send({ seq: 1401, payload: bytes(200, 400) });
    assert.is(peer.one().ack, 1001);
    peer.send({ seq: 1201, flags: "FPA", payload: bytes(end - 1201, 200) });
    assert.is(peer.one().ack, 1001, "a duplicate ACK: the gap is still there");
    assert.is(conn.state, "ESTABLISHED");
    peer.send({ seq: 1001, payload: bytes(200) });
    assert.is(peer.one().ack, end + 1, `resend ending at ${end}: all data and the FIN acknowledged`);
    assert.is(conn.state, "CLOSE_WAIT");
    assert.is(ended, 1);
    assert.is(toHex(conn.read()), toHex(bytes(end - 1001)));
    assert.is(h.stack.counters.get("tcp_out_of_order_dropped"), 0);
  }
});
test("held data the peer placed after its FIN is not delivered", () => {
  const { peer, conn } = establish();
  peer.send({ seq: 1101, payload: bytes(100, 100) });
  assert.is(peer.one().ack, 1001);
  peer.send({ seq: 1001, flags: "FPA", payload: bytes(100) });
  assert.is(peer.one().ack, 1102);
  assert.is(conn.state, "CLOSE_WAIT");
  assert.is(toHex(conn.read()), toHex(bytes(100)));
});
test("a zero window takes a FIN that follows data already received in the same segment", () => {
  const { peer, conn, h } = establish({ receiveBufferBytes: 1000 });
  peer.send({ seq: 1001, payload: bytes(1000) });
  h.time.advance(200);
  assert.is(peer.one().window, 0);
  peer.send({ seq: 1001, flags: "FPA", payload: bytes(1000) });
  const a = peer.one();
  assert.is(a.ack, 2002);
  assert.is(conn.state, "CLOSE_WAIT");
  assert.is(toHex(conn.read()), toHex(bytes(1000)));
});

test.run();
