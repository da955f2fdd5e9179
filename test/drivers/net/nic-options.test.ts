import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkMac, ringSize } from "../../../drivers/net/nic-options.ts";

test("checkMac: a copy of a 6-byte unicast address; other lengths, multicast and all zeros refused, naming the driver", () => {
  const mac = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
  const copy = checkMac("Nic", mac);
  assert.equal(copy, mac);
  assert.is.not(copy, mac);
  assert.throws(() => checkMac("Nic", Uint8Array.of(1, 2, 3, 4, 5)), /^Nic: the MAC address must be 6 bytes$/);
  assert.throws(() => checkMac("Nic", Uint8Array.of(1, 2, 3, 4, 5, 6)), /^Nic: the MAC address is a multicast address/);
  assert.throws(() => checkMac("Nic", new Uint8Array(6)), /^Nic: the MAC address is all zeros$/);
});

test("ringSize: 16 by default, 2 to max descriptors, anything else a RangeError naming the option", () => {
  assert.is(ringSize("Nic", undefined, "rxRing", 1024), 16);
  assert.is(ringSize("Nic", 2, "rxRing", 1024), 2);
  assert.is(ringSize("Nic", 1024, "rxRing", 1024), 1024);
  for (const n of [1, 1025, 2.5, -4, NaN]) assert.throws(() => ringSize("Nic", n, "txRing", 1024), new RegExp(`^Nic: txRing ${n} is not 2-1024 descriptors$`), String(n));
});

test.run();
