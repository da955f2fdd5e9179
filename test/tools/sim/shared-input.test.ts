import { test } from "uvu";
import * as assert from "uvu/assert";
import { newSharedInputBuffer, RING_BYTES, SharedInputReader, SharedInputWriter } from "../../../tools/sim/shared-input.ts";

test("bytes written on one side are taken on the other, in order, once", () => {
  const buffer = newSharedInputBuffer();
  const w = new SharedInputWriter(buffer), r = new SharedInputReader(buffer);
  assert.not.ok(r.pending());
  w.write(Uint8Array.of(1, 2));
  w.write(Uint8Array.of(3));
  assert.ok(r.pending());
  assert.equal([...r.take()], [1, 2, 3]);
  assert.equal([...r.take()], []);
});

test("the ring wraps around its end", () => {
  const buffer = newSharedInputBuffer();
  const w = new SharedInputWriter(buffer), r = new SharedInputReader(buffer);
  const big = new Uint8Array(RING_BYTES - 10).fill(7);
  w.write(big);
  assert.is(r.take().length, big.length);
  const across = Uint8Array.from({ length: 100 }, (_, i) => i);
  w.write(across);
  assert.equal([...r.take()], [...across]);
});

test("input the reader is too far behind to hold is refused, not overwritten", () => {
  const buffer = newSharedInputBuffer();
  const w = new SharedInputWriter(buffer), r = new SharedInputReader(buffer);
  w.write(new Uint8Array(RING_BYTES - 1));
  assert.throws(() => w.write(Uint8Array.of(1)), /console input is full/);
  assert.is(r.take().length, RING_BYTES - 1);
});

test("quit reaches the reader, and a wait for input ends at once then", async () => {
  const buffer = newSharedInputBuffer();
  const w = new SharedInputWriter(buffer), r = new SharedInputReader(buffer);
  assert.not.ok(r.quitRequested());
  w.quit();
  assert.ok(r.quit && r.quitRequested());
  const started = performance.now();
  await r.wait(5000);
  assert.ok(performance.now() - started < 1000);
});

test("a wait ends when input arrives", async () => {
  const buffer = newSharedInputBuffer();
  const w = new SharedInputWriter(buffer), r = new SharedInputReader(buffer);
  setTimeout(() => w.write(Uint8Array.of(3)), 30);
  const started = performance.now();
  await r.wait(5000);
  assert.ok(performance.now() - started < 1000);
  assert.equal([...r.take()], [3]);
});

test.run();
