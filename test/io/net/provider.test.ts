/**
 * io/net/provider.ts: which network a socket opens on, and localEnd, the local port, network and
 * address checks the Listener and UDP constructors share (the same messages from both, in the
 * same order: port, network, address).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNetwork, type Network } from "../../../io/net/default-network.ts";
import { localEnd, networkFor, setDefaultNetworkProvider } from "../../../io/net/provider.ts";
import { seededRandom } from "../../support/net/fake-time.ts";
import { GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

function network(configured: boolean): Network {
  const lan = new Lan();
  const ipv4 = { address: OFFERED, netmask: "255.255.255.0", gateway: GATEWAY };
  return createNetwork({ nic: lan.nic, clock: lan.time, timers: lan.time, random: seededRandom(8), ...(configured ? { ipv4 } : {}) });
}

/** The error `f` throws, as "TypeName: message". */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return "nothing thrown";
}

test("a required port (Listener): present, 1..65535, checked before the network and the address", () => {
  const net = network(true);
  assert.equal(localEnd("Listener", { port: 80, network: net }, false), { port: 80, network: net });
  assert.is(thrown(() => localEnd("Listener", { network: net }, false)), "TypeError: Listener: port is required (1..65535)");
  assert.is(thrown(() => localEnd("Listener", { port: 0, network: net }, false)), "RangeError: Listener: port must be an integer 1..65535, not 0");
  assert.is(thrown(() => localEnd("Listener", { port: "80", network: 3 }, false)), "TypeError: Listener: port must be a number, not \"80\"");
  assert.is(thrown(() => localEnd("Listener", { port: 80, network: 3, address: "x" }, false)), "TypeError: Listener: network must be a Network (from network() or createNetwork()), not 3");
});

test("a dynamic port (UDP): absent or 0 is 0, the stack picks one", () => {
  const net = network(true);
  assert.equal(localEnd("UDP", { network: net }, true), { port: 0, network: net });
  assert.equal(localEnd("UDP", { port: 0, network: net }, true), { port: 0, network: net });
  assert.is(thrown(() => localEnd("UDP", { port: 65536, network: net }, true)), "RangeError: UDP: port must be an integer 0..65535, not 65536");
});

test("the address: this network's or 0.0.0.0; another, or one before DHCP has given an address, is refused", () => {
  const net = network(true);
  assert.is(localEnd("UDP", { network: net, address: OFFERED }, true).network, net);
  assert.is(localEnd("UDP", { network: net, address: "0.0.0.0" }, true).network, net);
  assert.is(thrown(() => localEnd("UDP", { network: net, address: "10.0.2.99" }, true)), `RangeError: UDP: address 10.0.2.99 is not this network's (${OFFERED}); use "0.0.0.0"`);
  assert.is(thrown(() => localEnd("UDP", { network: net, address: 7 }, true)), "TypeError: UDP: address must be a dotted-quad string, not 7");
  assert.is(thrown(() => localEnd("UDP", { network: net, address: "10.0.2" }, true)), 'RangeError: UDP: address is not an IPv4 address: "10.0.2"');
  const waiting = network(false);
  assert.is(thrown(() => localEnd("Listener", { port: 80, network: waiting, address: OFFERED }, false)), `RangeError: Listener: address ${OFFERED} is not this network's (none yet); use "0.0.0.0"`);
});

test("networkFor: the given network, a TypeError for anything else, an Error without a default", () => {
  const net = network(true);
  assert.is(networkFor("TCP", net), net);
  assert.is(thrown(() => networkFor("TCP", {})), "TypeError: TCP: network must be a Network (from network() or createNetwork()), not object");
  setDefaultNetworkProvider(null);
  assert.is(thrown(() => networkFor("TCP", undefined)), 'Error: TCP: no default network: use the socket classes of the "tsmetal" module (or pass a network)');
  setDefaultNetworkProvider(() => net);
  assert.is(networkFor("TCP", undefined), net);
  setDefaultNetworkProvider(null);
});

test.run();
