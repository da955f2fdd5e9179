import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { boot, build, fixture } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { heapLayout } from "../../tools/lib/heap-layout.ts";
import { requireTool, run } from "../../tools/lib/toolchain.ts";
import { halArgsOutput } from "../support/hal-args-output.ts";
import { nodeOutput } from "../support/node-output.ts";
import { expectBoot } from "../support/expect-boot.ts";

const test = suite("errors on the target");

test("an uncaught exception names the TypeScript file and lines, exit 1", async () => {
  const r = await boot(fixture("uncaught.ts"));
  assert.ok(r.output.startsWith("reading 21.5\nUncaught Error: bad sensor reading 'oops'\n"), r.output);
  assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
  assert.match(r.output, /at <anonymous> \(test\/fixtures\/uncaught\.ts:9\)/);
  assert.is(r.code, 1);
});

// Every architecture's path for the exit code and an uncaught exception's TypeScript location
// (pizero's: above and in template.test.ts).
const exitPaths: Record<string, string> = {
  sifive_u: "RISC-V semihosting",
  microvm: "isa-debug-exit",
  "usbarmory-mk2": "ARM semihosting",
  mx6ullevk: "ARM semihosting",
};
for (const [board, path] of Object.entries(exitPaths)) {
  test(`${board}: the exit code passes through ${path}`, async () => {
    await expectBoot(fixture("exit-code.ts"), { board }, "exiting with 42\n", 42);
  });

  test(`${board}: an uncaught exception names the TypeScript file and line, exit 1`, async () => {
    const r = await boot(fixture("uncaught.ts"), { board });
    assert.match(r.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n/);
    assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
    assert.is(r.code, 1);
  });
}

// --memory-limit is checked against the heap computed from board.json (tools/lib/heap-layout.ts,
// which mirrors the linker scripts through Target.ramLayout): it must be the linked heap.
for (const board of ["pizero", "linux-amd64", ...Object.keys(exitPaths)]) {
  test(`${board}: the heap --memory-limit is checked against is the linked firmware's`, async () => {
    const fw = await build(fixture("exit-code.ts"), { board });
    const nm = await run(await requireTool(fw.board.target.nm), [fw.elf], "reading symbols");
    const symbol = (name: string) => parseInt(new RegExp(`^([0-9a-f]+) \\w ${name}$`, "m").exec(nm)?.[1] ?? "NaN", 16);
    const h = heapLayout(fw.board);
    assert.equal([h.start, h.end], [symbol("__heap_start"), symbol("__heap_end")]);
  });
}

// A one-line arrow's code never leaves its first line, so QuickJS kept no line table for it and
// printed `at nested (firmware.js)` (engine/patches/0015-line-of-one-line-functions.patch).
for (const board of ["pizero", "microvm"]) {
  test(`${board}: frames of top-level and nested arrow functions map to .ts lines`, async () => {
    const r = await boot(fixture("arrow-throw.ts"), { board });
    const frames = ["inner (test/fixtures/arrow-throw.ts:4)", "nested (test/fixtures/arrow-throw.ts:8)",
      "outer (test/fixtures/arrow-throw.ts:9)", "<anonymous> (test/fixtures/arrow-throw.ts:11)"];
    assert.ok(r.output.endsWith(`Uncaught Error: arrow boom 2\n${frames.map((f) => `    at ${f}\n`).join("")}`), r.output);
    assert.is(r.code, 1);
  });
}

test("trace paths are relative to the project root whatever folder the command runs in", () => {
  const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--board", "pizero", "--app", "fixtures/arrow-throw.ts", "--timeout", "60"],
    { cwd: repoPath("test"), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
  assert.match(r.stdout, /\n {4}at nested \(test\/fixtures\/arrow-throw\.ts:8\)\n/, `${r.stdout}${r.stderr}`);
  assert.is(r.status, 1, r.stderr);
});

test("an unhandled promise rejection is reported with its location, exit 1", async () => {
  const r = await boot(fixture("rejection.ts"));
  assert.match(r.output, /^started calibration\nUncaught \(in promise\) RangeError: calibration out of range\n/);
  assert.match(r.output, /at calibrate \(test\/fixtures\/rejection\.ts:4\)/);
  assert.is(r.code, 1);
});

test("stack overflow is an uncaught InternalError, not a crash", async () => {
  const r = await boot(fixture("stack-overflow.ts"));
  assert.match(r.output, /^recursing\nUncaught InternalError: stack overflow\n/);
  assert.match(r.output, /at deeper \(test\/fixtures\/stack-overflow\.ts:2\)/);
  assert.is(r.code, 1);
});

// Every arch: a --memory-limit is a link-time symbol, and on RISC-V a value built into
// instructions changed the code's length and so the engine snapshot's function pointers (the
// snapshot was refused with exit 2 on sifive_u).
for (const board of ["pizero", "usbarmory-mk2", "sifive_u", "microvm"]) {
  test(`running out of the memory limit exits 3 with a message (${board})`, async () => {
    const r = await boot(fixture("out-of-memory.ts"), { board, memoryLimit: 1024 * 1024 });
    assert.match(r.output, /^allocating\nUncaught InternalError: out of memory\n/);
    assert.is(r.code, 3);
  });
}

test("eval and new Function are refused in a default build", async () => {
  await expectBoot(fixture("no-eval.ts"), {}, "refused: TypeError eval is not supported\nrefused: TypeError eval is not supported\n");
});

test("mmio refuses misaligned and out-of-range addresses with a RangeError", async () => {
  const lines = [
    "read32 misaligned -> RangeError mmio address 0x20201001 is not 4-byte aligned",
    "write16 misaligned -> RangeError mmio address 0x20201003 is not 2-byte aligned",
    "read8 negative -> RangeError mmio address -4 is negative",
    "read32 beyond 32 bits -> RangeError mmio address 0x100000000 is outside the address space",
    "FR.TXFE 1",
    "",
  ];
  await expectBoot(fixture("mmio-checks.ts"), {}, lines.join("\n"));
});

// Issue "Hardening" 8: undefined/NaN were address 0, 2^64 + n address n, 256 a write of 0.
for (const board of ["pizero", "sifive_u", "microvm"]) {
  test(`${board}: every hal entry refuses a non-integer, out-of-range or non-Number argument by name`, async () => {
    const r = await boot(fixture("hardening/hal-args.ts"), { board });
    assert.fixture(r.output, halArgsOutput(board));
    assert.is(r.code, 0);
  });
}

// After 10^5 pending timers the timer list's storage shrinks back (engine/src/timers.c).
for (const board of ["pizero", "sifive_u"]) {
  test(`${board}: the timer list gives its memory back after a burst of 10^5 timers`, async () => {
    const output = "fired 100000\nthe burst took over 2 MB: true\nkept under 64 KiB after it: true\n";
    await expectBoot(fixture("hardening/timer-burst.ts"), { board, timeoutS: 120 }, output);
  });
}

// QuickJS 2021-03-27 printed 12:30 as "00:30:00 PM" (engine/patches/0008-date-locale-strings.patch).
for (const board of ["pizero", "sifive_u"]) {
  test(`${board}: Date's locale strings are Node's en-US in UTC (12-hour clock)`, async () => {
    const r = await boot(fixture("hardening/locale-date.ts"), { board });
    assert.fixture(r.output, await nodeOutput(fixture("hardening/locale-date.ts")));
    assert.is(r.code, 0);
  });
}

test("a build with --enable-eval evaluates strings", async () => {
  await expectBoot(fixture("no-eval.ts"), { enableEval: true }, "evaluated 2\nevaluated 2\n");
});

test.run();
