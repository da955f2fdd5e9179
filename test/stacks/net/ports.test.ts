import { test } from "uvu";
import * as assert from "uvu/assert";
import { EphemeralPorts, randomEphemeralPort } from "../../../stacks/net/ports.ts";

test("starts at a random point of 49152-65535 and goes on in turn, wrapping around", () => {
  const ports = new EphemeralPorts(() => 16384 + 16383);
  const free = () => false;
  assert.is(ports.pick(free, "UDP"), 65535);
  assert.is(ports.pick(free, "UDP"), 49152);
  assert.is(ports.pick(free, "UDP"), 49153);
  assert.is(new EphemeralPorts(() => 100).pick(free, "TCP"), 49252);
});

test("skips the ports in use, and does not hand a released port out again at once", () => {
  const ports = new EphemeralPorts(() => 0);
  const used = new Set([49152, 49153]);
  assert.is(ports.pick((p) => used.has(p), "UDP"), 49154);
  used.clear();
  assert.is(ports.pick((p) => used.has(p), "UDP"), 49155);
});

test("throws naming the protocol when every dynamic port is in use", () => {
  const ports = new EphemeralPorts(() => 7);
  let asked = 0;
  assert.throws(() => ports.pick(() => (asked++, true), "TCP"), /no free TCP port/);
  assert.is(asked, 16384);
});

test("randomEphemeralPort maps any 32-bit draw into 49152-65535", () => {
  assert.is(randomEphemeralPort(() => 0), 49152);
  assert.is(randomEphemeralPort(() => 16383), 65535);
  assert.is(randomEphemeralPort(() => 16384 + 5), 49157);
  assert.is(randomEphemeralPort(() => 0xffffffff), 65535);
});

test.run();
