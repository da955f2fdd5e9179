/**
 * The ECMA-419 TCP socket (io/net/tcp.ts) over a slirp-like LAN in fake time, the gateway's
 * NetStack as the peer: connect, echo 40 KB through onWritable backpressure, close from either
 * side (the peer's FIN reported after the data: onReadable, then onError once read() emptied
 * the buffer), a host name through the DNS server, a refused connect, a connect that waits for
 * DHCP, and the option errors.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNetwork, type Network } from "../../../io/net/default-network.ts";
import { TCP } from "../../../io/net/tcp.ts";
import type { TcpConnection } from "../../../stacks/net/tcp/connection.ts";
import { seededRandom } from "../../support/net/fake-time.ts";
import { GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

const STATIC = { address: OFFERED, netmask: "255.255.255.0", gateway: GATEWAY, dns: ["10.0.2.3"] };

function setup(dhcp = false): { lan: Lan; net: Network } {
  const lan = new Lan();
  const net = createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(9), ...(dhcp ? {} : { ipv4: STATIC }) });
  return { lan, net };
}

/** The gateway echoes what arrives on `port`; returns the connections it took. */
function echoServer(lan: Lan, port = 7): TcpConnection[] {
  const taken: TcpConnection[] = [];
  lan.gateway.tcpListen({
    port,
    onConnection: (c) => {
      taken.push(c);
      c.events = {
        onReadable: () => {
          const room = c.writable;
          if (room > 0) c.write(c.read(room));
        },
        onWritable: () => {
          if (c.readable > 0) c.write(c.read(c.writable));
        },
        onEnd: () => c.close(),
      };
    },
  });
  return taken;
}

function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 255);
}

test("connect, echo 40 KB through onWritable backpressure, close: callbacks get the socket as this", async () => {
  const { lan, net } = setup();
  echoServer(lan);
  const data = pattern(40_000);
  const received: number[] = [];
  let sent = 0;
  const writableCounts: number[] = [];
  let self: unknown;
  let overrun: unknown;
  const tcp = new TCP({
    address: GATEWAY,
    port: 7,
    network: net,
    onWritable(count) {
      self = this;
      writableCounts.push(count);
      if (sent === 0) {
        try {
          this.write(new Uint8Array(count + 1));
        } catch (e) {
          overrun = e;
        }
      }
      const n = Math.min(count, data.length - sent);
      if (n > 0) {
        this.write(data.subarray(sent, sent + n));
        sent += n;
      }
    },
    onReadable(count) {
      const chunk = this.read();
      assert.ok(chunk instanceof ArrayBuffer);
      assert.is(chunk.byteLength, count);
      received.push(...new Uint8Array(chunk));
    },
    onError(e) {
      assert.unreachable(`onError ${String(e)}`);
    },
  });
  assert.is(tcp.remoteAddress, GATEWAY);
  assert.is(tcp.remotePort, 7);
  assert.is(tcp.format, "buffer");
  await lan.until(() => received.length === data.length, 20_000);
  assert.is(self, tcp);
  assert.instance(overrun, Error);
  assert.match((overrun as Error).message, /exceeds the 16384 bytes onWritable allows/);
  assert.is(writableCounts[0], 16384, "the first onWritable grants the send buffer");
  assert.ok(writableCounts.length > 2, `onWritable called ${writableCounts.length} times: backpressure`);
  assert.equal(Uint8Array.from(received), data);
  // Writing more than granted at any time throws, all or nothing.
  assert.throws(() => tcp.write(new Uint8Array(16385)), /exceeds/);
  tcp.close();
  assert.throws(() => tcp.read(), /closed/);
  assert.throws(() => tcp.write(new Uint8Array(1)), /closed/);
  await lan.run(100);
  assert.is(lan.gateway.tcp.connectionCount, 0, "the peer saw FIN and closed too");
});

test("40 KB echo through the classes over a link that loses 5% and reorders 5% of frames arrives intact", async () => {
  const lan = new Lan(2, { loss: 0.05, reorder: 0.05, seed: 21 });
  const net = createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(9), ipv4: STATIC });
  echoServer(lan);
  const data = pattern(40_000);
  const received: number[] = [];
  let sent = 0;
  const tcp = new TCP({
    address: GATEWAY,
    port: 7,
    network: net,
    onWritable(count) {
      const n = Math.min(count, data.length - sent);
      if (n > 0) this.write(data.subarray(sent, sent + n));
      sent += n;
    },
    onReadable() {
      received.push(...new Uint8Array(this.read()!));
    },
    onError(e) {
      assert.unreachable(`onError ${String(e)}`);
    },
  });
  await lan.until(() => received.length === data.length, 120_000, 5);
  assert.ok(lan.stats.lost > 0 && lan.stats.reordered > 0, `lost ${lan.stats.lost}, reordered ${lan.stats.reordered}`);
  assert.equal(Uint8Array.from(received), data);
  tcp.close();
});

test("the peer's close: onReadable first, onError only once read() has taken every byte, then the socket is closed", async () => {
  const { lan, net } = setup();
  lan.gateway.tcpListen({
    port: 9,
    onConnection: (c) => {
      c.write(new TextEncoder().encode("hello, world"));
      c.close();
    },
  });
  const events: string[] = [];
  let error: Error | undefined;
  const tcp = new TCP({
    address: GATEWAY,
    port: 9,
    network: net,
    onReadable(count) {
      events.push(`readable ${count}`);
    },
    onError(e) {
      events.push("error");
      error = e;
    },
  });
  await lan.until(() => events.length > 0, 100);
  await lan.run(50);
  assert.equal(events, ["readable 12"], "no onError while data waits");
  const first = tcp.read(5);
  assert.equal(new TextDecoder().decode(first), "hello");
  await lan.run(5);
  assert.equal(events, ["readable 12"]);
  const rest = tcp.read();
  assert.equal(new TextDecoder().decode(rest), ", world");
  assert.is(tcp.read(), undefined);
  await lan.run(1);
  assert.equal(events, ["readable 12", "error"]);
  assert.match(String(error?.message), /closed by the peer/);
  assert.throws(() => tcp.read(), /closed/, "closed after onError");
  await lan.run(100);
  assert.is(net.stack.tcp.connectionCount, 0, "our FIN went and was acknowledged (LAST_ACK, then CLOSED)");
  assert.is(lan.gateway.tcp.connectionCount, 1, "the peer, which closed first, in TIME_WAIT");
});

test("after the peer's half-close, an answer written before onError (in the turn that read the request) still goes out", async () => {
  const { lan, net } = setup();
  const answers: number[] = [];
  let peerClosed = false;
  lan.gateway.tcpListen({
    port: 9,
    onConnection: (c) => {
      c.events = { onReadable: () => answers.push(...c.read()), onClose: () => (peerClosed = true) };
      c.write(new TextEncoder().encode("request"));
      c.close();
    },
  });
  let error: Error | undefined;
  const tcp = new TCP({ address: GATEWAY, port: 9, network: net, onError: (e) => (error = e) });
  // The app does not read in onReadable (it has none); by now the FIN has come too.
  await lan.run(50);
  assert.is(error, undefined);
  assert.is(new TextDecoder().decode(tcp.read()), "request");
  tcp.write(new TextEncoder().encode("answer"));
  await lan.until(() => error !== undefined && peerClosed, 100);
  assert.is(new TextDecoder().decode(Uint8Array.from(answers)), "answer");
  assert.match(error!.message, /closed by the peer/);
});

test("a host name is resolved through the network's DNS server", async () => {
  const { lan, net } = setup();
  lan.names.set("echo.test", GATEWAY);
  echoServer(lan);
  let got = "";
  const tcp = new TCP({
    host: "echo.test",
    port: 7,
    network: net,
    onWritable() {
      if (got === "") this.write(new TextEncoder().encode("ping"));
    },
    onReadable() {
      got += new TextDecoder().decode(this.read());
    },
  });
  assert.is(tcp.remoteAddress, undefined, "not known before the answer");
  await lan.until(() => got === "ping", 500);
  assert.is(tcp.remoteAddress, GATEWAY);
  assert.is(lan.dnsQueries, 1);
  tcp.close();
});

test("a DNS failure and a refused connect (RST) are onError, and the socket closes", async () => {
  const { lan, net } = setup();
  const errors: string[] = [];
  const onError = function (this: TCP, e?: Error): void {
    errors.push(String(e?.message));
  };
  new TCP({ host: "nowhere.test", port: 80, network: net, onError });
  await lan.until(() => errors.length === 1, 500);
  assert.match(errors[0], /cannot connect to nowhere.test:80: .*NXDOMAIN/);
  const refused = new TCP({ address: GATEWAY, port: 81, network: net, onError });
  await lan.until(() => errors.length === 2, 500);
  assert.match(errors[1], /refused/);
  assert.throws(() => refused.write(new Uint8Array(1)), /closed/);
  assert.is(net.stack.tcp.connectionCount, 0);
});

test("the peer's reset is onError", async () => {
  const { lan, net } = setup();
  const taken = echoServer(lan);
  let error: Error | undefined;
  let connected = false;
  new TCP({
    address: GATEWAY,
    port: 7,
    network: net,
    onWritable() {
      connected = true;
    },
    onError(e) {
      error = e;
    },
  });
  await lan.until(() => connected && taken.length === 1, 100);
  taken[0].abort();
  await lan.until(() => error !== undefined, 100);
  assert.match(error!.message, /reset by the peer/);
});

test("while DHCP runs, a connect waits for ready, then goes", async () => {
  const { lan, net } = setup(true);
  echoServer(lan);
  assert.is(net.configured, false);
  let writable = 0;
  const tcp = new TCP({
    address: GATEWAY,
    port: 7,
    network: net,
    onWritable(count) {
      writable = count;
    },
  });
  assert.throws(() => tcp.write(new Uint8Array(1)), /not connected yet/);
  await lan.until(() => writable > 0, 200);
  assert.ok(net.configured);
  tcp.close();
});

test("nodelay turns Nagle's algorithm off: two small writes leave at once", async () => {
  for (const nodelay of [false, true]) {
    const { lan, net } = setup();
    const got: number[] = [];
    lan.gateway.tcpListen({
      port: 7,
      onConnection: (c) => {
        c.events = { onReadable: () => got.push(...c.read()) };
      },
    });
    let ready = false;
    const tcp = new TCP({ address: GATEWAY, port: 7, nodelay, network: net, onWritable: () => (ready = true) });
    await lan.until(() => ready, 100);
    await lan.run(2);
    tcp.write(Uint8Array.of(1));
    tcp.write(Uint8Array.of(2));
    await lan.run(1);
    assert.equal(got, nodelay ? [1, 2] : [1], `nodelay ${nodelay}`);
    tcp.close();
  }
});

test("option errors: TypeError or RangeError naming the option", () => {
  const { net } = setup();
  const cases: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{ port: 7 }, TypeError, /either address or host \(neither/],
    [{ address: GATEWAY, host: "x.test", port: 7 }, TypeError, /either address or host \(both/],
    [{ address: GATEWAY }, TypeError, /port is required/],
    [{ address: GATEWAY, port: 0 }, RangeError, /port must be an integer 1..65535/],
    [{ address: GATEWAY, port: 70000 }, RangeError, /port/],
    [{ address: GATEWAY, port: "7" }, TypeError, /port must be a number/],
    [{ address: "10.0.2", port: 7 }, RangeError, /address is not an IPv4 address/],
    [{ address: 10, port: 7 }, TypeError, /address must be a dotted-quad string/],
    [{ address: "255.255.255.255", port: 7 }, RangeError, /unicast/],
    [{ host: "", port: 7 }, TypeError, /host/],
    [{ address: GATEWAY, port: 7, format: "number" }, RangeError, /format "number" is not supported/],
    [{ address: GATEWAY, port: 7, onReadable: 5 }, TypeError, /onReadable must be a function/],
    [{ address: GATEWAY, port: 7, onWritable: "x" }, TypeError, /onWritable/],
    [{ address: GATEWAY, port: 7, onError: {} }, TypeError, /onError/],
    [{ address: GATEWAY, port: 7, nodelay: 1 }, TypeError, /nodelay must be a boolean/],
    [{ address: GATEWAY, port: 7, keepalive: 1000 }, TypeError, /unknown option "keepalive"/],
    [{ from: {} }, TypeError, /from must be a TCP socket/],
    [{ from: {}, port: 7 }, TypeError, /no address, host or port/],
    [{ address: GATEWAY, port: 7, network: {} }, TypeError, /network must be a Network/],
    [{ from: {}, network: net }, TypeError, /no network with it/],
  ];
  for (const [options, type, message] of cases) {
    try {
      new TCP(("from" in options ? options : { network: net, ...options }) as never);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (e) {
      assert.instance(e, type, `${JSON.stringify(options)}: ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  }
  assert.is(net.stack.tcp.connectionCount, 0, "nothing opened");
  const tcp = new TCP({ address: GATEWAY, port: 7, network: net });
  assert.throws(() => (tcp.format = "number" as never), RangeError);
  assert.throws(() => tcp.read(-1), RangeError);
  assert.throws(() => tcp.write("text" as never), TypeError);
  tcp.close();
});

test("callbacks on a subclass's prototype are used; options win over them", async () => {
  const { lan, net } = setup();
  echoServer(lan);
  const seen: string[] = [];
  class Echo extends TCP {
    onWritable(this: TCP): void {
      seen.push("prototype writable");
      this.close();
    }
  }
  new Echo({ address: GATEWAY, port: 7, network: net });
  new Echo({
    address: GATEWAY,
    port: 7,
    network: net,
    onWritable() {
      seen.push("option writable");
      this.close();
    },
  });
  await lan.until(() => seen.length === 2, 100);
  assert.equal(seen.sort(), ["option writable", "prototype writable"]);
});

test.run();
