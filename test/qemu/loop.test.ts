import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { assertShellIrqLine } from "../support/serial-boot.ts";
import { expectBoot } from "../support/expect-boot.ts";

const test = suite("event loop");
const loopFixture = (name: string) => fixture(`loop/${name}.ts`);

test("timers fire in deadline order, never early, with their arguments; an interval stops", async () => {
  await expectBoot(loopFixture("timer-order"), { icount: true }, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
});

test("the same timers on the Raspberry Pi 1 (pi1)", async () => {
  await expectBoot(loopFixture("timer-order"), { icount: true, board: "pi1" }, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
});

test("timers and the shell on the Raspberry Pi 2 (pi2: Cortex-A7, MMU, peripherals at 0x3F000000)", async () => {
  await expectBoot(loopFixture("chain"), { icount: true, board: "pi2" }, "chained 10000\n");
  await assertShellIrqLine("pi2", 57, 3);
});

test("microtasks run before timers and between two timers", async () => {
  await expectBoot(loopFixture("microtasks"), { icount: true }, "sync,promise,microtask,timeout,t1,t1-promise,t1-microtask,t2\n");
});

test("10,000 chained setTimeout(0) complete", async () => {
  await expectBoot(loopFixture("chain"), { icount: true }, "chained 10000\n");
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

// The loop unit is evaluated from a native function (setTimeout) while unit main is still being
// evaluated; when it threw, QuickJS freed the modules not yet evaluated, main among them, and
// caught that was a CPU fault or an engine assertion (engine/patches/0013). On every arch.
for (const loopBoard of ["pizero", "sifive_u", "usbarmory-mk2", "microvm"]) {
  test(`${loopBoard}: a loop unit that throws, caught at the first timer: the firmware goes on, later uses throw it again`, async () => {
    const r = await boot(loopFixture("loop-unit-throws"), { board: loopBoard });
    const error = "RangeError: this test's clock.attach refuses";
    assert.ok(r.output.startsWith(`caught ${error}\nagain this test's clock.attach refuses\ndone\nUncaught ${error}\n`), r.output);
    assert.match(r.output, /\n {4}at start \(soc\/\w+\/loop\.ts:\d+\)\n/);
    assert.match(r.output, /\n {4}at <anonymous> \(test\/fixtures\/loop\/loop-unit-throws\.ts:11\)\n$/);
    assert.not.match(r.output, /CPU fault|assertion|not reached|tick/);
    assert.is(r.code, 1);
  });
}

test("a data abort prints the fault address and registers, exit 4", async () => {
  const r = await boot(loopFixture("data-abort"));
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: data abort at pc=0x[0-9a-f]{8}\n/);
  assert.match(r.output, /fault address 0x40000000 \(DFSR 0x[0-9a-f]{8}\)/);
  assert.match(r.output, /r0=0x[0-9a-f]{8} r1=.* r12=0x[0-9a-f]{8} lr=0x[0-9a-f]{8} spsr=0x[0-9a-f]{8}/s);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("Date.now() runs from the documented epoch and can be set; performance.now() is monotonic", async () => {
  const lines = [
    "starts at epoch true",
    "monotonic true sub-ms true",
    "timeOrigin true",
    "hz 1000000",
    "set 2026-11-24T12:00",
    "advanced true",
    "string handler: TypeError",
    "",
  ];
  await expectBoot(loopFixture("clock"), { icount: true }, lines.join("\n"));
});

test("setTime out of Date's range: a RangeError naming the number as JS prints it (the simulator's message)", async () => {
  const refused = [NaN, 8.64e15 + 2, -Infinity, 1e21, -1.5e300].map((ms) => `RangeError: clock.setTime: ${ms} is not a valid time value\n`);
  await expectBoot(loopFixture("set-time-range"), { icount: true }, refused.join(""));
});

test("an interrupt handler runs from the loop and keeps the firmware alive until removed", async () => {
  const output = "second handler: irq.on: line 1 already has a handler (irq.off first)\nbad line: RangeError\narmed\nhandled 3 on line 1\n";
  await expectBoot(loopFixture("irq-handler"), { icount: true }, output);
});

test.run();
