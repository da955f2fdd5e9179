import { test } from "uvu";
import * as assert from "uvu/assert";
import { EXIT_RESET, resetTraceArgs, traceShowsReset } from "../../../tools/lib/qemu-reset.ts";

// What Debian's QEMU 7.2 logs with -trace runstate_set (log backend), seen under -no-reboot.
const start = "runstate_set current_run_state 6 (prelaunch) new_state 9 (running)\n";
const stop = "runstate_set current_run_state 9 (running) new_state 11 (shutdown)\n";

test("a semihosting or debug-exit exit leaves the run state running: no reset", () => {
  assert.is(traceShowsReset(start), false);
  assert.is(traceShowsReset(""), false);
});

test("a reset under -no-reboot ends in the shutdown run state", () => {
  assert.is(traceShowsReset(`${start}${stop}`), true);
});

test("newer QEMUs' pid@time: prefix is understood", () => {
  assert.is(traceShowsReset(`123@1700000000.5:${start}123@1700000001.25:${stop}`), true);
});

test("a shutdown the guest asked for (power off) is not a reset", () => {
  assert.is(traceShowsReset(`${start}qemu_system_shutdown_request reason=3\n${stop}`), false);
});

test("both events are logged to the one file, and the reset exit code is 6", () => {
  assert.equal(resetTraceArgs("/tmp/t.log"), ["-trace", "runstate_set,file=/tmp/t.log", "-trace", "qemu_system_shutdown_request,file=/tmp/t.log"]);
  assert.is(EXIT_RESET, 6);
});

test.run();
