// The device's side of the unit transfer (io/update/transfer.ts): chunks in order, repeats and
// gaps answered with the offset to resume from, a truncated end and an oversized unit refused.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { beginPayload, dataPayload, endPayload, UnitReceiver } from "../../../io/update/transfer.ts";

const test = suite("io/update/transfer");
const unit = new Uint8Array(2500).map((_, i) => i & 0xff);

test("chunks in order assemble the unit", () => {
  const r = new UnitReceiver(10_000);
  assert.equal(r.frame(beginPayload(unit.length)), { kind: "ack", offset: 0 });
  for (let at = 0; at < unit.length; at += 1000) assert.equal(r.frame(dataPayload(at, unit.subarray(at, at + 1000))), { kind: "ack", offset: Math.min(at + 1000, unit.length) });
  const done = r.frame(endPayload(unit.length));
  assert.is(done.kind, "complete");
  if (done.kind === "complete") assert.equal([...done.unit], [...unit]);
});

test("a repeat or a gap is answered with the offset to resume from; damage with a nak", () => {
  const r = new UnitReceiver(10_000);
  r.frame(beginPayload(unit.length));
  r.frame(dataPayload(0, unit.subarray(0, 1000)));
  assert.equal(r.frame(dataPayload(0, unit.subarray(0, 1000))), { kind: "ack", offset: 1000 });
  assert.equal(r.frame(dataPayload(2000, unit.subarray(2000))), { kind: "ack", offset: 1000 });
  assert.equal(r.damaged("frame checksum mismatch"), { kind: "nak", offset: 1000, why: "frame checksum mismatch" });
  assert.equal(r.frame(dataPayload(1000, unit.subarray(1000, 2000))), { kind: "ack", offset: 2000 });
});

test("an end before every byte came, data past the end, or too large a unit is refused", () => {
  const r = new UnitReceiver(10_000);
  r.frame(beginPayload(unit.length));
  r.frame(dataPayload(0, unit.subarray(0, 1000)));
  assert.equal(r.frame(endPayload(unit.length)), { kind: "refused", why: "truncated transfer: 1000 of 2500 bytes arrived" });
  // The refused transfer is over: data without a begin is refused too.
  assert.is(r.frame(dataPayload(0, unit.subarray(0, 10))).kind, "refused");
  r.frame(beginPayload(10));
  assert.equal(r.frame(dataPayload(0, unit.subarray(0, 20))), { kind: "refused", why: "data beyond the announced 10 bytes" });
  assert.match(JSON.stringify(new UnitReceiver(100).frame(beginPayload(101))), /exceeds this base's limit of 100/);
  assert.is(r.frame(new Uint8Array([0x44])).kind, "nak");
  r.frame(beginPayload(1));
  assert.match(JSON.stringify(r.frame(new Uint8Array([0x5a, 0, 0, 0, 0]))), /unknown update frame type 0x5a/);
});

test.run();
