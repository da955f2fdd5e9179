import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runSim } from "../../tools/sim/run.ts";
import { fixture } from "../qemu/boot.ts";
import { modernJsOutput } from "../support/modern-js-output.ts";
import { nodeOutput } from "../support/node-output.ts";

// The simulator runs the same ES2021-ES2024 fixtures as the boards (test/qemu/modern-js.test.ts).
const test = suite("modern JavaScript in the simulator");
const sim = (app: string, board: string) => runSim({ board, app, timeoutS: 120, onOutput: () => {} });

for (const board of ["pizero", "microvm"]) {
  test(`${board}: the ES2021-ES2024 library, syntax and globals print Node's output`, async () => {
    const r = await sim(fixture("modern-js.ts"), board);
    assert.fixture(r.output, await modernJsOutput(fixture("modern-js.ts")));
    assert.is(r.code, 0);
  });
}

test("pizero: @noble/* pass their RFC vectors", async () => {
  const r = await sim(fixture("noble.ts"), "pizero");
  assert.fixture(r.output, await nodeOutput(fixture("noble.ts")));
  assert.is(r.code, 0);
});

test("pizero: top-level await, and its rejection reported with its line, exit 1", async () => {
  const r = await sim(fixture("top-level-await.ts"), "pizero");
  assert.match(r.output, /^dep evaluated\napp starts after dep ready\nawaited 42\nfor await 1\nfor await 2\na job queued before the rejection runs\nUncaught \(in promise\) RangeError: rejected at the top level\n/);
  assert.match(r.output, /test\/fixtures\/top-level-await\.ts:15/);
  assert.is(r.code, 1);
});

test.run();
