/**
 * The ECMA-419 Listener (io/net/listener.ts) and TCP({ from }) over a slirp-like LAN in fake
 * time: the gateway's NetStack connects in; onReadable counts waiting connections; read() gives
 * a socket that `from` takes (the original closed, data that came before told at once); the
 * backlog bound; close(); option errors.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNetwork, type Network } from "../../../io/net/default-network.ts";
import { Listener, MAX_WAITING } from "../../../io/net/listener.ts";
import { TCP } from "../../../io/net/tcp.ts";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import type { TcpCloseReason, TcpConnection } from "../../../stacks/net/tcp/connection.ts";
import { seededRandom } from "../../support/net/fake-time.ts";
import { GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

function setup(dhcp = false): { lan: Lan; net: Network } {
  const lan = new Lan();
  const ipv4 = { address: OFFERED, netmask: "255.255.255.0", gateway: GATEWAY };
  const net = createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(4), ...(dhcp ? {} : { ipv4 }) });
  return { lan, net };
}

/** A connection from the gateway to the host's `port`, with what it hears. */
function dial(lan: Lan, port: number): { conn: TcpConnection; data: number[]; closed: TcpCloseReason[]; ended: boolean } {
  const conn = lan.gateway.tcpConnect({ address: parseIpv4(OFFERED), port });
  const out = { conn, data: [] as number[], closed: [] as TcpCloseReason[], ended: false };
  conn.events = {
    onReadable: () => out.data.push(...conn.read()),
    onEnd: () => {
      out.ended = true;
    },
    onClose: (r) => out.closed.push(r),
  };
  return out;
}

test("Listener + TCP({ from }): an echo; onReadable counts waiting connections; the original socket is closed", async () => {
  const { lan, net } = setup();
  const counts: number[] = [];
  let self: unknown;
  const listener = new Listener({
    port: 80,
    network: net,
    onReadable(count) {
      self = this;
      counts.push(count);
    },
  });
  assert.is(listener.format, "socket/tcp");
  assert.is(listener.port, 80);
  const peer = dial(lan, 80);
  await lan.until(() => counts.length === 1, 100);
  assert.is(self, listener);
  assert.equal(counts, [1]);
  const from = listener.read();
  assert.instance(from, TCP);
  assert.is(listener.read(), undefined);
  assert.is(from!.remoteAddress, GATEWAY);
  const accepted = new TCP({
    from,
    onReadable() {
      const data = this.read();
      if (data) this.write(data);
    },
  });
  assert.throws(() => from!.read(), /closed/, "from is closed once taken");
  assert.throws(() => new TCP({ from }), /from is closed/);
  assert.is(accepted.remotePort, peer.conn.localPort);
  peer.conn.write(new TextEncoder().encode("hello"));
  await lan.until(() => peer.data.length === 5, 100);
  assert.is(new TextDecoder().decode(Uint8Array.from(peer.data)), "hello");
  listener.close();
  accepted.close();
  await lan.until(() => peer.ended, 100);
});

test("what arrived while the socket waited is told after `from` takes it: onReadable, onWritable, then the peer's close", async () => {
  const { lan, net } = setup();
  const listener = new Listener({ port: 80, network: net });
  const peer = dial(lan, 80);
  await lan.run(10);
  peer.conn.write(new TextEncoder().encode("early"));
  peer.conn.close();
  await lan.run(50);
  const events: string[] = [];
  const accepted = new TCP({
    from: listener.read(),
    nodelay: true,
    onReadable(count) {
      events.push(`readable ${count}`);
      this.read();
    },
    onWritable(count) {
      events.push(`writable ${count}`);
    },
    onError(e) {
      events.push(`error ${String(e?.message)}`);
    },
  });
  assert.equal(events, [], "nothing inside the constructor");
  await lan.run(1);
  assert.equal(events.slice(0, 1), ["readable 5"]);
  await lan.run(2);
  // The peer only half-closed: an answer can still be written until onError.
  assert.is(events.length, 3);
  assert.is(events[1], "writable 16384");
  assert.match(events[2], /error TCP: connection to 10.0.2.2:\d+ closed by the peer/);
  assert.throws(() => accepted.read(), /closed/);
  listener.close();
});

test("nodelay: `from` can turn Nagle's algorithm off on an accepted connection (two small writes leave at once)", async () => {
  for (const nodelay of [false, true]) {
    const { lan, net } = setup();
    const listener = new Listener({ port: 80, network: net });
    const peer = dial(lan, 80);
    await lan.run(10);
    const accepted = new TCP({ from: listener.read(), nodelay });
    await lan.run(1);
    accepted.write(Uint8Array.of(1));
    accepted.write(Uint8Array.of(2));
    await lan.run(1);
    // With Nagle the second byte waits for the first one's ACK, which the peer delays.
    assert.equal(peer.data, nodelay ? [1, 2] : [1], `nodelay ${nodelay}`);
    listener.close();
  }
});

test("at most MAX_WAITING connections wait to be read; the next one is reset and counted", async () => {
  const { lan, net } = setup();
  const listener = new Listener({ port: 80, network: net });
  const peers = Array.from({ length: MAX_WAITING + 1 }, () => dial(lan, 80));
  // Eight SYNs fill the stack's half-open slots; the ninth comes again after its RTO (1 s).
  await lan.run(1500, 10);
  assert.is(listener.refused, 1);
  // Which one comes last depends on ARP and retransmission order: one is reset, the rest wait.
  const reset = peers.filter((p) => p.closed.length > 0);
  assert.is(reset.length, 1);
  assert.equal(reset[0].closed, ["reset"]);
  // close() closes what nobody took.
  listener.close();
  await lan.run(50);
  assert.ok(peers.filter((p) => p !== reset[0]).every((p) => p.ended));
  assert.throws(() => listener.read(), /closed/);
  const late = dial(lan, 80);
  await lan.run(50);
  assert.equal(late.closed, ["refused"], "nobody listens after close()");
});

test("a Listener binds at once while DHCP runs", async () => {
  const { lan, net } = setup(true);
  let count = 0;
  const listener = new Listener({ port: 8080, network: net, onReadable: (n) => (count = n) });
  await lan.until(() => net.configured, 100);
  dial(lan, 8080);
  await lan.until(() => count === 1, 100);
  listener.close();
});

test("option errors name the option; a port already listening is an Error", () => {
  const { net } = setup();
  const cases: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{}, TypeError, /port is required/],
    [{ port: 0 }, RangeError, /port must be an integer 1..65535/],
    [{ port: "80" }, TypeError, /port must be a number/],
    [{ port: 80, address: "10.0.2.99" }, RangeError, /address 10.0.2.99 is not this network's/],
    [{ port: 80, address: "x" }, RangeError, /address/],
    [{ port: 80, format: "buffer" }, RangeError, /format must be "socket\/tcp"/],
    [{ port: 80, onReadable: 1 }, TypeError, /onReadable must be a function/],
    [{ port: 80, backlog: 4 }, TypeError, /unknown option "backlog"/],
    [{ port: 80, nodelay: "yes" }, TypeError, /nodelay/],
  ];
  for (const [options, type, message] of cases) {
    try {
      new Listener({ network: net, ...options } as never);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (e) {
      assert.instance(e, type, `${JSON.stringify(options)}: ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  }
  const a = new Listener({ port: 80, address: OFFERED, network: net });
  assert.throws(() => new Listener({ port: 80, address: "0.0.0.0", network: net }), /already listening/);
  a.close();
  new Listener({ port: 80, network: net }).close();
});

test.run();
