/**
 * Issue "Hardening" 2 and 5: unhandled rejections tracked without a cap, the per-job execution
 * budget (--max-job-ms, exit 7) and the reset exit code (6), on the targets, Linux and the
 * simulator.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, build, fixture } from "./boot.ts";
import { runLinux } from "../../tools/lib/linux.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { runSim } from "../../tools/sim/run.ts";
import { RESET_MESSAGE } from "../../tools/lib/qemu-reset.ts";

const test = suite("limits: rejections, job budget, resets");
const limits = (name: string) => fixture(`limits/${name}.ts`);
const EXIT_RESET = 6, EXIT_JOB_BUDGET = 7;

const handledOutput = "settled 40: 20 fulfilled, 20 rejected\ncaught: task 0 failed\n";

for (const board of ["pizero", "sifive_u", "microvm"]) {
  test(`${board}: 40 tasks to allSettled (20 reject) and a caught Promise.all over 17 failures exit 0`, async () => {
    const r = await boot(limits("handled-rejections"), { board });
    assert.is(r.output, handledOutput);
    assert.is(r.code, 0);
  });
}

test("linux-amd64: the same handled rejections exit 0", async () => {
  const fw = await build(limits("handled-rejections"), { board: "linux-amd64" });
  const r = await runLinux({ board: fw.board, executable: fw.image, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.is(r.output, handledOutput);
  assert.is(r.code, 0);
});

test("simulator: the same handled rejections exit 0", async () => {
  const r = await runSim({ board: "pizero", app: limits("handled-rejections"), timeoutS: 60, onOutput: () => {} });
  assert.is(r.output, handledOutput);
  assert.is(r.code, 0);
});

for (const board of ["pizero", "microvm"]) {
  test(`${board}: 100 unhandled rejections are each reported with their reason, in order, exit 1`, async () => {
    const r = await boot(limits("unhandled"), { board });
    const reported = [...r.output.matchAll(/^Uncaught \(in promise\) Error: (.*)$/gm)].map((m) => m[1]);
    assert.equal(reported, Array.from({ length: 100 }, (_, i) => `reason ${i}`));
    assert.ok(r.output.startsWith("late handler ran\n"), r.output.slice(0, 200));
    assert.match(r.output, /at <anonymous> \(test\/fixtures\/limits\/unhandled\.ts:4\)/);
    assert.is(r.code, 1);
  });
}

// Where each busy job is stopped: the TypeScript line of its loop.
const busy = [
  { name: "busy-top", before: "spinning at top level\n", at: /at <anonymous> \(test\/fixtures\/limits\/busy-top\.ts:4\)/ },
  { name: "busy-timer", before: "spinning in a timer\n", at: /at spin \(test\/fixtures\/limits\/busy-timer\.ts:6\)/ },
  { name: "busy-regex", before: "matching\n", at: /at <anonymous> \(test\/fixtures\/limits\/busy-regex\.ts:6\)/ },
];
const budgetMessage = "tsmetal: a job ran longer than its execution budget of 100 ms (--max-job-ms) and was stopped\n";

for (const board of ["pizero", "sifive_u", "microvm"]) {
  for (const b of busy) {
    test(`${board}: --max-job-ms 100 stops ${b.name} with exit 7, the budget and the TS line`, async () => {
      const r = await boot(limits(b.name), { board, maxJobMs: 100, timeoutS: 60 });
      assert.ok(r.output.startsWith(b.before + budgetMessage), r.output);
      assert.match(r.output, b.at);
      assert.not.match(r.output, /finally must not run|caught/);
      assert.is(r.code, EXIT_JOB_BUDGET);
    });
  }
}

test("simulator: --max-job-ms 100 stops each busy job with exit 7 and the budget", async () => {
  for (const b of busy) {
    const r = await runSim({ board: "pizero", app: limits(b.name), timeoutS: 60, maxJobMs: 100, onOutput: () => {} });
    assert.ok(r.output.startsWith(b.before + budgetMessage), `${b.name}: ${r.output}`);
    assert.match(r.output, new RegExp(`test/fixtures/limits/${b.name}\\.ts:\\d+`));
    assert.not.match(r.output, /finally must not run|caught/);
    assert.is(r.code, EXIT_JOB_BUDGET, b.name);
  }
});

test("pizero: hal.cpu.setJobBudget checks its argument, sets a budget at run time, and stops a promise job", async () => {
  const r = await boot(limits("budget-runtime"));
  assert.ok(
    r.output.startsWith(
      "RangeError: cpu.setJobBudget: the budget is a whole number of milliseconds from 1 to 2147483647, or 0 for none\n" +
        "short job ok 499500\n" +
        "tsmetal: a job ran longer than its execution budget of 50 ms (hal.cpu.setJobBudget) and was stopped\n",
    ),
    r.output,
  );
  assert.match(r.output, /at spinInJob \(test\/fixtures\/limits\/budget-runtime\.ts:15\)/);
  assert.is(r.code, EXIT_JOB_BUDGET);
});

// QEMU's BCM2835 PM resets at once when the watchdog is armed; the i.MX WDOG counts down.
test("pizero: a watchdog reset ends the run with exit 6 and a message, not 0", async () => {
  const r = await boot(fixture("loop/watchdog-starve.ts"), { board: "pizero", icount: true });
  assert.is(r.output, "");
  // After whatever QEMU itself warned about (-icount without timers, for one).
  assert.ok(r.stderr.endsWith(RESET_MESSAGE), r.stderr);
  assert.is(r.code, EXIT_RESET);
});

test("usbarmory-mk2: a starved watchdog resets the board: exit 6 and a message", async () => {
  const r = await boot(fixture("loop/watchdog-starve.ts"), { board: "usbarmory-mk2", icount: true });
  assert.is(r.output, "fed 10 times, stopping\n");
  // After whatever QEMU itself warned about (-icount without timers, for one).
  assert.ok(r.stderr.endsWith(RESET_MESSAGE), r.stderr);
  assert.is(r.code, EXIT_RESET);
});

test("simulator: a watchdog reboot ends the run with exit 6", async () => {
  const r = await runSim({ board: "pizero", app: fixture("pi-services.ts"), timeoutS: 60, onOutput: () => {} });
  assert.ok(r.output.endsWith("rebooting\n"), r.output);
  assert.match(r.stderr, /the board reset itself/);
  assert.is(r.code, EXIT_RESET);
});

test.run();
