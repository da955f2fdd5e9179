import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { assertSerialInputIntact } from "../support/serial-boot.ts";

const test = suite("serial input");

test("64 KiB piped into the UART arrive intact (interrupt-driven receive)", () => assertSerialInputIntact());

test("the example shell answers commands typed on the serial console", async () => {
  const input = ["help", "uptime", "mem", "peek 20003004", "peek 3", "irq", "frobnicate", "exit 7", ""].join("\r");
  const r = await boot(repoPath("examples/shell/main.ts"), { input, inputAfter: "> " });
  const out = r.output;
  assert.match(out, /^tsmetal shell on pizero; type help\n> help\r\n/);
  for (const cmd of ["help", "uptime", "mem", "peek", "poke", "irq", "exit"]) assert.match(out, new RegExp(`^\\s*${cmd}\\b`, "m"));
  assert.match(out, /> uptime\r\nup \d+\.\d{3} s\n/);
  assert.match(out, /> mem\r\nheap: \d+ bytes in use, peak \d+, limit \d+\n/);
  assert.match(out, /> peek 20003004\r\n0x20003004: 0x[0-9a-f]{8}\n/);
  assert.match(out, /> peek 3\r\nRangeError: mmio address 0x3 is not 4-byte aligned\n/);
  assert.match(out, /> irq\r\n(line \d+: \d+\n)*line 57: [1-9]\d*\n/);
  assert.match(out, /> frobnicate\r\nunknown command: frobnicate \(try help\)\n/);
  assert.match(out, /> exit 7\r\n$/);
  assert.is(r.code, 7);
});

test.run();
