import { test } from "uvu";
import * as assert from "uvu/assert";
import { ByteRing } from "../../io/ring-buffer.ts";

/** Everything left in the ring, by shift(). */
function drain(ring: ByteRing): number[] {
  const out: number[] = [];
  for (let b = ring.shift(); b >= 0; b = ring.shift()) out.push(b);
  return out;
}

test("push and shift are first in, first out; -1 when empty; bytes are truncated to 8 bits", () => {
  const ring = new ByteRing(4);
  assert.is(ring.capacity, 4);
  assert.is(ring.shift(), -1);
  assert.ok(ring.push(1));
  assert.ok(ring.push(0x1ff));
  assert.is(ring.length, 2);
  assert.equal(drain(ring), [1, 0xff]);
  assert.is(ring.length, 0);
});

test("a full ring refuses the byte and keeps what it has", () => {
  const ring = new ByteRing(3);
  assert.equal([ring.push(1), ring.push(2), ring.push(3), ring.push(4)], [true, true, true, false]);
  assert.is(ring.length, 3);
  assert.equal(drain(ring), [1, 2, 3]);
});

test("wraparound: the order survives many laps with a capacity that is not a power of two", () => {
  const ring = new ByteRing(5);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < 3; i++) ring.push(next++);
  for (let lap = 0; lap < 150; lap++) {
    for (let i = 0; i < 2; i++) assert.ok(ring.push(next++ & 0xff));
    out.push(ring.shift(), ring.shift());
    assert.is(ring.length, 3);
  }
  out.push(...drain(ring));
  assert.equal(out, Array.from({ length: 303 }, (_, i) => i & 0xff));
});

test("readInto copies across the wrap, honours offset and max, and never overruns dst", () => {
  const ring = new ByteRing(8);
  for (let i = 0; i < 6; i++) ring.push(i);
  assert.equal(drain(ring).length, 6); // head now at 6
  for (let i = 10; i < 17; i++) ring.push(i); // 10, 11 at the end; 12..16 wrapped to the start
  const dst = new Uint8Array(10).fill(0xee);
  assert.is(ring.readInto(dst, 2, 5), 5);
  assert.equal(Array.from(dst), [0xee, 0xee, 10, 11, 12, 13, 14, 0xee, 0xee, 0xee]);
  assert.is(ring.length, 2);
  const small = new Uint8Array(1);
  assert.is(ring.readInto(small), 1);
  assert.is(small[0], 15);
  assert.is(ring.readInto(new Uint8Array(4), 4), 0, "no room after the offset");
  assert.is(ring.readInto(new Uint8Array(4), 0, 0), 0);
  const rest = new Uint8Array(4);
  assert.is(ring.readInto(rest), 1);
  assert.is(rest[0], 16);
  assert.is(ring.readInto(rest), 0, "empty");
  assert.ok(ring.push(99));
  assert.equal(drain(ring), [99], "state consistent after readInto emptied the ring");
});

test("readInto a whole wrapped ring leaves it reusable from any head position", () => {
  for (let start = 0; start < 4; start++) {
    const ring = new ByteRing(4);
    for (let i = 0; i < start; i++) { ring.push(0); ring.shift(); }
    for (let i = 0; i < 4; i++) ring.push(i + 1);
    const dst = new Uint8Array(4);
    assert.is(ring.readInto(dst), 4);
    assert.equal(Array.from(dst), [1, 2, 3, 4], `head at ${start}`);
    assert.ok(ring.push(7) && ring.push(8));
    assert.equal(drain(ring), [7, 8], `head at ${start}`);
  }
});

test("clear empties the ring; bad capacities and offsets are refused", () => {
  const ring = new ByteRing(2);
  ring.push(1);
  ring.push(2);
  ring.clear();
  assert.is(ring.length, 0);
  assert.is(ring.shift(), -1);
  assert.ok(ring.push(3) && ring.push(4));
  for (const bad of [0, -1, 1.5, NaN, 2 ** 31]) assert.throws(() => new ByteRing(bad), RangeError, String(bad));
  assert.throws(() => ring.readInto(new Uint8Array(2), 3), RangeError);
  assert.throws(() => ring.readInto(new Uint8Array(2), -1), RangeError);
});

test.run();
