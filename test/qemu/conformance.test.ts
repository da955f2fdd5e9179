import { suite } from "uvu";
import * as assert from "uvu/assert";
import { asExpected, runConformance } from "../../tools/conformance/run.ts";

// QuickJS's own test files (docs/compatibility.md) on the Linux userspace targets and the Pi Zero:
// every case passes, or fails for the reason listed there.
const test = suite("QuickJS conformance files");

for (const board of ["linux-amd64", "linux-arm", "linux-riscv64", "pizero"]) {
  test(`run on ${board} as docs/compatibility.md says`, async () => {
    const results = await runConformance(board, 180, () => {});
    for (const r of results) assert.ok(asExpected(r), `${r.case.name}: ${r.passed ? "passed, but is listed as an expected failure" : r.detail}`);
    assert.ok(results.some((r) => r.case.name === "test_language.js" && r.passed), "test_language.js ran and passed");
  });
}

test.run();
