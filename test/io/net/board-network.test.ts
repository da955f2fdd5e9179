/**
 * io/net/board-network.ts, the logic of the image unit "net" (io/net/unit.ts wires it to the
 * globals and "hal", which Node does not have): the default network takes its NIC from the
 * board services given to useBoard() (else the platform's fallback, the loop unit's services),
 * is created once, configured by the first network() call's options; other options later are a
 * TypeError; a board without a NIC is an Error naming it; no random source: one warning line.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { BoardServices } from "../../../io/board-services.ts";
import { BoardNetwork, type BoardNetworkPlatform } from "../../../io/net/board-network.ts";
import { NO_RANDOM_SOURCE_WARNING, type RandomSource } from "../../../io/net/random.ts";
import type { NetworkInterface } from "../../../drivers/interfaces/network-interface.ts";
import { flush, GATEWAY, Lan, OFFERED } from "../../support/net/lan.ts";

function fakeBoard(name: string, nic?: NetworkInterface): BoardServices & { networkCalls: number } {
  const board = {
    name,
    networkCalls: 0,
    openSerial: () => {
      throw new Error("no serial in this test");
    },
    ...(nic
      ? {
          network: () => {
            board.networkCalls++;
            return nic;
          },
        }
      : {}),
  };
  return board;
}

function platform(lan: Lan, extra: Partial<BoardNetworkPlatform> = {}): BoardNetworkPlatform & { warnings: string[] } {
  const warnings: string[] = [];
  const working: RandomSource = { getRandomValues: (a) => a.fill(0x12345678) };
  return {
    clock: lan.time,
    timers: lan.time,
    randomSource: () => working,
    warn: (line) => warnings.push(line),
    fallbackServices: () => {
      throw new Error("fallback used");
    },
    warnings,
    ...extra,
  };
}

test("useBoard(): the default network takes that board's NIC, once; network() resolves when DHCP is bound", async () => {
  const lan = new Lan();
  const board = fakeBoard("fakeboard", lan.nic);
  const host = new BoardNetwork(platform(lan));
  host.useBoard(board);
  host.useBoard(board);
  const ready = host.network();
  const first = host.defaultNetwork();
  assert.is(host.defaultNetwork(), first, "the same network");
  assert.is(board.networkCalls, 1);
  let net: unknown;
  void ready.then((n) => (net = n));
  await lan.until(() => net !== undefined, 100);
  assert.is(net, first);
  assert.is(first.address, OFFERED);
  assert.is(await host.network(), first, "a later call without options");
  assert.throws(() => host.useBoard(fakeBoard("other", lan.nic)), /already runs on board "fakeboard"/);
});

test("the first network() call's options configure it; other options later are a TypeError", async () => {
  const lan = new Lan();
  const host = new BoardNetwork(platform(lan));
  host.useBoard(fakeBoard("fakeboard", lan.nic));
  const ipv4 = { address: "10.0.2.16", netmask: "255.255.255.0", gateway: GATEWAY };
  const net = await host.network({ ipv4 });
  assert.is(net.address, "10.0.2.16");
  assert.is(await host.network({ ipv4: { ...ipv4 } }), net, "equal options");
  assert.is(host.defaultNetwork(), net);
  await host.network({ ipv4: { ...ipv4, address: "10.0.2.17" } }).then(
    () => assert.unreachable("resolved"),
    (e: Error) => {
      assert.instance(e, TypeError);
      assert.match(e.message, /already created with static ipv4 10.0.2.16\/255.255.255.0/);
    },
  );
  await host.network({}).then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.instance(e, TypeError),
  );
  await host.network({ bogus: 1 } as never).then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /unknown option "bogus"/),
  );
  // A socket first (defaultNetwork: DHCP), then network(options): too late.
  const other = new Lan();
  const second = new BoardNetwork(platform(other));
  second.useBoard(fakeBoard("fakeboard", other.nic));
  second.defaultNetwork();
  await second.network({ ipv4 }).then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /already created with DHCP/),
  );
});

test("a board without a network interface is an Error naming the board; without useBoard() the fallback services are used", async () => {
  const lan = new Lan();
  const host = new BoardNetwork(platform(lan, { fallbackServices: () => fakeBoard("pizero") }));
  assert.throws(() => host.defaultNetwork(), (e: Error) => /board "pizero" has no network interface/.test(e.message));
  await host.network().then(
    () => assert.unreachable("resolved"),
    (e: Error) => assert.match(e.message, /pizero/),
  );
  // The board's own error (what the machine needs) comes through as it is.
  const failing = new BoardNetwork(platform(lan, { fallbackServices: () => ({ ...fakeBoard("microvm"), network: () => { throw new Error("microvm: no virtio-net device"); } }) }));
  assert.throws(() => failing.defaultNetwork(), /no virtio-net device/);
  const fallback = fakeBoard("fallback", lan.nic);
  const viaLoop = new BoardNetwork(platform(lan, { fallbackServices: () => fallback }));
  viaLoop.defaultNetwork();
  assert.is(fallback.networkCalls, 1);
});

test("no random source: one warning line, and the network still comes up (Math.random)", async () => {
  const lan = new Lan();
  const broken: RandomSource = {
    getRandomValues: () => {
      throw new Error("no entropy source");
    },
  };
  const p = platform(lan, { randomSource: () => broken });
  const host = new BoardNetwork(p);
  host.useBoard(fakeBoard("sifive_u", lan.nic));
  const net = host.defaultNetwork();
  host.defaultNetwork();
  await lan.until(() => net.configured, 100);
  await flush();
  assert.equal(p.warnings, [NO_RANDOM_SOURCE_WARNING]);
  // An app's own random needs no source.
  const other = new Lan();
  const q = platform(other, { randomSource: () => broken });
  const own = new BoardNetwork(q);
  own.useBoard(fakeBoard("sifive_u", other.nic));
  await own.network({ ipv4: { address: OFFERED, netmask: "255.255.255.0" }, random: () => 4 });
  assert.equal(q.warnings, []);
});

test("useBoard() refuses what is not board services", () => {
  const host = new BoardNetwork(platform(new Lan()));
  assert.throws(() => host.useBoard(undefined as never), TypeError);
  assert.throws(() => host.useBoard({} as never), TypeError);
});

test.run();
