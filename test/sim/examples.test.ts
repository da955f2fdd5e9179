// examples/blink under npm run sim: the same output as on QEMU, the LED pin driven in the BCM2835
// GPIO model (simulated time: the 2.5 s of toggles take milliseconds).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runSim } from "../../tools/sim/run.ts";
import { repoPath } from "../../tools/lib/paths.ts";

const test = suite("examples under the simulator");

test("blink on pizero: ten toggles of the ACT LED, read back from the pin model, exit 0", async () => {
  const r = await runSim({ board: "pizero", app: repoPath("examples/blink/main.ts"), timeoutS: 60, onOutput: () => {} });
  const toggles = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? "ACT on (pin 47 = 0)" : "ACT off (pin 47 = 1)"));
  assert.is(r.output, ["blink: ACT LED on pin 47 of pizero, every 250 ms", ...toggles, "blink: done", ""].join("\n"));
  assert.is(r.code, 0, r.output);
});

test.run();
