/**
 * io/net/default-network.ts over a slirp-like LAN in fake time (test/support/net/lan.ts): DHCP
 * configures the network and `ready` resolves with slirp's addresses, which follow a renewal;
 * a static configuration is ready at once; no DHCP server makes `ready` reject after
 * dhcpTimeoutMs; resolve() asks the lease's DNS server; ping(); and every option error.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNetwork, checkNetworkOptions, type CreateNetworkOptions, type Network } from "../../../io/net/default-network.ts";
import { seededRandom } from "../../support/net/fake-time.ts";
import { DNS_SERVER, GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

function make(lan: Lan, extra: Partial<CreateNetworkOptions> = {}): Network {
  return createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(5), ...extra });
}

/** Whether `p` settled, and how. */
function watch<T>(p: Promise<T>): { state: "pending" | "resolved" | "rejected"; value?: T; error?: unknown } {
  const s: { state: "pending" | "resolved" | "rejected"; value?: T; error?: unknown } = { state: "pending" };
  p.then(
    (value) => Object.assign(s, { state: "resolved", value }),
    (error: unknown) => Object.assign(s, { state: "rejected", error }),
  );
  return s;
}

test("DHCP configures the network: ready resolves with the Network and slirp's addresses", async () => {
  const lan = new Lan();
  const net = make(lan);
  assert.ok(net.dhcp, "a DHCP client");
  assert.is(net.configured, false);
  assert.is(net.address, "0.0.0.0");
  const ready = watch(net.ready);
  await lan.until(() => ready.state !== "pending", 100);
  assert.is(ready.state, "resolved");
  assert.is(ready.value, net);
  assert.is(net.configured, true);
  assert.is(net.address, OFFERED);
  assert.is(net.netmask, "255.255.255.0");
  assert.is(net.gateway, GATEWAY);
  assert.equal(net.dns, [DNS_SERVER]);
  assert.is(net.stack.counters.get("dhcp_bound"), 1);
});

test("the addresses follow a renewal (the server's DNS list changed at T1)", async () => {
  const lan = new Lan();
  const net = make(lan);
  await lan.until(() => net.configured, 100);
  lan.dhcp.dns = ["10.0.2.4", "10.0.2.5"];
  // T1 = half of the 1000 s lease.
  await lan.run(500_000 + 100, 1000);
  assert.is(net.stack.counters.get("dhcp_renewed"), 1);
  assert.equal(net.dns, ["10.0.2.4", "10.0.2.5"]);
  assert.is(net.address, OFFERED);
});

test("a static configuration is ready at once, sends no DHCP, and takes its DNS servers", async () => {
  const lan = new Lan();
  const net = make(lan, { ipv4: { address: "10.0.2.16", netmask: "255.255.255.0", gateway: GATEWAY, dns: [DNS_SERVER] } });
  assert.is(net.dhcp, null);
  assert.is(net.configured, true);
  assert.is(await net.ready, net);
  assert.is(net.address, "10.0.2.16");
  assert.is(net.gateway, GATEWAY);
  assert.equal(net.dns, [DNS_SERVER]);
  await lan.run(10);
  assert.equal(lan.dhcp.seen, [], "no DHCP message");
  const bare = make(new Lan(), { ipv4: { address: "192.168.1.2", netmask: "255.255.255.0" } });
  assert.is(bare.gateway, "0.0.0.0");
  assert.equal(bare.dns, []);
});

test("without a DHCP server, ready rejects with a clear Error after dhcpTimeoutMs (and not before)", async () => {
  const lan = new Lan();
  lan.dhcp.answering = false;
  const net = make(lan, { dhcpTimeoutMs: 5000 });
  const ready = watch(net.ready);
  await lan.run(4990, 10);
  assert.is(ready.state, "pending");
  await lan.run(20, 10);
  assert.is(ready.state, "rejected");
  assert.instance(ready.error, Error);
  assert.match((ready.error as Error).message, /no DHCP lease within 5000 ms/);
  assert.ok(lan.dhcp.seen.length >= 2, "DISCOVER sent and retransmitted");
  // The default is 30 s.
  const other = new Lan();
  other.dhcp.answering = false;
  const late = watch(make(other).ready);
  await other.run(29_990, 1000);
  assert.is(late.state, "pending");
  await other.run(1000, 1000);
  assert.is(late.state, "rejected");
});

test("resolve() asks the lease's DNS server (after ready) and returns a dotted quad; NXDOMAIN rejects", async () => {
  const lan = new Lan();
  lan.names.set("example.test", "93.184.216.34");
  const net = make(lan);
  const answer = watch(net.resolve("example.test"));
  await lan.until(() => answer.state !== "pending", 200);
  assert.is(answer.value, "93.184.216.34");
  assert.is(lan.dnsQueries, 1);
  const missing = watch(net.resolve("nowhere.test"));
  await lan.until(() => missing.state !== "pending", 200);
  assert.is(missing.state, "rejected");
  assert.match(String(missing.error), /NXDOMAIN/);
  assert.is(await net.resolve("10.1.2.3"), "10.1.2.3", "a dotted quad without a query");
});

test("ping() waits for ready and returns the round trip", async () => {
  const lan = new Lan(3);
  const net = make(lan);
  const rtt = watch(net.ping(GATEWAY));
  await lan.until(() => rtt.state !== "pending", 500);
  assert.is(rtt.state, "resolved");
  assert.ok(typeof rtt.value === "number" && rtt.value >= 6, `rtt ${String(rtt.value)}`);
  await net.ping("10.0.2.x").then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.instance(e, RangeError),
  );
});

test("option errors name the option: TypeError for unknown or ill-typed, RangeError for bad values", () => {
  const cases: [unknown, ErrorConstructor, RegExp][] = [
    [{ foo: 1 }, TypeError, /unknown option "foo"/],
    [{ ipv4: "10.0.2.15" }, TypeError, /ipv4/],
    [{ ipv4: { address: "10.0.2.15" } }, TypeError, /ipv4.netmask is required/],
    [{ ipv4: { netmask: "255.255.255.0" } }, TypeError, /ipv4.address is required/],
    [{ ipv4: { address: "10.0.2.300", netmask: "255.255.255.0" } }, RangeError, /ipv4.address/],
    [{ ipv4: { address: 5, netmask: "255.255.255.0" } }, TypeError, /ipv4.address/],
    [{ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", gateway: "x" } }, RangeError, /ipv4.gateway/],
    [{ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", dns: "10.0.2.3" } }, TypeError, /ipv4.dns/],
    [{ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", dns: ["10.0.2.3", "nope"] } }, RangeError, /ipv4.dns\[1\]/],
    [{ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", dns: ["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"] } }, RangeError, /at most 3/],
    [{ ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", mtu: 1 } }, TypeError, /unknown option "mtu"/],
    [{ hostname: 7 }, TypeError, /hostname/],
    [{ hostname: "a b" }, RangeError, /hostname/],
    [{ random: 4 }, TypeError, /random/],
    [{ dhcpTimeoutMs: "5s" }, TypeError, /dhcpTimeoutMs/],
    [{ dhcpTimeoutMs: 0 }, RangeError, /dhcpTimeoutMs/],
    [{ dhcpTimeoutMs: 1.5 }, RangeError, /dhcpTimeoutMs/],
    [{ dhcpTimeoutMs: 2 ** 31 }, RangeError, /dhcpTimeoutMs/],
    [null, TypeError, /options must be an object/],
    [[], TypeError, /options must be an object/],
  ];
  for (const [options, type, message] of cases) {
    try {
      checkNetworkOptions(options);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (e) {
      assert.instance(e, type, `${JSON.stringify(options)}: ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  }
  assert.equal(checkNetworkOptions(undefined), {});
  const lan = new Lan();
  // The stack checks the configuration as a whole: a gateway off the subnet.
  assert.throws(() => make(lan, { ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", gateway: "10.0.3.1" } }), (e: Error) => e instanceof RangeError && /ipv4: gateway/.test(e.message));
  assert.throws(() => make(lan, { nic: undefined as never }), (e: Error) => e instanceof TypeError && /nic/.test(e.message));
  assert.throws(() => make(lan, { extra: 1 } as never), (e: Error) => e instanceof TypeError && /unknown option "extra"/.test(e.message));
});

test("without a random option, createNetwork takes crypto.getRandomValues (no warning where it works)", async () => {
  const lan = new Lan();
  const warnings: string[] = [];
  const net = createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, warn: (l) => warnings.push(l) });
  await lan.until(() => net.configured, 100);
  assert.equal(warnings, []);
});

test.run();
