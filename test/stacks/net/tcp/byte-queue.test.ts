import { test } from "uvu";
import * as assert from "uvu/assert";
import { ByteQueue } from "../../../../stacks/net/tcp/byte-queue.ts";

test("push takes what fits, copyTo spans chunks, consume and take advance", () => {
  const q = new ByteQueue(10);
  assert.is(q.push(Uint8Array.from([1, 2, 3, 4])), 4);
  assert.is(q.push(Uint8Array.from([5, 6, 7, 8, 9, 10, 11, 12])), 6);
  assert.is(q.free, 0);
  assert.is(q.push(Uint8Array.from([13])), 0);
  const out = new Uint8Array(5);
  q.copyTo(out, 0, 2, 5);
  assert.equal(Array.from(out), [3, 4, 5, 6, 7]);
  q.consume(3);
  assert.equal(Array.from(q.take(4)), [4, 5, 6, 7]);
  assert.is(q.length, 3);
  assert.equal(Array.from(q.take(99)), [8, 9, 10]);
  assert.is(q.length, 0);
  assert.throws(() => q.consume(1), /beyond/);
  assert.throws(() => q.copyTo(out, 0, 0, 1), /beyond/);
});

test("the pushed data is copied, not kept by reference", () => {
  const q = new ByteQueue(4);
  const d = Uint8Array.from([1, 2]);
  q.push(d);
  d[0] = 9;
  assert.equal(Array.from(q.take(2)), [1, 2]);
});

test("take() of exactly the first chunk hands it over; later pushes and takes do not touch it", () => {
  const q = new ByteQueue(16);
  q.push(Uint8Array.from([1, 2, 3]));
  q.push(Uint8Array.from([4, 5]));
  const first = q.take(3);
  assert.equal(Array.from(first), [1, 2, 3]);
  assert.is(q.length, 2);
  assert.is(q.free, 14);
  q.push(Uint8Array.from([6, 7, 8]));
  assert.equal(Array.from(q.take(1)), [4]);
  assert.equal(Array.from(q.take(99)), [5, 6, 7, 8]);
  assert.equal(Array.from(first), [1, 2, 3]);
  assert.is(q.length, 0);
  assert.equal(Array.from(q.take(5)), []);
});

test.run();
