import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CounterName } from "../../../stacks/net/counters.ts";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { NetStack } from "../../../stacks/net/stack.ts";
import type { TcpConnection } from "../../../stacks/net/tcp/connection.ts";
import { FakeNic } from "../../support/net/fake-nic.ts";
import { FakeTime, seededRandom } from "../../support/net/fake-time.ts";
import { decode, mac } from "../../support/net/frames.ts";
import { makeHost } from "../../support/net/host.ts";
import { LossyLink, type LinkOptions } from "../../support/net/link.ts";

const MiB = 1024 * 1024;

function pattern(n: number, seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = rnd();
    out[i] = v & 255;
    out[i + 1] = (v >>> 8) & 255;
    out[i + 2] = (v >>> 16) & 255;
    out[i + 3] = v >>> 24;
  }
  return out;
}

const sha256 = (chunks: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
};

/** Writes `data` as fast as the send buffer takes it, then closes. */
function pump(conn: TcpConnection, data: Uint8Array): void {
  let offset = 0;
  const more = () => {
    while (offset < data.length) {
      const n = conn.write(data.subarray(offset, Math.min(data.length, offset + 8192)));
      if (n === 0) return;
      offset += n;
    }
    conn.events.onWritable = undefined;
    conn.close();
  };
  conn.events.onWritable = more;
  more();
}

/** Collects everything received until the peer's FIN. */
function collect(conn: TcpConnection): { chunks: Uint8Array[]; ended: boolean; bytes: number } {
  const r = { chunks: [] as Uint8Array[], ended: false, bytes: 0 };
  conn.events.onReadable = () => {
    const c = conn.read();
    r.chunks.push(c);
    r.bytes += c.length;
  };
  conn.events.onEnd = () => (r.ended = true);
  return r;
}

function pair(link: LinkOptions) {
  const time = new FakeTime();
  const nicA = new FakeNic(Uint8Array.from(mac("02:00:00:00:00:0a")));
  const nicB = new FakeNic(Uint8Array.from(mac("02:00:00:00:00:0b")));
  const wire = new LossyLink(time, nicA, nicB, link);
  const common = { clock: time, timers: time, tcp: { timeWaitMs: 10_000 } };
  const a = new NetStack({ ...common, nic: nicA, random: seededRandom(1), ipv4: { address: "10.0.0.1", netmask: "255.255.255.0" } });
  const b = new NetStack({ ...common, nic: nicB, random: seededRandom(2), ipv4: { address: "10.0.0.2", netmask: "255.255.255.0" } });
  return { time, a, b, wire };
}

function transfer(link: LinkOptions) {
  const { time, a, b, wire } = pair(link);
  const up = pattern(MiB, 11);
  const down = pattern(MiB, 12);
  let server: { chunks: Uint8Array[]; ended: boolean; bytes: number } | null = null;
  let serverConn: TcpConnection | null = null;
  b.tcpListen({
    port: 5001,
    onConnection: (c) => {
      serverConn = c;
      server = collect(c);
      pump(c, down);
    },
  });
  const client = a.tcpConnect({ address: parseIpv4("10.0.0.2"), port: 5001 });
  const got = collect(client);
  client.events.onConnect = () => pump(client, up);
  time.runUntil(() => got.ended && server !== null && server.ended, 3_600_000);
  return { time, a, b, wire, up, down, got, server: server!, client, serverConn: serverConn! };
}

test("1 MiB each way at once over a link losing 5 %, reordering and duplicating: SHA-256 intact", () => {
  const r = transfer({ loss: 0.05, reorder: 0.05, duplicate: 0.01, delayMs: 2, seed: 42 });
  assert.is(r.server.bytes, MiB);
  assert.is(r.got.bytes, MiB);
  assert.is(sha256(r.server.chunks), sha256([r.up]));
  assert.is(sha256(r.got.chunks), sha256([r.down]));
  // The link really was hostile, and the stack really recovered.
  assert.ok(r.wire.stats.lost > 50, `lost ${r.wire.stats.lost}`);
  assert.ok(r.wire.stats.reordered > 50);
  const counters = [r.a.counters, r.b.counters];
  const sum = (name: CounterName) => counters.reduce((n, c) => n + c.get(name), 0);
  assert.ok(sum("tcp_retransmitted_segments") > 50);
  assert.ok(sum("tcp_fast_retransmit") > 0, "fast retransmit used");
  assert.ok(sum("tcp_out_of_order_queued") > 0);
  // Both sides close; after TIME_WAIT nothing is held and no timer is left.
  r.time.advance(120_000);
  assert.is(r.client.state, "CLOSED");
  assert.is(r.serverConn.state, "CLOSED");
  assert.is(r.a.tcp.connectionCount, 0);
  assert.is(r.b.tcp.connectionCount, 0);
  assert.is(r.time.timerCount, 0);
});

test("the same transfer on a clean link needs no retransmission", () => {
  const r = transfer({ loss: 0, reorder: 0, duplicate: 0, delayMs: 2, seed: 1 });
  assert.is(sha256(r.server.chunks), sha256([r.up]));
  assert.is(sha256(r.got.chunks), sha256([r.down]));
  assert.is(r.a.counters.get("tcp_retransmitted_segments") + r.b.counters.get("tcp_retransmitted_segments"), 0);
});

test("ping between the two stacks (ARP resolved on the way) and UDP both ways", async () => {
  const { time, a, b } = pair({ loss: 0, reorder: 0, duplicate: 0, delayMs: 3, seed: 1 });
  const rtt = a.ping("10.0.0.2");
  time.advance(100);
  assert.is(await rtt, 12, "ARP request and reply, echo request and reply: 4 x 3 ms");
  const got: string[] = [];
  const sb = b.udpBind({ port: 7, onMessage: (m) => sb.send(m.address, m.port, m.data) });
  const sa = a.udpBind({ onMessage: (m) => got.push(new TextDecoder().decode(m.data)) });
  sa.send(parseIpv4("10.0.0.2"), 7, new TextEncoder().encode("hello"));
  time.advance(100);
  assert.equal(got, ["hello"]);
});

test("configure() checks its input; the stack refuses a bad NIC", () => {
  const h = makeHost();
  assert.throws(() => h.stack.configure({ address: "10.0.2.15", netmask: "255.0.255.0" }), /not contiguous/);
  assert.throws(() => h.stack.configure({ address: "10.0.2.15", netmask: "255.255.255.0", gateway: "10.0.3.1" }), /not on the subnet/);
  assert.throws(() => h.stack.configure({ address: "10.0.2", netmask: "255.255.255.0" }), /not an IPv4 address/);
  assert.throws(() => h.stack.configure({ address: -1, netmask: 0 }), /must be an IPv4 address/);
  const time = new FakeTime();
  assert.throws(() => new NetStack({ nic: new FakeNic(new Uint8Array(5)), clock: time, timers: time, random: () => 0 }), /6 bytes/);
  assert.throws(() => new NetStack({ nic: new FakeNic(new Uint8Array(6), 100), clock: time, timers: time, random: () => 0 }), /MTU/);
});

test("no route, no address, link down: counted, nothing sent", () => {
  const h = makeHost({ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0" } });
  const s = h.stack.udpBind();
  s.send(parseIpv4("8.8.8.8"), 53, new Uint8Array(4));
  assert.is(h.stack.counters.get("tx_no_route"), 1);
  h.nic.setLink(false);
  s.send(parseIpv4("10.0.2.255"), 53, new Uint8Array(4));
  assert.is(h.stack.counters.get("tx_link_down"), 1);
  assert.is(h.nic.sent.length, 0);
  const u = makeHost({ ipv4: undefined });
  u.stack.udpBind().send(parseIpv4("10.0.2.2"), 53, new Uint8Array(4));
  assert.is(u.stack.counters.get("tx_unconfigured"), 1);
  // Unconfigured, a limited broadcast still goes out (what a DHCP client sends), from 0.0.0.0.
  u.stack.udpBind({ port: 68 }).send(0xffffffff, 67, new Uint8Array(4));
  const d = decode(u.nic.take()[0]);
  assert.is(d.dst, "ff:ff:ff:ff:ff:ff");
  assert.is(d.ip?.src, "0.0.0.0");
});

test.run();
