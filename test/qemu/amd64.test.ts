import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, build, fixture } from "./boot.ts";
import { EXIT_EMULATOR_FAILED, runQemu } from "../../tools/lib/qemu.ts";
import { assertSerialInputIntact, assertShellIrqLine } from "../support/serial-boot.ts";

// The AMD64 port on QEMU microvm (PVH boot, musl, isa-debug-exit): what the firmware contract
// needs beyond the template, the ES2020 sample, the exit code and an uncaught exception, which
// template.test.ts, es2020.test.ts and errors.test.ts boot there too; the loop on the Firecracker and
// Cloud Hypervisor boards. Their image checks are in amd64-image.test.ts.
const test = suite("AMD64 microvm");
const board = "microvm";

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

// Firecracker's board runs the same loop (soc/pc/) on QEMU's microvm with its PIT, as Firecracker
// has KVM's in-kernel one; neither has CPUID leaf 0x40000010, so the TSC is measured against it.
for (const pitBoard of [board, "firecracker"]) {
  test(`${pitBoard}: timers fire in deadline order, never early (checked against the PIT's channel 0 directly)`, async () => {
    const r = await boot(fixture("loop/timer-order-pit.ts"), { board: pitBoard, icount: true });
    assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
    assert.is(r.code, 0);
  });

  test(`${pitBoard}: the loop clock is the TSC, calibrated against the PIT (1 GHz under -icount shift=0)`, async () => {
    const r = await boot(fixture("loop/clock.ts"), { board: pitBoard, icount: true });
    const hz = /\nhz (\d+)\n/.exec(r.output);
    assert.ok(hz, r.output);
    // Guest time is 1 ns per instruction; the calibration rounds up, by a few ppm at most.
    assert.ok(Number(hz[1]) >= 1e9 && Number(hz[1]) < 1e9 * 1.0001, `hz ${hz[1]}`);
    assert.is(
      r.output.replace(/\nhz \d+\n/, "\n"),
      "starts at epoch true\nmonotonic true sub-ms true\ntimeOrigin true\nset 2026-11-24T12:00\nadvanced true\nstring handler: TypeError\n",
    );
    assert.is(r.code, 0);
  });
}

// Cloud Hypervisor has no PIT and gives the TSC rate in CPUID leaf 0x40000010, which QEMU's TCG
// cannot present (nor leaves 0x15/0x16): under QEMU (microvm,pit=off) the board has no clock, and
// the first use of the loop stops the firmware with what was tried (hal/arch/amd64/cpu-timer.c).
test("cloud-hypervisor under QEMU (no PIT, no frequency leaf): the loop's first use names the sources tried, exit 1", async () => {
  const r = await boot(fixture("loop/clock.ts"), { board: "cloud-hypervisor", icount: true });
  assert.match(
    r.output,
    /^Uncaught RangeError: clock\.attach: no TSC frequency source: CPUID 0x40000010 absent \(hypervisor "TCGTCGTCGTCG", leaves to 0x40000001\); no 8254 PIT \(channel 2 status 0xff\); CPUID 0x15 absent \(leaves to 0xd\)\n {4}at attach \(native\)\n {4}at start \(soc\/pc\/loop\.ts:\d+\)\n/,
  );
  assert.match(r.output, /test\/fixtures\/loop\/clock\.ts:5\)\n$/);
  assert.is(r.code, 1);
});

// A timer first, caught: the loop unit throws while unit main is still being evaluated. QuickJS
// freed the modules not yet evaluated when a module's evaluation threw, main among them (a page
// fault in __JS_AtomToValue, exit 4); engine/patches/0013. Without icount, as `npm run qemu` boots.
test("cloud-hypervisor under QEMU: the loop's failure caught at a timer, the firmware goes on; later uses throw it again", async () => {
  const r = await boot(fixture("loop/no-clock-caught.ts"), { board: "cloud-hypervisor" });
  const error =
    'RangeError: clock.attach: no TSC frequency source: CPUID 0x40000010 absent (hypervisor "TCGTCGTCGTCG", leaves to 0x40000001); no 8254 PIT (channel 2 status 0xff); CPUID 0x15 absent (leaves to 0xd)';
  assert.ok(r.output.startsWith(`caught ${error}\nboard() RangeError\ndone\nUncaught ${error}\n    at attach (native)\n`), r.output);
  assert.match(r.output, /\n {4}at <anonymous> \(test\/fixtures\/loop\/no-clock-caught\.ts:8\)\n$/);
  assert.not.match(r.output, /CPU fault|refusing|not reached|tick/);
  assert.is(r.code, 1);
});

test("an exception thrown in a timer callback names its TypeScript line, exit 1", async () => {
  const r = await boot(fixture("loop/timer-throw.ts"), { board, icount: true });
  assert.match(r.output, /^Uncaught TypeError: bad state in timer\n/);
  assert.match(r.output, /test\/fixtures\/loop\/timer-throw\.ts:3/);
  assert.is(r.code, 1);
});

test("64 KiB piped into COM1 arrive intact (RX interrupts through the I/O APIC)", () => assertSerialInputIntact(board));

test("the example shell runs on microvm; COM1 is I/O APIC line 4", () => assertShellIrqLine(board, 4));

for (const servicesBoard of [board, "firecracker"]) {
  test(`${servicesBoard}: board(): the TSC frequency in info(); crypto.getRandomValues() from RDRAND`, async () => {
    const r = await boot(fixture("pc-services.ts"), { board: servicesBoard });
    assert.is(r.output, `board ${servicesBoard} tsc true\nrandom true true\nrandom32 number\nQuotaExceededError\n`);
    assert.is(r.code, 0);
  });
}

test("board().reboot() without UEFI (the reset register, the i8042, a triple fault): the board-reset line, exit 6", async () => {
  const r = await boot(fixture("uefi-services.ts"), { board });
  assert.is(r.output, "random rdrand true true true\nrebooting\n");
  assert.match(r.stderr, /the board reset itself/);
  assert.is(r.code, 6);
});

test("without RDRAND (-cpu qemu64) crypto.getRandomValues() says the board has no random source", async () => {
  const r = await boot(fixture("fu540-services.ts"), { board, qemuArgs: ["-cpu", "qemu64"] });
  assert.match(r.output, /TypeError crypto\.getRandomValues: this board has no random number source\n$/);
  assert.is(r.code, 0);
});

test.run();
