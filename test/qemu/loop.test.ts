import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("event loop");
const loopFixture = (name: string) => fixture(`loop/${name}.ts`);

test("timers fire in deadline order, never early, with their arguments; an interval stops", async () => {
  const r = await boot(loopFixture("timer-order"), { icount: true });
  assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
  assert.is(r.code, 0);
});

test("the same timers on the Raspberry Pi 1 (pi1)", async () => {
  const r = await boot(loopFixture("timer-order"), { icount: true, board: "pi1" });
  assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
  assert.is(r.code, 0);
});

test("timers and the shell on the Raspberry Pi 2 (pi2: Cortex-A7, MMU, peripherals at 0x3F000000)", async () => {
  const r = await boot(loopFixture("chain"), { icount: true, board: "pi2" });
  assert.is(r.output, "chained 10000\n");
  assert.is(r.code, 0);
  const shell = await boot(repoPath("examples/shell/main.ts"), { board: "pi2", input: "irq\rexit 3\r", inputAfter: "> " });
  assert.match(shell.output, /^tsmetal shell on pi2; type help\n> irq\r\n(line \d+: \d+\n)*line 57: [1-9]/);
  assert.is(shell.code, 3);
});

test("microtasks run before timers and between two timers", async () => {
  const r = await boot(loopFixture("microtasks"), { icount: true });
  assert.is(r.output, "sync,promise,microtask,timeout,t1,t1-promise,t1-microtask,t2\n");
  assert.is(r.code, 0);
});

test("10,000 chained setTimeout(0) complete", async () => {
  const r = await boot(loopFixture("chain"), { icount: true });
  assert.is(r.output, "chained 10000\n");
  assert.is(r.code, 0);
});

test("an unhandled rejection in a timer exits 1 with the TypeScript location", async () => {
  const r = await boot(loopFixture("timer-rejection"), { icount: true });
  assert.match(r.output, /^sampling\nUncaught \(in promise\) RangeError: sensor went away\n/);
  assert.match(r.output, /at sample \(test\/fixtures\/loop\/timer-rejection\.ts:3\)/);
  assert.not.match(r.output, /must not run/);
  assert.is(r.code, 1);
});

test("an exception in a timer callback exits 1 with the TypeScript location", async () => {
  const r = await boot(loopFixture("timer-throw"), { icount: true });
  assert.match(r.output, /^Uncaught TypeError: bad state in timer\n/);
  assert.match(r.output, /test\/fixtures\/loop\/timer-throw\.ts:3/);
  assert.is(r.code, 1);
});

test("a data abort prints the fault address and registers, exit 4", async () => {
  const r = await boot(loopFixture("data-abort"));
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: data abort at pc=0x[0-9a-f]{8}\n/);
  assert.match(r.output, /fault address 0x40000000 \(DFSR 0x[0-9a-f]{8}\)/);
  assert.match(r.output, /r0=0x[0-9a-f]{8} r1=.* r12=0x[0-9a-f]{8} lr=0x[0-9a-f]{8} spsr=0x[0-9a-f]{8}/s);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("Date.now() runs from the documented epoch and can be set; performance.now() is monotonic", async () => {
  const r = await boot(loopFixture("clock"), { icount: true });
  assert.is(
    r.output,
    [
      "starts at epoch true",
      "monotonic true sub-ms true",
      "timeOrigin true",
      "hz 1000000",
      "set 2026-11-24T12:00",
      "advanced true",
      "string handler: TypeError",
      "",
    ].join("\n"),
  );
  assert.is(r.code, 0);
});

test("an interrupt handler runs from the loop and keeps the firmware alive until removed", async () => {
  const r = await boot(loopFixture("irq-handler"), { icount: true });
  assert.is(
    r.output,
    "second handler: irq.on: line 1 already has a handler (irq.off first)\nbad line: RangeError\narmed\nhandled 3 on line 1\n",
  );
  assert.is(r.code, 0);
});

test.run();
