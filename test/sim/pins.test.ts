import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { runSim } from "../../tools/sim/run.ts";
import { parsePinSpecs } from "../../tools/sim/pin-schedule.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { fixture } from "../qemu/boot.ts";

// npm run sim --pin: GPIO inputs driven at machine times (tools/sim/pin-schedule.ts), seen by the
// app through board().openDigital() with edge interrupts (issue 16 item 6).
const test = suite("Node simulator: --pin");
const watch = fixture("sim/pin-watch.ts");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "sim", "--app", watch, "--define", "PIN=17", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });

test("level changes arrive at their machine times, as edge interrupts (pizero GPIO 17, usbarmory-mk2 GPIO1_IO17)", async () => {
  for (const board of ["pizero", "usbarmory-mk2"]) {
    const r = await runSim({ board, app: watch, timeoutS: 60, onOutput: () => {}, defines: { PIN: "17" }, pins: parsePinSpecs(["17=1@500ms,0@900ms,1@1.5s"]) });
    assert.is(r.output, "pin 17 starts at 0\npin 17 is 1 at 500 ms\npin 17 is 0 at 900 ms\npin 17 is 1 at 1500 ms\n", board);
    assert.is(r.code, 0);
  }
});

test("a level given at 0 is there at power-on; the command line takes --pin", () => {
  const r = cli("--board", "mx6ullevk", "--pin", "17=1@0ms,0@250000us,1@1s,0@2s");
  assert.is(r.stdout, "pin 17 starts at 1\npin 17 is 0 at 250 ms\npin 17 is 1 at 1000 ms\npin 17 is 0 at 2000 ms\n", r.stderr);
  assert.is(r.status, 0);
});

test("without --pin nothing drives the pin: the firmware waits for an edge that cannot come, 124 at once", async () => {
  const r = await runSim({ board: "pizero", app: watch, timeoutS: 60, onOutput: () => {}, defines: { PIN: "17" } });
  assert.match(r.output, /^pin 17 starts at 0\ntsmetal sim: the firmware waits for an interrupt, and no timer or input is left to raise one\n$/);
  assert.is(r.code, 124);
});

test("malformed specs, pins the board does not have and machines without GPIO are refused before the build, exit 1", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--pin", "17"], /--pin '17': no '=' after the pin number; expected --pin PIN=LEVEL@TIME/],
    [["--pin", "17=1@500"], /'1@500' has no unit \(us, ms or s\)/],
    [["--pin", "17=high@5ms"], /'high@5ms' does not start with a level 0 or 1 and '@'/],
    [["--pin", "17=1@5ms,0@5ms"], /'0@5ms' is not later than the change before it/],
    [["--pin", "17=1@1.5us"], /'1@1\.5us' is not a whole number of microseconds/],
    [["--pin", "17="], /no LEVEL@TIME after '='/],
    [["--pin=-1=1@1ms"], /'-1' is not a pin number/],
    [["--pin", "17=1@25h"], /'1@25h' is not LEVEL@TIME/],
    [["--pin", "17=1@90000s"], /later than a day after boot/],
    [["--pin", "17=1@1ms", "--pin", "17=0@2ms"], /pin 17 is given by another --pin too/],
    [["--pin", "54=1@1ms"], /--pin: board 'pizero' has no pin 54 \(its pins: 0-53\)/],
    [["--board", "usbarmory-mk2", "--pin", "140=1@1ms"], /--pin: board 'usbarmory-mk2' has no pin 140 \(its pins: 32 \* \(n - 1\) \+ m for GPIOn_IOm\)/],
    [["--board", "sifive_u", "--pin", "1=1@1ms"], /--pin: the simulator's machine for board 'sifive_u' has no GPIO model/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.match(r.stderr, message, args.join(" "));
    assert.is(r.stdout, "", args.join(" "));
    assert.is(r.status, 1, args.join(" "));
  }
});

test.run();
