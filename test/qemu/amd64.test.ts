import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, build, fixture } from "./boot.ts";
import { EXIT_EMULATOR_FAILED, runQemu } from "../../tools/lib/qemu.ts";

// The AMD64 port on QEMU microvm (PVH boot, musl, isa-debug-exit): what the firmware contract
// needs beyond the template and the ES2020 sample, which es2020.test.ts and template.test.ts boot
// there too. The image checks for the Firecracker and Cloud Hypervisor boards are in
// amd64-image.test.ts.
const test = suite("AMD64 microvm");
const board = "microvm";

test("the exit code passes through isa-debug-exit", async () => {
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

test("a page fault prints the vector, error code, RIP, CR2 and the registers, exit 4", async () => {
  const r = await boot(fixture("loop/data-abort.ts"), { board });
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: page fault \(#PF\) at rip=0x[0-9a-f]{16}\n/);
  // Error code 0: a read of a page that is not present (Intel SDM vol. 3, 4.7).
  assert.match(r.output, /\n {2}vector 14 error 0x0000000000000000 cr2 \(fault address\) 0x0000000040000000 rflags 0x[0-9a-f]{16}\n/);
  assert.match(r.output, /\n {2}rax=0x[0-9a-f]{16} rbx=0x[0-9a-f]{16} rcx=0x[0-9a-f]{16} rdx=0x[0-9a-f]{16}\n/);
  assert.match(r.output, /\n {2}r12=0x[0-9a-f]{16} r13=0x[0-9a-f]{16} r14=0x[0-9a-f]{16} r15=0x[0-9a-f]{16}\n {2}cs=0x0000000000000008 ss=0x0000000000000010\n$/);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("page 0 is left out of the page tables: reading address 0 faults", async () => {
  const r = await boot(fixture("null-read.ts"), { board });
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: page fault \(#PF\) at rip=0x[0-9a-f]{16}\n {2}vector 14 error 0x0000000000000000 cr2 \(fault address\) 0x0000000000000000 /);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("hal.io reaches the port space and refuses ports it cannot", async () => {
  const r = await boot(fixture("port-io.ts"), { board });
  assert.is(
    r.output,
    [
      "scratch 5a a5",
      "RangeError: I/O port 65536 is outside 0..0xffff",
      "RangeError: I/O port 0x3f9 is not 2-byte aligned",
      "RangeError: I/O port -4 is outside 0..0xffff",
      "",
    ].join("\n"),
  );
  assert.is(r.code, 0);
});

test("a VM with less RAM than the board's layout stops with a message, exit 5", async () => {
  const fw = await build(fixture("exit-code.ts"), { board });
  // A later -m wins over the board's: 64 MiB against the board's ramEnd of 128 MiB.
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", onOutput: () => {}, extraArgs: ["-m", "64M"] });
  assert.match(r.output, /^tsmetal: the VM has too little memory for this board: its RAM must reach 128 MiB/);
  assert.is(r.code, 5);
});

test("QEMU's own failure is not taken for a firmware exit code", async () => {
  const fw = await build(fixture("exit-code.ts"), { board });
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", onOutput: () => {}, extraArgs: ["-device", "no-such-device"] });
  assert.is(r.output, "");
  assert.is(r.code, EXIT_EMULATOR_FAILED);
  assert.match(r.stderr, /no-such-device/);
});

test.run();
