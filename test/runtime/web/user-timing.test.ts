import { test } from "uvu";
import * as assert from "uvu/assert";
import { performance as nodePerformance } from "node:perf_hooks";
import { createUserTiming, MAX_ENTRIES, type UserTiming } from "../../../runtime/web/user-timing.ts";

// runtime/web/user-timing.ts against Node 20's perf_hooks performance: the same calls give the
// same names, entry types, order and errors. Both run on one clock (Node's now()), so times match
// where they come from marks or given timestamps.
const ours = (): UserTiming => createUserTiming(() => nodePerformance.now());
const theirs = (): UserTiming => {
  nodePerformance.clearMarks();
  nodePerformance.clearMeasures();
  return nodePerformance as unknown as UserTiming;
};
const shape = (p: UserTiming) => p.getEntries().map((e) => [e.name, e.entryType, e.startTime, e.entryType === "mark" ? e.duration : e.duration >= 0, e.detail]);
const errorOf = (f: () => unknown): string => {
  try {
    f();
    return "no error";
  } catch (e) {
    return `${(e as Error).name}${e instanceof DOMException ? ` DOMException ${e.code}` : ""}`;
  }
};

const script = (p: UserTiming) => {
  const a = p.mark("a", { startTime: 5, detail: { n: 1 } });
  p.mark("b", { startTime: 2 });
  p.mark("a", { startTime: 9 });
  p.measure("a-to-b", "b", "a");
  p.measure("opts", { start: "b", end: 20, detail: [1] });
  p.measure("dur", { start: 1, duration: 3 });
  p.measure("back", { end: "a", duration: 4 });
  p.measure("to-now", "b");
  return a;
};

test("marks and measures: names, types, times, details and startTime order as Node's", () => {
  const mine = ours();
  const node = theirs();
  const a = script(mine);
  script(node);
  assert.equal(shape(mine), shape(node));
  assert.equal(Object.keys(a.toJSON()), ["name", "entryType", "startTime", "duration", "detail"]);
  assert.equal(mine.getEntriesByName("a").map((e) => e.startTime), [5, 9]);
  assert.equal(mine.getEntriesByName("a", "measure"), []);
  assert.equal(mine.getEntriesByType("measure").map((e) => e.name), node.getEntriesByType("measure").map((e) => e.name));
});

test("detail is a clone; an absent detail is null", () => {
  const p = ours();
  const detail = { n: 1 };
  const m = p.mark("x", { detail });
  assert.equal(m.detail, { n: 1 });
  assert.is.not(m.detail, detail);
  assert.is(p.mark("y").detail, null);
  assert.is(nodePerformance.mark("y").detail, null);
});

test("clearMarks and clearMeasures, by name and all, as Node's", () => {
  for (const p of [ours(), theirs()]) script(p);
  const mine = ours();
  const node = theirs();
  for (const p of [mine, node]) {
    script(p);
    p.clearMarks("a");
    p.clearMeasures("dur");
  }
  assert.equal(shape(mine), shape(node));
  for (const p of [mine, node]) p.clearMarks();
  assert.equal(mine.getEntriesByType("mark"), []);
  assert.equal(shape(mine), shape(node));
  for (const p of [mine, node]) p.clearMeasures();
  assert.equal(mine.getEntries(), []);
});

test("errors: SyntaxError DOMException for an unknown mark, TypeError for bad options and arguments", () => {
  const cases: ((p: UserTiming) => unknown)[] = [
    (p) => p.measure("m", "nope"),
    (p) => p.measure("m", "a", "nope"),
    (p) => p.measure("m", { start: "nope" }),
    (p) => p.measure("m", { start: 1 }, "a"),
    (p) => p.measure("m", { start: 1, end: 2, duration: 1 }),
    (p) => p.mark("a", { startTime: -1 }),
    (p) => (p.mark as () => unknown)(),
    (p) => (p.measure as () => unknown)(),
  ];
  const mine = ours();
  const node = theirs();
  mine.mark("a");
  node.mark("a");
  assert.equal(cases.map((c) => errorOf(() => c(mine))), cases.map((c) => errorOf(() => c(node))));
  assert.is(errorOf(() => mine.measure("m", "nope")), "SyntaxError DOMException 12");
  // User Timing § 3.1.3 step 1.2: options with neither start nor end are a TypeError (Node 20 measures from 0).
  assert.is(errorOf(() => mine.measure("m", { detail: 1 })), "TypeError");
  assert.is(errorOf(() => mine.measure("m", { duration: 1 })), "TypeError");
});

test(`the buffer keeps the last ${MAX_ENTRIES} entries, dropping the oldest recorded`, () => {
  const p = ours();
  for (let i = 0; i < MAX_ENTRIES + 5; i++) p.mark(`m${i}`, { startTime: i });
  const kept = p.getEntries();
  assert.is(kept.length, MAX_ENTRIES);
  assert.is(kept[0].name, "m5");
  assert.is(kept[MAX_ENTRIES - 1].name, `m${MAX_ENTRIES + 4}`);
  assert.is(errorOf(() => p.measure("gone", "m0")), "SyntaxError DOMException 12");
});

test.run();
