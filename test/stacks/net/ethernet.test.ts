import { test } from "uvu";
import * as assert from "uvu/assert";
import { Counters } from "../../../stacks/net/counters.ts";
import { allocateFrame, parseEthernet, setDestination } from "../../../stacks/net/ethernet.ts";
import { ethernet, hex, mac, toHex } from "../../support/net/frames.ts";

const OWN = Uint8Array.from(mac("02:00:00:00:00:01"));
const PEER = "52:54:00:12:34:56";

function parse(frame: Uint8Array) {
  const c = new Counters();
  return { result: parseEthernet(frame, OWN, 1500, c), counters: c.snapshot() };
}

test("an IPv4 frame to our address parses: type and payload", () => {
  const { result, counters } = parse(ethernet("02:00:00:00:00:01", PEER, 0x0800, [1, 2, 3]));
  assert.ok(result);
  assert.is(result.type, 0x0800);
  assert.is(result.broadcast, false);
  assert.is(toHex(result.payload), "010203");
  assert.equal(counters, {});
});

test("broadcast frames are taken and marked", () => {
  const { result } = parse(ethernet("ff:ff:ff:ff:ff:ff", PEER, 0x0806, new Array(28).fill(0)));
  assert.ok(result);
  assert.is(result.broadcast, true);
});

test("bad input: each reason is counted and nothing throws", () => {
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(0), "eth_truncated"],
    [hex("0200000000010000"), "eth_truncated"],
    [ethernet("02:00:00:00:00:01", PEER, 0x0800, new Array(1501).fill(0)), "eth_oversized"],
    [ethernet("02:00:00:00:00:02", PEER, 0x0800, [0]), "eth_not_for_us"],
    [ethernet("01:00:5e:00:00:01", PEER, 0x0800, [0]), "eth_multicast"],
    [ethernet("02:00:00:00:00:01", "01:00:5e:00:00:01", 0x0800, [0]), "eth_bad_source"],
    [ethernet("02:00:00:00:00:01", PEER, 0x8100, [0, 5, 8, 0, 0x45]), "eth_vlan"],
    [ethernet("02:00:00:00:00:01", PEER, 0x88a8, [0, 5, 8, 0, 0x45]), "eth_vlan"],
    [ethernet("02:00:00:00:00:01", PEER, 0x002e, [0xaa, 0xaa, 3]), "eth_not_ethernet_ii"],
    [ethernet("02:00:00:00:00:01", PEER, 0x86dd, [0x60]), "eth_unknown_type"],
  ];
  for (const [frame, reason] of cases) {
    const { result, counters } = parse(frame);
    assert.is(result, null, reason);
    assert.equal(counters, { [reason]: 1 }, reason);
  }
});

test("a payload of exactly the MTU is taken", () => {
  assert.ok(parse(ethernet("02:00:00:00:00:01", PEER, 0x0800, new Array(1500).fill(0))).result);
});

test("frames are built padded to 60 bytes with source and type, destination set later", () => {
  const f = allocateFrame(28, OWN, 0x0806);
  assert.is(f.length, 60);
  setDestination(f, Uint8Array.from(mac(PEER)));
  assert.is(toHex(f.subarray(0, 14)), "525400123456" + "020000000001" + "0806");
  assert.is(allocateFrame(1500, OWN, 0x0800).length, 1514);
});

test.run();
