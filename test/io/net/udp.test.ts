/**
 * The ECMA-419 UDP socket (io/net/udp.ts) over a slirp-like LAN in fake time, the gateway's
 * NetStack as the peer: datagrams both ways, read() with the sender's `address` and `port`,
 * both write() argument orders, the argument checks, the receive queue bound, and binding while
 * DHCP runs.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNetwork, type Network } from "../../../io/net/default-network.ts";
import { MAX_QUEUED, UDP } from "../../../io/net/udp.ts";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import type { UdpMessage } from "../../../stacks/net/udp.ts";
import { seededRandom } from "../../support/net/fake-time.ts";
import { mac } from "../../support/net/frames.ts";
import { CLIENT_MAC, GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

function setup(dhcp = false): { lan: Lan; net: Network } {
  const lan = new Lan();
  const ipv4 = { address: OFFERED, netmask: "255.255.255.0", gateway: GATEWAY };
  const net = createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(6), ...(dhcp ? {} : { ipv4 }) });
  return { lan, net };
}

const text = (s: string) => new TextEncoder().encode(s);

test("datagrams both ways: read() is an ArrayBuffer with the sender's address and port; write() in both orders", async () => {
  const { lan, net } = setup();
  const counts: number[] = [];
  let self: unknown;
  const udp = new UDP({
    port: 5000,
    network: net,
    onReadable(count) {
      self = this;
      counts.push(count);
    },
  });
  assert.is(udp.port, 5000);
  assert.is(udp.format, "buffer");
  const answers: UdpMessage[] = [];
  const peer = lan.gateway.udpBind({ port: 6000, onMessage: (m) => answers.push(m) });
  peer.send(parseIpv4(OFFERED), 5000, text("one"));
  peer.send(parseIpv4(OFFERED), 5000, text("two!"));
  await lan.until(() => counts.length === 2, 100);
  assert.is(self, udp);
  assert.equal(counts, [1, 2], "the datagrams waiting");
  const first = udp.read()!;
  assert.instance(first, ArrayBuffer);
  assert.is(new TextDecoder().decode(first), "one");
  assert.is(first.address, GATEWAY);
  assert.is(first.port, 6000);
  assert.ok(Object.prototype.hasOwnProperty.call(first, "address") && Object.prototype.hasOwnProperty.call(first, "port"), "own properties");
  const second = udp.read()!;
  assert.is(second.byteLength, 4);
  assert.is(udp.read(), undefined);
  udp.write(first, first.address, first.port);
  udp.write(GATEWAY, 6000, new Uint8Array([1, 2, 3]));
  await lan.until(() => answers.length === 2, 100);
  assert.is(new TextDecoder().decode(answers[0].data), "one");
  assert.is(answers[0].address, parseIpv4(OFFERED));
  assert.is(answers[0].port, 5000);
  assert.equal(Array.from(answers[1].data), [1, 2, 3]);
  udp.close();
  assert.throws(() => udp.read(), /closed/);
  assert.throws(() => udp.write(first, GATEWAY, 6000), /closed/);
  // The port is free again.
  lan.time.advance(1);
  new UDP({ port: 5000, network: net }).close();
});

test("a socket without a port gets a dynamic one; a port bound twice is an Error", () => {
  const { net } = setup();
  const a = new UDP({ network: net });
  assert.ok(a.port >= 49152 && a.port <= 65535, `port ${a.port}`);
  const b = new UDP({ port: 7, network: net });
  assert.throws(() => new UDP({ port: 7, network: net }), /already bound/);
  a.close();
  b.close();
});

test("write() checks its arguments", () => {
  const { net } = setup();
  const udp = new UDP({ network: net });
  const data = new Uint8Array(4);
  const cases: [() => void, ErrorConstructor, RegExp][] = [
    [() => udp.write("text" as never, GATEWAY, 7), TypeError, /data must be an ArrayBuffer/],
    [() => udp.write(data, undefined as never, 7), TypeError, /needs the destination address/],
    [() => udp.write(data, GATEWAY, undefined as never), TypeError, /needs the destination port/],
    [() => udp.write(data, "10.0.2", 7), RangeError, /address is not an IPv4 address/],
    [() => udp.write(data, 167772674 as never, 7), TypeError, /address must be a dotted-quad string/],
    [() => udp.write(data, GATEWAY, 0), RangeError, /port must be an integer 1..65535/],
    [() => udp.write(data, GATEWAY, 65536), RangeError, /port/],
    [() => udp.write(data, GATEWAY, "7" as never), TypeError, /port must be a number/],
    [() => udp.write(data, "0.0.0.0", 7), RangeError, /not a destination/],
    [() => udp.write(new Uint8Array(1473), GATEWAY, 7), RangeError, /exceeds 1472/],
  ];
  for (const [call, type, message] of cases) {
    try {
      call();
      assert.unreachable(`accepted ${call.toString()}`);
    } catch (e) {
      assert.instance(e, type, `${call.toString()}: ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  }
  udp.close();
});

test("at most MAX_QUEUED datagrams wait; more are dropped and counted", async () => {
  const { lan, net } = setup();
  const udp = new UDP({ port: 5000, network: net });
  const peer = lan.gateway.udpBind({});
  // ARP holds 4 frames per unresolved address: resolve ours first.
  lan.gateway.arp.addStatic(parseIpv4(OFFERED), Uint8Array.from(mac(CLIENT_MAC)));
  for (let i = 0; i < MAX_QUEUED + 3; i++) peer.send(parseIpv4(OFFERED), 5000, Uint8Array.of(i));
  await lan.run(10);
  assert.is(udp.dropped, 3);
  const got: number[] = [];
  for (let p = udp.read(); p; p = udp.read()) got.push(new Uint8Array(p)[0]);
  assert.equal(got, Array.from({ length: MAX_QUEUED }, (_, i) => i), "the first ones, in order");
});

test("a UDP socket binds at once while DHCP runs; unicast before an address is an Error, broadcast is not", async () => {
  const { lan, net } = setup(true);
  const udp = new UDP({ port: 5000, network: net });
  assert.throws(() => udp.write(text("x"), GATEWAY, 9), /no address yet/);
  udp.write(text("x"), "255.255.255.255", 9);
  await lan.until(() => net.configured, 100);
  const got: UdpMessage[] = [];
  lan.gateway.udpBind({ port: 9, onMessage: (m) => got.push(m) });
  udp.write(text("now"), GATEWAY, 9);
  await lan.until(() => got.length === 1, 100);
  udp.close();
});

test("option errors name the option", () => {
  const { net } = setup();
  const cases: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{ port: -1 }, RangeError, /port must be an integer 0..65535/],
    [{ port: 1.5 }, RangeError, /port/],
    [{ port: "53" }, TypeError, /port must be a number/],
    [{ address: "10.0.2.99" }, RangeError, /not this network's/],
    [{ format: "number" }, RangeError, /format "number" is not supported/],
    [{ onReadable: true }, TypeError, /onReadable must be a function/],
    [{ onError: 1 }, TypeError, /onError must be a function/],
    [{ multicast: "239.0.0.1", timeToLive: 1 }, TypeError, /multicast is not supported/],
    [{ broadcast: true }, TypeError, /unknown option "broadcast"/],
  ];
  for (const [options, type, message] of cases) {
    try {
      new UDP({ network: net, ...options } as never);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (e) {
      assert.instance(e, type, `${JSON.stringify(options)}: ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  }
  new UDP({ port: 5001, address: OFFERED, network: net }).close();
  new UDP({ port: 5001, address: "0.0.0.0", network: net }).close();
});

test.run();
