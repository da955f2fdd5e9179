import { test } from "uvu";
import * as assert from "uvu/assert";
import { Waiters } from "../../../stacks/net/waiters.ts";
import { FakeTime } from "../../support/net/fake-time.ts";

/** Records how each promise settled, for checking after the promise jobs ran. */
function watch<T>(p: Promise<T>): string[] {
  const out: string[] = [];
  p.then((v) => out.push(`resolved ${String(v)}`), (e: unknown) => out.push(`rejected ${String(e)}`));
  return out;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test("resolveAll and rejectAll settle every waiter once; later calls reach nobody", async () => {
  const w = new Waiters<number>();
  const a = watch(w.wait());
  const b = watch(w.wait());
  w.resolveAll(7);
  w.rejectAll(new Error("late"));
  const c = watch(w.wait());
  w.rejectAll(new Error("stopped"));
  w.resolveAll(8);
  await flush();
  assert.equal(a, ["resolved 7"]);
  assert.equal(b, ["resolved 7"]);
  assert.equal(c, ["rejected Error: stopped"]);
});

test("an abort rejects only its own waiter with the signal's reason, and unhooks its listener", async () => {
  const w = new Waiters<number>();
  const controller = new AbortController();
  const a = watch(w.wait({ signal: controller.signal }));
  const b = watch(w.wait());
  controller.abort(new Error("gave up"));
  await flush();
  assert.equal(a, ["rejected Error: gave up"]);
  assert.equal(b, []);
  w.resolveAll(1);
  await flush();
  assert.equal(b, ["resolved 1"]);

  const settled = new AbortController();
  let listeners = 0;
  const signal = {
    aborted: false,
    addEventListener: (_: "abort", l: () => void) => {
      listeners++;
      settled.signal.addEventListener("abort", l);
    },
    removeEventListener: (_: "abort", l: () => void) => {
      listeners--;
      settled.signal.removeEventListener("abort", l);
    },
  };
  const c = watch(w.wait({ signal }));
  w.resolveAll(2);
  await flush();
  assert.equal(c, ["resolved 2"]);
  assert.is(listeners, 0);
});

test("a timeout rejects only its own waiter with its error, and stops once settled", async () => {
  const time = new FakeTime();
  const w = new Waiters<string>();
  const a = watch(w.wait({ timeout: { timers: time, ms: 100, error: () => new Error(`timed out at ${time.now()}`) } }));
  const b = watch(w.wait({ timeout: { timers: time, ms: 300, error: () => new Error("b timed out") } }));
  const c = watch(w.wait());
  time.advance(100);
  await flush();
  assert.equal(a, [`rejected Error: timed out at 100`]);
  w.resolveAll("ok");
  time.advance(1000);
  await flush();
  assert.equal(b, ["resolved ok"]);
  assert.equal(c, ["resolved ok"]);
});

test.run();
