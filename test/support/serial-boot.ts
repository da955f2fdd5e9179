/** The serial console checks every board's QEMU tests make: bulk input, and the example shell's interrupt line. */
import * as assert from "uvu/assert";
import { boot, fixture } from "../qemu/boot.ts";
import { expectBoot } from "./expect-boot.ts";
import { fnv1a, serialTestData } from "../qemu/serial-data.ts";
import { repoPath } from "../../tools/lib/paths.ts";

/** Pipes 64 KiB into the console UART of `board` (the default board if none) and checks that all arrived, without an overrun. */
export async function assertSerialInputIntact(board?: string, timeoutS = 120): Promise<void> {
  const data = serialTestData();
  const input = Buffer.from(data);
  await expectBoot(fixture("loop/uart-checksum.ts"), { board, input, inputAfter: "ready\n", timeoutS }, `ready\nreceived 65536 fnv1a ${fnv1a(data)} overruns 0\n`);
}

/** Types `irq` and `exit <code>` into the example shell on `board`: its banner, interrupts counted on `line`, the exit code. */
export async function assertShellIrqLine(board: string, line: number, code = 5): Promise<void> {
  const r = await boot(repoPath("examples/shell/main.ts"), { board, input: `irq\rexit ${code}\r`, inputAfter: "> " });
  assert.match(r.output, new RegExp(`^tsmetal shell on ${board}; type help\\n> irq\\r\\n(line \\d+: \\d+\\n)*line ${line}: [1-9]`));
  assert.is(r.code, code);
}
