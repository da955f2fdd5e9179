import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";

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
    const r = await boot(fixture("exit-code.ts"), { board });
    assert.is(r.output, "exiting with 42\n");
    assert.is(r.code, 42);
  });

  test(`${board}: an uncaught exception names the TypeScript file and line, exit 1`, async () => {
    const r = await boot(fixture("uncaught.ts"), { board });
    assert.match(r.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n/);
    assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
    assert.is(r.code, 1);
  });
}

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

test("running out of the memory limit exits 3 with a message", async () => {
  const r = await boot(fixture("out-of-memory.ts"), { memoryLimit: 1024 * 1024 });
  assert.match(r.output, /^allocating\nUncaught InternalError: out of memory\n/);
  assert.is(r.code, 3);
});

test("eval and new Function are refused in a default build", async () => {
  const r = await boot(fixture("no-eval.ts"));
  assert.is(r.output, "refused: TypeError eval is not supported\nrefused: TypeError eval is not supported\n");
  assert.is(r.code, 0);
});

test("mmio refuses misaligned and out-of-range addresses with a RangeError", async () => {
  const r = await boot(fixture("mmio-checks.ts"));
  assert.is(
    r.output,
    [
      "read32 misaligned -> RangeError mmio address 0x20201001 is not 4-byte aligned",
      "write16 misaligned -> RangeError mmio address 0x20201003 is not 2-byte aligned",
      "read8 negative -> RangeError mmio address -4 is negative",
      "read32 beyond 32 bits -> RangeError mmio address 0x100000000 is outside the address space",
      "FR.TXFE 1",
      "",
    ].join("\n"),
  );
  assert.is(r.code, 0);
});

test("a build with --enable-eval evaluates strings", async () => {
  const r = await boot(fixture("no-eval.ts"), { enableEval: true });
  assert.is(r.output, "evaluated 2\nevaluated 2\n");
  assert.is(r.code, 0);
});

test.run();
