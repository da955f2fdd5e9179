/**
 * The whole stack of stacks/net/ (stack.ts with dhcp/, icmp.ts, udp.ts and tcp/) against a real
 * peer: QEMU's slirp, run with no guest (test/support/net/slirp-peer.ts), over a hop that drops
 * 5 % of the frames and holds another 5 % back behind later ones, both ways, from a fixed seed.
 * DHCP, ping, 1 MiB each way over TCP to a Node server on 127.0.0.1 (10.0.2.2 from slirp's
 * side), UDP to a Node socket. Nothing external is resolved: the test needs no internet.
 * Real time: the stack's clock and timers are Node's, its randomness node:crypto's.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash, randomBytes } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { formatIpv4, parseIpv4 } from "../../stacks/net/address.ts";
import { DhcpClient, type DhcpLease } from "../../stacks/net/dhcp/client.ts";
import { NetStack } from "../../stacks/net/stack.ts";
import type { TcpCloseReason } from "../../stacks/net/tcp/connection.ts";
import type { UdpMessage } from "../../stacks/net/udp.ts";
import { SlirpPeer } from "../support/net/slirp-peer.ts";

const MIB = 1 << 20;
const GATEWAY = "10.0.2.2";
const LOCALHOST = "127.0.0.1";

interface Rig {
  peer: SlirpPeer;
  stack: NetStack;
  dhcp: DhcpClient;
  lease: DhcpLease;
}

let started: Promise<Rig> | null = null;

/**
 * One QEMU and one stack for the whole file, started by the first test that needs them (a hook
 * that throws would end uvu's run: a failed start fails each test instead, with its message).
 */
function rig(): Promise<Rig> {
  started ??= (async () => {
    const peer = await SlirpPeer.start({ timeoutS: 150, impairment: { loss: 0.05, reorder: 0.05, maxOvertakers: 3, maxHoldMs: 20, seed: 15 } });
    const stack = new NetStack({
      nic: peer.nic,
      clock: { now: () => Date.now() },
      // Unreferenced: a timer still pending at the end (DHCP's renewal) does not keep Node up; the
      // peer's socket keeps the event loop alive while the test runs.
      timers: { set: (ms, cb) => setTimeout(cb, ms).unref(), clear: (h) => clearTimeout(h as NodeJS.Timeout) },
      random: () => randomBytes(4).readUInt32BE(0),
      tcp: { timeWaitMs: 1000 },
    });
    const dhcp = new DhcpClient(stack, { hostname: "tsmetal" });
    dhcp.start();
    // DISCOVER/REQUEST are retransmitted after 4, 8 … s (±1 s) when the hop drops them.
    try {
      const lease = await peer.within(dhcp.ready({ timeoutMs: 40_000 }), 45_000, "DHCP lease from slirp");
      return { peer, stack, dhcp, lease };
    } catch (e) {
      dhcp.stop();
      await peer.stop();
      throw e;
    }
  })();
  return started;
}

const sha256 = (b: Uint8Array | Buffer): string => createHash("sha256").update(b).digest("hex");

/** A Node TCP server on 127.0.0.1, on a free port, handling one connection. */
async function server(handle: (s: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer((s) => {
    srv.close();
    handle(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, LOCALHOST, resolve));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

test("the stack takes its address from slirp's DHCP server through the impaired hop", async () => {
  const { stack, lease } = await rig();
  assert.is(formatIpv4(lease.address), "10.0.2.15");
  assert.is(formatIpv4(lease.netmask), "255.255.255.0");
  assert.is(formatIpv4(lease.gateway), GATEWAY);
  assert.equal(lease.dns.map(formatIpv4), ["10.0.2.3"]);
  assert.is(stack.ipv4.address, lease.address);
});

test("ping 10.0.2.2", async () => {
  const { peer, stack } = await rig();
  // 5 % loss each way loses about one echo in ten: a few tries.
  let rtt: number | null = null;
  const errors: string[] = [];
  for (let i = 0; i < 6 && rtt === null; i++) {
    try {
      rtt = await peer.within(stack.ping(GATEWAY, { timeoutMs: 1000 }), 2000, "ping");
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  assert.ok(rtt !== null && rtt >= 0, `no echo reply from ${GATEWAY}: ${errors.join("; ")}`);
});

test("1 MiB upload to a host TCP server arrives intact", async () => {
  const { peer, stack } = await rig();
  const data = randomBytes(MIB);
  let got: (v: { bytes: number; hash: string }) => void;
  const received = new Promise<{ bytes: number; hash: string }>((resolve) => (got = resolve));
  const srv = await server((s) => {
    const h = createHash("sha256");
    let bytes = 0;
    s.on("data", (d: Buffer) => {
      bytes += d.length;
      h.update(d);
    });
    s.on("end", () => {
      got({ bytes, hash: h.digest("hex") });
      s.end();
    });
  });
  try {
    const conn = stack.tcpConnect({ address: parseIpv4(GATEWAY), port: srv.port });
    let sent = 0;
    let finished = false;
    const pump = () => {
      while (!finished && sent < data.length) {
        const n = conn.write(data.subarray(sent, sent + 8192));
        if (n === 0) return;
        sent += n;
      }
      if (!finished) {
        finished = true;
        conn.close();
      }
    };
    const closed = new Promise<TcpCloseReason>((resolve) => {
      conn.events = { onConnect: pump, onWritable: pump, onReadable: () => conn.read(), onClose: resolve };
    });
    const r = await peer.within(received, 60_000, "1 MiB upload");
    assert.is(r.bytes, MIB);
    assert.is(r.hash, sha256(data));
    assert.is(await peer.within(closed, 15_000, "upload connection close"), "closed");
  } finally {
    srv.close();
  }
});

test("1 MiB download from a host TCP server arrives intact", async () => {
  const { peer, stack } = await rig();
  const data = randomBytes(MIB);
  const srv = await server((s) => s.end(data));
  try {
    const conn = stack.tcpConnect({ address: parseIpv4(GATEWAY), port: srv.port });
    const h = createHash("sha256");
    let bytes = 0;
    const ended = new Promise<void>((resolve) => {
      conn.events = {
        onReadable: () => {
          const d = conn.read();
          bytes += d.length;
          h.update(d);
        },
        onEnd: () => {
          conn.close();
          resolve();
        },
      };
    });
    await peer.within(ended, 60_000, "1 MiB download");
    assert.is(bytes, MIB);
    assert.is(h.digest("hex"), sha256(data));
  } finally {
    srv.close();
  }
});

test("UDP through slirp to a host socket and back", async () => {
  const { peer, stack } = await rig();
  const host = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => host.bind(0, LOCALHOST, resolve));
  const heard: Buffer[] = [];
  host.on("message", (m, from) => {
    heard.push(m);
    host.send(Buffer.concat([Buffer.from("echo:"), m]), from.port, from.address);
  });
  let answered: (m: UdpMessage) => void;
  const answer = new Promise<UdpMessage>((resolve) => (answered = resolve));
  const sock = stack.udpBind({ onMessage: (m) => answered(m) });
  const payload = randomBytes(1000);
  // Lost datagrams are not retransmitted by UDP: send again until an answer comes.
  const resend = setInterval(() => sock.send(parseIpv4(GATEWAY), host.address().port, payload), 250);
  sock.send(parseIpv4(GATEWAY), host.address().port, payload);
  try {
    const m = await peer.within(answer, 10_000, "UDP echo");
    assert.ok(heard.length > 0 && heard.every((d) => d.equals(payload)), "the host socket got the datagram intact");
    assert.is(formatIpv4(m.address), GATEWAY);
    assert.is(m.port, host.address().port);
    assert.is(Buffer.from(m.data).toString("hex"), Buffer.concat([Buffer.from("echo:"), payload]).toString("hex"));
  } finally {
    clearInterval(resend);
    sock.close();
    host.close();
  }
});

test("the hop really dropped and reordered, the stack retransmitted, and no checksum failed", async () => {
  const { peer, stack } = await rig();
  const c = stack.counters;
  for (const imp of [peer.toSlirp!, peer.fromSlirp!]) {
    assert.ok(imp.stats.dropped > 0 && imp.stats.overtaken > 0, `impairment acted: ${JSON.stringify(imp.stats)}`);
  }
  const counters = JSON.stringify(c.snapshot());
  assert.ok(c.get("tcp_retransmitted_segments") > 0, `the stack retransmitted (upload): ${counters}`);
  assert.ok(c.get("tcp_out_of_order_queued") > 0, `the stack queued out-of-order segments (download): ${counters}`);
  for (const name of ["ipv4_bad_checksum", "icmp_bad_checksum", "udp_bad_checksum", "tcp_bad_checksum"] as const) {
    assert.is(c.get(name), 0, `${name}: ${counters}`);
  }
});

test.after(async () => {
  const r = await started?.catch(() => null);
  if (!r) return;
  r.dhcp.stop();
  await r.peer.stop();
});

test.run();
