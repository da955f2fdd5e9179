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

test("with a clock, a restart that moves the expiry later arms no new timer; the callback runs at the last expiry", () => {
  const time = new FakeTime();
  let sets = 0;
  const counting = {
    set: (ms: number, cb: () => void) => {
      sets++;
      return time.set(ms, cb);
    },
    clear: (h: unknown) => time.clear(h),
  };
  const fired: number[] = [];
  const t = new Timer(counting, () => fired.push(time.now()), time);
  t.start(100);
  for (let i = 0; i < 3; i++) {
    time.advance(30);
    t.start(100); // an ACK restarting the retransmission timer: due at 190 in the end
  }
  time.advance(9);
  assert.is(sets, 1);
  time.advance(90); // t = 189: the first arming fired at 100 and was armed again for what was left
  assert.equal(fired, []);
  assert.ok(t.running);
  time.advance(1);
  assert.equal(fired, [190]);
  assert.not.ok(t.running);
  assert.is(sets, 2);
  assert.is(time.timerCount, 0);
  // An earlier expiry cannot wait for the armed one: armed afresh.
  t.start(100);
  time.advance(10);
  t.start(20);
  time.advance(20);
  assert.equal(fired, [190, 220]);
  // stop() cancels whatever is armed.
  t.start(50);
  time.advance(10);
  t.start(80);
  t.stop();
  time.advance(200);
  assert.equal(fired, [190, 220]);
  assert.is(time.timerCount, 0);
});

test.run();
