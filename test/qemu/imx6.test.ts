import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { boot, build, fixture } from "./boot.ts";
import { assertSerialInputIntact, assertShellIrqLine } from "../support/serial-boot.ts";

// The i.MX6UL/ULL boards on QEMU's mcimx6ul-evk (Cortex-A7): what the firmware contract needs
// beyond the template, the ES2020 sample, the exit code and an uncaught exception, which
// template.test.ts, es2020.test.ts and errors.test.ts boot there too. The USB armory's console is UART2 (QEMU's second -serial), the EVK's UART1.
const test = suite("i.MX6UL boards");

test("a read outside the memory map is a data abort with DFAR, DFSR and the registers, exit 4", async () => {
  const r = await boot(fixture("loop/data-abort.ts"), { board: "usbarmory-mk2" });
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: data abort at pc=0x8[0-9a-f]{7}\n/);
  // Short-descriptor DFSR 0b00101: translation fault, section (the MMU map has no 0x40000000).
  assert.match(r.output, /\n {2}fault address 0x40000000 \(DFSR 0x00000005\)\n/);
  assert.match(r.output, /\n {2}r12=0x[0-9a-f]{8} lr=0x[0-9a-f]{8} spsr=0x[0-9a-f]{8}\n/);
  assert.not.match(r.output, /must not get here/);
  assert.is(r.code, 4);
});

test("timers fire in deadline order, never early (generic timer, GIC PPI 29)", async () => {
  const r = await boot(fixture("loop/timer-order-generic-timer.ts"), { board: "usbarmory-mk2", icount: true });
  assert.is(r.output, "args 1 two 3\norder z0 a10 a10bis b20 c30 d40 d50\ninterval ticks 5\nearly 0\n");
  assert.is(r.code, 0);
});

test("the loop clock is CNTPCT at QEMU's 62.5 MHz; Date and performance follow it", async () => {
  const r = await boot(fixture("loop/clock.ts"), { board: "mx6ullevk", icount: true });
  assert.is(
    r.output,
    "starts at epoch true\nmonotonic true sub-ms true\ntimeOrigin true\nhz 62500000\nset 2026-11-24T12:00\nadvanced true\nstring handler: TypeError\n",
  );
  assert.is(r.code, 0);
});

test("an uncaught error in a timer callback names its TypeScript line, exit 1", async () => {
  const r = await boot(fixture("loop/timer-throw.ts"), { board: "usbarmory-mk2", icount: true });
  assert.match(r.output, /^Uncaught TypeError: bad state in timer\n/);
  assert.match(r.output, /test\/fixtures\/loop\/timer-throw\.ts:3/);
  assert.is(r.code, 1);
});

for (const board of ["usbarmory-mk2", "mx6ullevk"]) {
  test(`${board}: 64 KiB piped into the console UART arrive intact (RX interrupts through the GIC)`, () => assertSerialInputIntact(board, 180));
}

test("the example shell runs on mx6ullevk; its console UART1 is GIC line 58", () => assertShellIrqLine("mx6ullevk", 58));

test("GPT1 compare and EPIT1 periodic interrupts arrive through the GIC", async () => {
  const r = await boot(fixture("loop/imx6-timers.ts"), { board: "usbarmory-mk2", icount: true });
  assert.is(r.output, "gpt compare at 20000 ticks: true\nepit periods: 5\n");
  assert.is(r.code, 0);
});

test("board services: facts, the UL's CAAM TRNG (not in QEMU), GPIO output, exclusive pins, an unstoppable watchdog, a reboot that ends QEMU", async () => {
  const r = await boot(fixture("imx6-services.ts"), { board: "usbarmory-mk2" });
  assert.is(
    r.output,
    // QEMU's machine is an i.MX6UL (DIGPROG 0x640000) without OCOTP fuses, without an RNGB, and
    // with an unimplemented CAAM (its registers read 0).
    "board usbarmory-mk2 revision 640000 serial 0000000000000000 clocks { timer: 62500000 }\n" +
      // At once, not after the 2 s the services give the TRNG to produce entropy.
      "crypto: ImxCaam: no TRNG at 0x2140000\n" +
      "gpio 1 0\npin taken: Error\nno GPIO6: RangeError\n" +
      "stop: ImxWdog: the i.MX watchdog cannot be stopped once started (WCR.WDE is write-once until reset)\nrebooting\n",
  );
  // A reset, told apart from an exit 0 (tools/lib/qemu-reset.ts).
  assert.match(r.stderr, /the board reset itself/);
  assert.is(r.code, 6);
});

test("the WDOG resets the board once it is no longer fed (and not while it is)", async () => {
  const r = await boot(fixture("loop/watchdog-starve.ts"), { board: "mx6ullevk", icount: true });
  assert.is(r.output, "fed 10 times, stopping\n");
  assert.is(r.code, 6);
});

for (const board of ["usbarmory-mk2", "mx6ullevk"]) {
  test(`${board}: the i.MX boot image has a valid IVT and DCD, loads in DDR and enters at the link address`, async () => {
    const fw = await build(fixture("exit-code.ts"), { board });
    assert.ok(fw.imxImage, "no imx image");
    const d = spawnSync("dumpimage", ["-l", fw.imxImage], { encoding: "utf8" });
    assert.is(d.status, 0, d.stderr);
    assert.match(d.stdout, /Image Type:\s+Freescale IMX Boot Image\n/);
    assert.match(d.stdout, /Image Ver:\s+2 /);
    assert.match(d.stdout, /Mode:\s+DCD\n/);
    assert.match(d.stdout, /Entry Point:\s+80010000\n/);
    const load = parseInt(/Load Address:\s+([0-9a-f]+)/.exec(d.stdout)?.[1] ?? "0", 16);
    assert.ok(load >= 0x8000_0000 && load < 0x8001_0000, `load address ${load.toString(16)} in DDR below the entry`);
    // The IVT itself (i.MX6UL RM, "Image Vector Table"): tag 0xD1, length 32, version 4.x, then
    // entry, DCD, boot data and self pointers; boot data says where the ROM copies the image.
    const img = readFileSync(fw.imxImage);
    assert.is(img[0], 0xd1);
    assert.is(img.readUInt16BE(1), 0x20);
    assert.is(img[3] & 0xf0, 0x40);
    const [entry, dcd, bootData, self] = [4, 12, 16, 20].map((o) => img.readUInt32LE(o));
    assert.is(entry, 0x8001_0000);
    assert.ok(dcd > self && dcd < entry, "DCD between IVT and entry");
    const start = img.readUInt32LE(bootData - self);
    assert.is(start, self - 0x400, "the IVT is 1 KiB into the boot medium");
    assert.ok(start >= 0x8000_0000, "the ROM copies into DDR");
    assert.ok(img.readUInt32LE(bootData - self + 4) >= img.length + 0x400, "boot data length covers the image");
    assert.is(img[dcd - self], 0xd2, "DCD tag");
    assert.ok(img.subarray(entry - self).subarray(0, fw.sizes.imageBytes).equals(readFileSync(fw.image)), "firmware.bin at the entry");
  });
}

test.run();
