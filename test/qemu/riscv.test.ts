import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";

// The RISC-V port on QEMU sifive_u (FU540, hart 1): what the firmware contract needs beyond the
// template and the ES2020 sample, which es2020.test.ts and template.test.ts boot there too.
const test = suite("RISC-V sifive_u");
const board = "sifive_u";

test("the exit code passes through RISC-V semihosting", async () => {
  const r = await boot(fixture("exit-code.ts"), { board });
  assert.is(r.output, "exiting with 42\n");
  assert.is(r.code, 42);
});

test("an uncaught exception names the TypeScript file and line, exit 1", async () => {
  const r = await boot(fixture("uncaught.ts"), { board });
  assert.match(r.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n/);
  assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
  assert.is(r.code, 1);
});

test("a load access fault prints mcause, mepc, mtval and the registers, exit 4", async () => {
  const r = await boot(fixture("loop/data-abort.ts"), { board });
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: load access fault at mepc=0x[0-9a-f]{16}\n/);
  assert.match(r.output, /mcause 0x0000000000000005 mtval \(fault address\) 0x0000000040000000/);
  // QEMU 7.2's SiFive UART model drops bytes its character device cannot take at once (it never
  // reports a full FIFO), which a fast dump can hit on a loaded host: check the dump's start only.
  assert.match(r.output, /\n {2}ra=0x[0-9a-f]{16} sp=0x[0-9a-f]{16} gp=0x[0-9a-f]{16}/);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("without the event loop yet, timers are refused with a clear error", async () => {
  const r = await boot(fixture("loop/chain.ts"), { board });
  assert.match(r.output, /^Uncaught TypeError: setTimeout: this board attached no clock/);
  assert.is(r.code, 1);
});

test.run();
