import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkMaxJobMs, parseMaxJobMs, MAX_JOB_MS } from "../../../tools/lib/job-budget.ts";
import { firmwareOptions } from "../../../tools/commands/build.ts";

test("--max-job-ms takes whole milliseconds from 1 to 2^31 - 1", () => {
  assert.is(parseMaxJobMs(undefined), undefined);
  assert.is(parseMaxJobMs("100"), 100);
  assert.is(parseMaxJobMs(String(MAX_JOB_MS)), MAX_JOB_MS);
  for (const bad of ["0", "-5", "1.5", "100ms", "2147483648", " 100"]) {
    assert.throws(() => parseMaxJobMs(bad), /--max-job-ms takes whole milliseconds from 1 to 2147483647/, bad);
  }
});

test("board.json maxJobMs is checked the same way, naming the file", () => {
  assert.is(checkMaxJobMs(250, "boards/x/board.json maxJobMs"), 250);
  assert.throws(() => checkMaxJobMs("250", "boards/x/board.json maxJobMs"), /boards\/x\/board\.json maxJobMs takes whole milliseconds/);
});

test("the build commands pass --max-job-ms on to the build (a link-time symbol)", () => {
  assert.is(firmwareOptions("pizero", { "max-job-ms": "100" }).maxJobMs, 100);
  assert.is(firmwareOptions("pizero", {}).maxJobMs, undefined);
});

test.run();
