import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";

// Nothing grows without bound (issue 15): garbage cycles through WeakMaps must be collected
// (engine/patches/0014). QuickJS frees cycles only when its heap has grown by half since the last
// collection (js_trigger_gc), so the heap in use swings by up to about half the live data between
// rounds: the bound is well above that swing and well below what one leaking round adds (8 KB per
// request, 1.3 to 2 KB per WeakMap cycle).
const test = suite("the heap stays bounded");
const BOUND = 600 * 1024;

/** "<label> used <bytes>" lines, by label. */
function used(output: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const [, label, n] of output.matchAll(/^(.+) used (\d+)$/gm)) m.set(label, Number(n));
  return m;
}

function assertBounded(u: Map<string, number>, first: string, last: string): void {
  const a = u.get(first);
  const b = u.get(last);
  assert.ok(a !== undefined && b !== undefined, `missing "${first}" or "${last}"`);
  assert.ok(b - a < BOUND, `${last}: ${b} bytes in use, ${b - a} more than ${first} (bound ${BOUND})`);
}

for (const board of ["microvm", "sifive_u"]) {
  test(`${board}: 300 keep-alive HTTP requests over an in-memory link leave the heap where 100 did`, async () => {
    const r = await boot(fixture("net/keep-alive-heap.ts"), { board, timeoutS: 120 });
    assert.is(r.code, 0, r.output);
    assertBounded(used(r.output), "round 1", "round 3");
  });
}

for (const board of ["microvm", "pizero"]) {
  test(`${board}: cycles through WeakMaps are collected, and a live key keeps its value`, async () => {
    const r = await boot(fixture("weakmap-cycles.ts"), { board, timeoutS: 120 });
    assert.is(r.code, 0, r.output);
    const u = used(r.output);
    for (const kind of ["value-key", "url", "abort"]) assertBounded(u, `${kind} round 1`, `${kind} round 3`);
    assert.match(r.output, /^chain intact$/m);
  });
}

test.run();
