import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runSim, type SimRun } from "../../tools/sim/run.ts";
import { defaultApp } from "../../tools/lib/build.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { fixture } from "../qemu/boot.ts";
import { templateLines } from "../support/template-output.ts";
import { fnv1a, serialTestData } from "../qemu/serial-data.ts";

// The simulator's i.MX6ULL machine (models/soc/imx6ul.ts): GIC, UARTs, GPIO, WDOG, RNGB and the
// generic timer under the imx6ul family's board modules (issue 16 item 6).
const test = suite("Node simulator: the i.MX6UL boards");
const sim = (app: string, o: Partial<SimRun> = {}) => runSim({ board: "usbarmory-mk2", app, timeoutS: 60, onOutput: () => {}, ...o });

for (const board of ["usbarmory-mk2", "mx6ullevk"]) {
  test(`the template runs on ${board}: timers on the generic timer, console on its UART`, async () => {
    const r = await sim(defaultApp(), { board });
    assert.is(r.output, templateLines.join("\n") + "\n");
    assert.is(r.code, 0);
  });
}

test("the example shell answers on UART2 (usbarmory-mk2) and UART1 (mx6ullevk), receive interrupts through the GIC", async () => {
  for (const [board, line] of [["usbarmory-mk2", 59], ["mx6ullevk", 58]] as const) {
    const r = await sim(repoPath("examples/shell/main.ts"), { board, input: "irq\rexit 7\r" });
    assert.match(r.output, new RegExp(`^tsmetal shell on ${board}; type help\\n> irq\\r\\n(line \\d+: \\d+\\n)*line ${line}: [1-9]`));
    assert.is(r.code, 7, r.output);
  }
});

test("64 KiB into the i.MX UART arrive intact", async () => {
  const data = serialTestData();
  const r = await sim(fixture("loop/uart-checksum.ts"), { input: data });
  assert.is(r.output, `ready\nreceived 65536 fnv1a ${fnv1a(data)} overruns 0\n`);
  assert.is(r.code, 0);
});

test("10,000 chained timers on the generic timer", async () => {
  const r = await sim(fixture("loop/chain.ts"), { board: "mx6ullevk" });
  assert.is(r.output, "chained 10000\n");
  assert.is(r.code, 0);
});

test("board services: DIGPROG and timer facts, the RNGB, GPIO, a WDOG1 reboot ends with 6", async () => {
  const r = await sim(fixture("sim/imx-services.ts"));
  assert.is(r.output, "board usbarmory-mk2 digprog 650000 timer 8000000\nrandom true true\ngpio 1 0\ntimer after 1500 ms; rebooting\n");
  assert.is(r.code, 6);
});

test("a starved WDOG1 resets the board at its timeout", async () => {
  const r = await sim(fixture("sim/imx-starved-watchdog.ts"));
  assert.is(r.output, "watchdog started\n");
  assert.is(r.code, 6);
});

test.run();
