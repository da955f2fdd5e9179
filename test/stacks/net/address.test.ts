import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatIpv4, formatMac, isGroupMac, isMulticastIpv4, parseIpv4, sameMac } from "../../../stacks/net/address.ts";

test("dotted quads parse to unsigned 32-bit numbers and back", () => {
  assert.is(parseIpv4("10.0.2.15"), 0x0a00020f);
  assert.is(parseIpv4("255.255.255.255"), 0xffffffff);
  assert.is(parseIpv4("0.0.0.0"), 0);
  assert.is(formatIpv4(0xc0a80001), "192.168.0.1");
  assert.is(formatIpv4(0xffffffff), "255.255.255.255");
});

test("anything else is refused with a clear error", () => {
  for (const bad of ["", "10.0.2", "10.0.2.15.1", "256.0.0.1", "01.0.0.1", "1..2.3", " 1.2.3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/24"]) {
    assert.throws(() => parseIpv4(bad), /not an IPv4 address/, bad);
  }
});

test("MAC helpers: compare, format, group bit; multicast IPv4", () => {
  const a = Uint8Array.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]);
  assert.is(formatMac(a), "52:54:00:12:34:56");
  assert.ok(sameMac(Uint8Array.from([9, ...a]), 1, a));
  assert.not.ok(sameMac(a, 0, Uint8Array.from([0x52, 0x54, 0, 0x12, 0x34, 0x57])));
  assert.ok(isGroupMac(Uint8Array.from([0x01, 0, 0x5e, 0, 0, 1]), 0));
  assert.not.ok(isGroupMac(a, 0));
  assert.ok(isMulticastIpv4(parseIpv4("224.0.0.1")));
  assert.ok(isMulticastIpv4(parseIpv4("239.255.255.255")));
  assert.not.ok(isMulticastIpv4(parseIpv4("240.0.0.1")));
});

test.run();
