import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";

// W3C User Timing on performance (runtime/web/user-timing.ts, issue 18): marks, measures, the
// entry lists, clearing and the spec's errors print what Node 20 prints for the same calls.
const test = suite("performance.mark/measure print what Node prints");

let expected: string;
test.before(async () => {
  expected = await nodeOutput(fixture("user-timing.ts"));
});

for (const board of ["pizero", "microvm"]) {
  test(`${board}: mark, measure, getEntries*, clearMarks/clearMeasures and their errors as in Node`, async () => {
    const r = await boot(fixture("user-timing.ts"), { board, timeoutS: 120 });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });
}

test.run();
