import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { boot, bootFirmware, build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { assertSerialInputIntact, assertShellIrqLine } from "../support/serial-boot.ts";

// The RISC-V port on QEMU sifive_u (FU540, hart 1): what the firmware contract needs beyond the
// template, the ES2020 sample, the exit code and an uncaught exception, which template.test.ts,
// es2020.test.ts and errors.test.ts boot there too.
const test = suite("RISC-V sifive_u");
const board = "sifive_u";

test("a load access fault prints mcause, mepc, mtval and the registers, exit 4", async () => {
  const fw = await build(fixture("loop/data-abort.ts"), { board });
  const r = await bootFirmware(fw);
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: load access fault at mepc=0x[0-9a-f]{16}\n/);
  assert.match(r.output, /mcause 0x0000000000000005 mtval \(fault address\) 0x0000000040000000/);
  assert.match(r.output, /\n {2}ra=0x[0-9a-f]{16} sp=0x[0-9a-f]{16} gp=0x[0-9a-f]{16}/);
  // The dump's last line: the whole dump arrives (see "console output is never lost" below).
  assert.match(r.output, /\n {2}t4=0x[0-9a-f]{16} t5=0x[0-9a-f]{16} t6=0x[0-9a-f]{16}\n$/);
  // tp points at the thread-local block (picolibc's errno), not at address 0.
  const tlsBlock = execFileSync(fw.board.target.nm.command, [fw.elf], { encoding: "utf8" }).match(/^([0-9a-f]+) \w __tls_block$/m);
  assert.ok(tlsBlock, "__tls_block in the image");
  assert.match(r.output, ` tp=0x${tlsBlock[1].padStart(16, "0")}\n`);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("console output is never lost when the host reads it late", async () => {
  // QEMU 7.2's SiFive UART drops a byte its character device refuses (it never reports a full
  // FIFO); with a pipe as QEMU's stdout, a host that stops reading for a moment lost output.
  const fw = await build(fixture("console-burst.ts"), { board });
  let stalled = false;
  const r = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 60,
    input: "",
    onOutput: () => {
      if (!stalled) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      stalled = true;
    },
  });
  const line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX";
  const expected = Array.from({ length: 512 }, (_, i) => `${String(i).padStart(3, "0")} ${line}\n`).join("");
  assert.ok(stalled);
  assert.is(r.output.length, expected.length);
  assert.is(r.output, expected);
  assert.is(r.code, 0);
});

test("timers fire in deadline order, never early (checked against the CLINT's mtime directly)", async () => {
  const r = await boot(fixture("loop/timer-order-clint.ts"), { board, icount: true });
  assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
  assert.is(r.code, 0);
});

test("the loop clock is mtime at the FU540's 1 MHz RTC clock; Date and performance follow it", async () => {
  const r = await boot(fixture("loop/clock.ts"), { board, icount: true });
  assert.is(
    r.output,
    "starts at epoch true\nmonotonic true sub-ms true\ntimeOrigin true\nhz 1000000\nset 2026-11-24T12:00\nadvanced true\nstring handler: TypeError\n",
  );
  assert.is(r.code, 0);
});

test("64 KiB piped into UART0 arrive intact (RX interrupts through the PLIC)", () => assertSerialInputIntact(board));

test("the example shell runs on sifive_u; its UART is PLIC line 4", () => assertShellIrqLine(board, 4));

test("board().info(): the serial number from the OTP fuses, clock rates from the PRCI; no RNG", async () => {
  const r = await boot(fixture("fu540-services.ts"), { board, qemuArgs: ["-M", "serial=0x1234abcd"] });
  assert.is(
    r.output,
    "board sifive_u serial 1234abcd\n" +
      // QEMU leaves CORECLKSEL at its reset value: coreclk is hfclk, tlclk half of it.
      'clocks {"hfclk":33333333,"core":33333333,"tlclk":16666667,"rtc":1000000}\n' +
      "TypeError crypto.getRandomValues: this board has no random number source\n",
  );
  assert.is(r.code, 0);
});

test.run();
