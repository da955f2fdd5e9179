import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { runSim, simMachineFor, type SimRun } from "../../tools/sim/run.ts";
import { loadBoard } from "../../tools/lib/boards.ts";
import { defaultApp } from "../../tools/lib/build.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { boot, fixture } from "../qemu/boot.ts";
import { nodeOutput } from "../support/node-output.ts";
import { templateLines } from "../support/template-output.ts";
import { halArgsOutput } from "../support/hal-args-output.ts";
import { fnv1a, serialTestData } from "../qemu/serial-data.ts";

// npm run sim: the firmware bundles on quickjs-emscripten over the peripheral models.
const test = suite("Node simulator");
const sim = (app: string, o: Partial<SimRun> = {}) => runSim({ board: "pizero", app, timeoutS: 60, onOutput: () => {}, ...o });

for (const board of ["pizero", "pi1", "sifive_u", "microvm"]) {
  test(`the template runs on ${board}`, async () => {
    const r = await sim(defaultApp(), { board });
    assert.is(r.output, templateLines.join("\n") + "\n");
    assert.is(r.code, 0);
  });
}

test("the ES2020 sample prints exactly Node's output (pizero, sifive_u, microvm)", async () => {
  const expected = await nodeOutput(fixture("es2020.ts"));
  for (const board of ["pizero", "sifive_u", "microvm"]) {
    const r = await sim(fixture("es2020.ts"), { board });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  }
});

test("board().network() says the simulator has no network device, naming QEMU's --forward (microvm, sifive_u)", async () => {
  for (const board of ["microvm", "sifive_u"]) {
    const r = await sim(fixture("net/command-line.ts"), { board });
    assert.match(r.output, new RegExp(`\\nnetwork Error: board "${board}": npm run sim has no network device model; run the firmware under QEMU for the network: npm run qemu -- --board ${board} --forward tcp:8080:80`));
    assert.is(r.code, 0, r.output);
  }
});

test("the web globals and Object.hasOwn print exactly Node's output (pizero, microvm)", async () => {
  const expected = await nodeOutput(fixture("web-globals.ts"));
  for (const board of ["pizero", "microvm"]) {
    const r = await sim(fixture("web-globals.ts"), { board });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0, board);
  }
});

test("exit codes, uncaught errors with the TypeScript line, out of memory, faults", async () => {
  const exit = await sim(fixture("exit-code.ts"));
  assert.is(exit.output, "exiting with 42\n");
  assert.is(exit.code, 42);
  const uncaught = await sim(fixture("uncaught.ts"), { board: "sifive_u" });
  assert.match(uncaught.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n {4}at parseReading \(test\/fixtures\/uncaught\.ts:4\)\n/);
  assert.is(uncaught.code, 1);
  const oom = await sim(fixture("out-of-memory.ts"), { memoryLimit: 1024 * 1024 });
  assert.match(oom.output, /^allocating\nUncaught InternalError: out of memory\n/);
  assert.is(oom.code, 3);
  const fault = await sim(fixture("loop/data-abort.ts"));
  assert.is(fault.output, "reading\n\ntsmetal sim: CPU fault: access to unmapped address 0x40000000\n");
  assert.is(fault.code, 4);
});

test("the simulator's hal refuses bad arguments as the native one does (pizero, microvm)", async () => {
  for (const board of ["pizero", "microvm"]) {
    const r = await sim(fixture("hardening/hal-args.ts"), { board });
    assert.fixture(r.output, halArgsOutput(board));
    assert.is(r.code, 0);
  }
});

// Issue "Hardening" 7: setMemoryLimit alone let 2 GiB through (tools/sim/wasm-memory.ts).
test("the memory limit holds: 2 GiB of typed arrays and a growing array end in out of memory, exit 3", async () => {
  const hoard = await sim(fixture("hardening/typed-array-hoard.ts"));
  assert.match(hoard.output, /^allocating 2 GiB\nInternalError: out of memory with some MiB held, within the limit: true\nUncaught InternalError: out of memory\n/);
  assert.is(hoard.code, 3);
  const growing = await sim(fixture("out-of-memory.ts"), { board: "sifive_u" });
  assert.match(growing.output, /^allocating\nUncaught InternalError: out of memory\n/);
  assert.is(growing.code, 3);
});

test("recursion that exhausts Node's stack inside the engine ends as a stack overflow, not a host error", async () => {
  const r = await sim(fixture("hardening/native-recursion.ts"));
  assert.is(r.output, "stringifying\nUncaught InternalError: stack overflow\ntsmetal sim: Node's stack ran out inside the engine's native code (the firmware could not catch it here)\n");
  assert.is(r.code, 1);
  const js = await sim(fixture("stack-overflow.ts"));
  assert.match(js.output, /^recursing\nUncaught InternalError: stack overflow\n {4}at deeper \(test\/fixtures\/stack-overflow\.ts:2\)\n/);
  assert.is(js.code, 1);
});

test("Date's locale strings are the engine's: Node's en-US in UTC", async () => {
  const r = await sim(fixture("hardening/locale-date.ts"));
  assert.fixture(r.output, await nodeOutput(fixture("hardening/locale-date.ts")));
  assert.is(r.code, 0);
});

test("timers in deadline order against the models' counters (BCM2835 system timer, CLINT mtime)", async () => {
  const expected = "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n";
  assert.is((await sim(fixture("loop/timer-order.ts"))).output, expected);
  assert.is((await sim(fixture("loop/timer-order-clint.ts"), { board: "sifive_u" })).output, expected);
  assert.is((await sim(fixture("loop/microtasks.ts"))).output, "sync,promise,microtask,timeout,t1,t1-promise,t1-microtask,t2\n");
  assert.is((await sim(fixture("loop/chain.ts"))).output, "chained 10000\n");
});

test("a one-hour timer takes simulated time, not real time", async () => {
  const t = Date.now();
  const r = await sim(fixture("loop/one-hour.ts"), { board: "sifive_u" });
  assert.is(r.output, "an hour later: 60 minutes\n");
  assert.ok(Date.now() - t < 20_000, "well under the hour");
});

test("an interrupt handler on a system timer channel; an exception in a timer", async () => {
  const irq = await sim(fixture("loop/irq-handler.ts"));
  assert.match(irq.output, /armed\nhandled 3 on line 1\n$/);
  assert.is(irq.code, 0);
  const thrown = await sim(fixture("loop/timer-throw.ts"));
  assert.is(thrown.output, "Uncaught TypeError: bad state in timer\n    at <anonymous> (test/fixtures/loop/timer-throw.ts:3)\n");
  assert.is(thrown.code, 1);
});

test("a loop unit that throws, caught at the first timer: later uses throw it again, as on the target", async () => {
  const r = await sim(fixture("loop/loop-unit-throws.ts"));
  const error = "RangeError: this test's clock.attach refuses";
  assert.ok(r.output.startsWith(`caught ${error}\nagain this test's clock.attach refuses\ndone\nUncaught ${error}\n`), r.output);
  assert.match(r.output, /\n {4}at <anonymous> \(test\/fixtures\/loop\/loop-unit-throws\.ts:11\)\n$/);
  assert.is(r.code, 1);
});

test("64 KiB into the console UART arrive intact (PL011, SiFive UART, 16550 through the I/O APIC)", async () => {
  const data = serialTestData();
  for (const board of ["pizero", "sifive_u", "microvm"]) {
    const r = await sim(fixture("loop/uart-checksum.ts"), { board, input: data });
    assert.is(r.output, `ready\nreceived 65536 fnv1a ${fnv1a(data)} overruns 0\n`);
    assert.is(r.code, 0);
  }
});

test("the example shell answers on the simulated console; board facts from the FU540 models", async () => {
  const shell = await sim(repoPath("examples/shell/main.ts"), { input: "irq\rexit 7\r" });
  assert.match(shell.output, /^tsmetal shell on pizero; type help\n> irq\r\n(line \d+: \d+\n)*line 57: [1-9]/);
  assert.is(shell.code, 7);
  const info = await sim(fixture("fu540-services.ts"), { board: "sifive_u" });
  assert.match(info.output, /^board sifive_u serial 00000001\nclocks \{"hfclk":33333333,"core":33333333,"tlclk":16666667,"rtc":1000000\}\n/);
});

// Each printed exactly as pizero under QEMU prints it, and as it should be (issue 16 item 6).
test("Dates print as on the target: no simulator class name (pizero under QEMU)", async () => {
  const app = fixture("sim/dates.ts");
  const [target, simulated] = await Promise.all([boot(app), sim(app)]);
  assert.is(
    target.output,
    "1970-01-01T00:00:00.000Z\n{ when: 1970-01-01T00:00:00.000Z, list: [ 1970-01-02T00:00:00.000Z ] }\nThu Jan 01 1970 00:00:00 GMT+0000\nInvalid Date\n",
  );
  assert.is(target.code, 0);
  assert.fixture(simulated.output, target.output);
  assert.is(simulated.code, target.code);
});

test("a rejection re-thrown by catch and dropped is reported and exits 1, as on the target (pizero under QEMU)", async () => {
  const app = fixture("sim/rethrown-rejection.ts");
  const [target, simulated] = await Promise.all([boot(app), sim(app)]);
  assert.is(target.output, "dropped\nUncaught (in promise) Error: x\n    at <anonymous> (test/fixtures/sim/rethrown-rejection.ts:3)\n");
  assert.is(target.code, 1);
  assert.fixture(simulated.output, target.output);
  assert.is(simulated.code, target.code);
});

// tools/sim/async-tracking.ts: quickjs-emscripten makes these promises where the guest cannot see them.
test("dropped rejections of async functions, async methods and new Promise: all reported in order, exit 1, as on the target (pizero under QEMU)", async () => {
  const app = fixture("sim/dropped-rejections.ts");
  const [target, simulated] = await Promise.all([boot(app), sim(app)]);
  const at = (line: number) => `(test/fixtures/sim/dropped-rejections.ts:${line})`;
  assert.is(
    target.output,
    [
      "dropped",
      "caught by await",
      "Uncaught (in promise) Error: x",
      `    at f ${at(5)}`,
      `    at <anonymous> ${at(7)}`,
      "Uncaught (in promise) Error: y",
      `    at <anonymous> ${at(8)}`,
      "    at Promise (native)",
      `    at <anonymous> ${at(8)}`,
      "Uncaught (in promise) RangeError: method",
      `    at read ${at(16)}`,
      `    at <anonymous> ${at(19)}`,
      "Uncaught (in promise) Error: after an await",
      `    at later ${at(11)}`,
      "",
    ].join("\n"),
  );
  assert.is(target.code, 1);
  assert.fixture(simulated.output, target.output);
  assert.is(simulated.code, target.code);
});

test("Pi board services in the simulator: mailbox answers through DMA memory, RNG, GPIO, watchdog reboot", async () => {
  for (const [board, revision, memory] of [["pizero", "920092", "1c000000"], ["pi2", "a21041", "3c000000"]] as const) {
    const r = await sim(fixture("pi-services.ts"), { board });
    assert.is(r.output, `board ${board} revision ${revision} memory ${memory}\nrandom true true true\ngpio 1 0\npin taken: Error\nrebooting\n`);
    // The reset exit code, as under QEMU (tools/lib/qemu-reset.ts).
    assert.is(r.code, 6);
  }
});

test("a firmware that waits for input that can never come ends with 124 at once", async () => {
  const r = await sim(fixture("loop/uart-checksum.ts"));
  assert.match(r.output, /^ready\ntsmetal sim: the firmware waits for an interrupt, and no timer or input is left to raise one\n$/);
  assert.is(r.code, 124);
});

test("a board without a simulator machine is refused by name; an unknown board too", async () => {
  const board = { ...loadBoard("pizero"), name: "nosim", family: "nosim" };
  try {
    await simMachineFor(board);
    assert.unreachable("a machine was made");
  } catch (e) {
    assert.match((e as Error).message, /board 'nosim' has no simulator machine \(no model of the SoC family 'nosim' in models\/machines\.ts\)/);
  }
  const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "sim", "--board", "pi9"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(r.stderr, /unknown board 'pi9'/);
  assert.is(r.status, 1);
});

test("the Pi 2 machine routes the GPU interrupt through the per-core block", async () => {
  const r = await sim(fixture("loop/chain.ts"), { board: "pi2" });
  assert.is(r.output, "chained 10000\n");
  assert.is(r.code, 0);
});

test.run();
