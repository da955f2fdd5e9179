import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { boot, build, fixture, type BootOptions } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { defaultApp } from "../../tools/lib/build.ts";
import { templateLines } from "../support/template-output.ts";
import { nodeOutput } from "../support/node-output.ts";
import { assertSerialInputIntact } from "../support/serial-boot.ts";

// The uefi-x64 board: BOOTX64.EFI from a GPT disk's EFI system partition, started by OVMF on
// QEMU q35 (docs/boards/uefi-x64.md). OVMF takes 10 to 20 s to reach the boot option under TCG,
// hence the longer timeouts; its own console text is not in the output (tools/lib/efi-console.ts).
const test = suite("UEFI x64 (OVMF on q35)");
const board = "uefi-x64";
const opts: BootOptions = { board, timeoutS: 180 };

test("BOOTX64.EFI is a PE32+ EFI application for x86-64 (objdump -p)", async () => {
  const fw = await build(defaultApp(), opts);
  const r = spawnSync("objdump", ["-p", fw.image], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /file format pei-x86-64\n/);
  assert.match(r.stdout, /\nMagic\s+020b\s+\(PE32\+\)\n/);
  assert.match(r.stdout, /\nSubsystem\s+0000000a\s+\(EFI application\)\n/);
});

test("the template boots through OVMF and exits 0, with OVMF's console text left out", async () => {
  const r = await boot(defaultApp(), opts);
  assert.is(r.output, templateLines.join("\n") + "\n");
  assert.is(r.code, 0);
});

test("the ES2020 sample prints exactly Node's output", async () => {
  const sample = fixture("es2020.ts");
  const r = await boot(sample, opts);
  assert.fixture(r.output, await nodeOutput(sample));
  assert.is(r.code, 0);
});

test("cpu.exit(42) is QEMU's exit code (isa-debug-exit on q35)", async () => {
  const r = await boot(fixture("exit-code.ts"), opts);
  assert.is(r.output, "exiting with 42\n");
  assert.is(r.code, 42);
});

test("an uncaught exception names the TypeScript file and lines, exit 1", async () => {
  const r = await boot(fixture("uncaught.ts"), opts);
  assert.match(r.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n/);
  assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
  assert.match(r.output, /at <anonymous> \(test\/fixtures\/uncaught\.ts:9\)/);
  assert.is(r.code, 1);
});

test("a page fault is reported with the vector and fault address, exit 4", async () => {
  const r = await boot(fixture("loop/data-abort.ts"), opts);
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: page fault \(#PF\) at rip=0x[0-9a-f]{16}\n/);
  assert.match(r.output, /\n {2}vector 14 error 0x0000000000000000 cr2 \(fault address\) 0x0000000040000000 /);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("timers fire in deadline order, never early (checked against the PIT's channel 0)", async () => {
  const r = await boot(fixture("loop/timer-order-pit.ts"), { ...opts, icount: true });
  assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
  assert.is(r.code, 0);
});

test("64 KiB of serial input arrive intact on COM1", async () => {
  await assertSerialInputIntact(board, 240);
});

test("a machine whose UEFI map holds the board's RAM range stops with the reason, exit 5", async () => {
  const fw = await build(fixture("exit-code.ts"), opts);
  // 128 MiB: OVMF's own data then lies in the board's range (0x2000000 to 0xa000000).
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 180, input: "", onOutput: () => {}, extraArgs: ["-m", "128M"] });
  assert.match(r.output, /tsmetal: the board's RAM 0x0000000002000000 to 0x000000000a000000 \(board\.json loadAddress, ramEnd\) is not free memory/);
  assert.match(r.output, /\n {2}in use: 0x[0-9a-f]{16} to 0x[0-9a-f]{16}, UEFI memory type /);
  assert.match(r.output, /tsmetal: cannot reserve the firmware's memory \(EFI status 0x800000000000000e\)\r?\n/);
  assert.is(r.code, 5);
});

test.run();
