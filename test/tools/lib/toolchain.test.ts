// The job pool the engine build compiles with (tools/lib/toolchain.ts): one job per core at a
// time by default, results in order, a report as each job finishes (a cold build's progress), and
// the semaphore that keeps the engine's and the host compiler's pools to one compiler per core.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { availableParallelism } from "node:os";
import { pool, semaphore } from "../../../tools/lib/toolchain.ts";

const test = suite("toolchain pool");

/** Jobs that each wait a tick and record how many ran at once. */
function jobs(n: number) {
  let running = 0;
  let peak = 0;
  const list = Array.from({ length: n }, (_, i) => async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return i * 10;
  });
  return { list, peak: () => peak };
}

test("runs one job per core at a time by default (os.availableParallelism())", async () => {
  const j = jobs(availableParallelism() * 3);
  const results = await pool(j.list);
  assert.is(j.peak(), availableParallelism());
  assert.equal(results, j.list.map((_, i) => i * 10));
});

test("a given width bounds the jobs at a time", async () => {
  const j = jobs(9);
  await pool(j.list, { width: 3 });
  assert.is(j.peak(), 3);
});

test("reports each finished job: done, total and which", async () => {
  const seen: Array<[number, number, number]> = [];
  const j = jobs(5);
  await pool(j.list, { width: 2, onDone: (done, total, i) => seen.push([done, total, i]) });
  assert.equal(seen.map(([d]) => d), [1, 2, 3, 4, 5]);
  assert.ok(seen.every(([, t]) => t === 5));
  assert.equal(seen.map(([, , i]) => i).sort(), [0, 1, 2, 3, 4]);
});

test("a semaphore shared by two pools bounds their jobs together", async () => {
  const slot = semaphore(2);
  let running = 0;
  let peak = 0;
  const job = () => () =>
    slot(async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
  await Promise.all([pool(Array.from({ length: 6 }, job), { width: 2 }), pool(Array.from({ length: 6 }, job), { width: 2 })]);
  assert.is(peak, 2);
});

test("a job that throws gives its slot back", async () => {
  const slot = semaphore(1);
  await slot(() => Promise.reject(new Error("compile failed"))).catch(() => undefined);
  assert.is(await slot(async () => "next"), "next");
});

test.run();
