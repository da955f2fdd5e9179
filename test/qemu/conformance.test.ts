import { suite } from "uvu";
import * as assert from "uvu/assert";
import { asExpected, runConformance } from "../../tools/conformance/run.ts";

// QuickJS's own test files on the Pi Zero (docs/compatibility.md): every case passes, or fails
// for the reason listed there.
const test = suite("QuickJS conformance files");

test("run on pizero as docs/compatibility.md says", async () => {
  const results = await runConformance("pizero", 180, () => {});
  for (const r of results) assert.ok(asExpected(r), `${r.case.name}: ${r.passed ? "passed, but is listed as an expected failure" : r.detail}`);
  assert.ok(results.some((r) => r.case.name === "test_language.js" && r.passed), "test_language.js ran and passed");
});

test.run();
