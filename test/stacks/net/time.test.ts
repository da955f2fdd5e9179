import { test } from "uvu";
import * as assert from "uvu/assert";
import { Timer } from "../../../stacks/net/time.ts";
import { FakeTime } from "../../support/net/fake-time.ts";

test("a Timer fires once, restarts replace the pending expiry, stop cancels", () => {
  const time = new FakeTime();
  const fired: number[] = [];
  const t = new Timer(time, () => fired.push(time.now()));
  t.start(100);
  assert.ok(t.running);
  time.advance(50);
  t.start(100);
  time.advance(99);
  assert.equal(fired, []);
  time.advance(1);
  assert.equal(fired, [150]);
  assert.not.ok(t.running);
  t.start(10);
  t.stop();
  time.advance(100);
  assert.equal(fired, [150]);
  assert.is(time.timerCount, 0);
  t.stop();
});

test("a Timer may restart itself from its callback", () => {
  const time = new FakeTime();
  let n = 0;
  const t: Timer = new Timer(time, () => {
    if (++n < 3) t.start(10);
  });
  t.start(10);
  time.advance(100);
  assert.is(n, 3);
  assert.is(time.timerCount, 0);
});

test.run();
