import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkPins, parsePinSpecs } from "../../../tools/sim/pin-schedule.ts";
import type { SimGpio } from "../../../models/machine.ts";

// npm run sim --pin PIN=LEVEL@TIME[,LEVEL@TIME...] (issue 16 item 6).
const test = suite("sim --pin specs");

test("changes of several pins come out in time order, times in µs", () => {
  assert.equal(parsePinSpecs(["17=1@500ms,0@0.9s", "4=0@250us,1@2s"]), [
    { us: 250, pin: 4, level: false },
    { us: 500_000, pin: 17, level: true },
    { us: 900_000, pin: 17, level: false },
    { us: 2_000_000, pin: 4, level: true },
  ]);
  assert.equal(parsePinSpecs([]), []);
});

test("changes at one time keep the order given", () => {
  assert.equal(parsePinSpecs(["5=1@1ms", "3=1@1ms"]).map((e) => e.pin), [5, 3]);
});

test("malformed specs are refused with what is wrong and the expected form", () => {
  const cases: Array<[string[], RegExp]> = [
    [["17"], /^--pin '17': no '=' after the pin number; expected --pin PIN=LEVEL@TIME\[,LEVEL@TIME\.\.\.\], e\.g\. --pin 17=1@500ms,0@900ms/],
    [["a=1@1ms"], /'a' is not a pin number/],
    [["=1@1ms"], /'' is not a pin number/],
    [["99999999999999999999=1@1ms"], /pin 99999999999999999999 is out of range/],
    [["17="], /no LEVEL@TIME after '='/],
    [["17=1@5"], /'1@5' has no unit \(us, ms or s\)/],
    [["17=2@5ms"], /'2@5ms' does not start with a level 0 or 1 and '@'/],
    [["17=1@5min"], /'1@5min' is not LEVEL@TIME/],
    [["17=1@-5ms"], /'1@-5ms' is not LEVEL@TIME/],
    [["17=1@5ms,"], /'' does not start with a level/],
    [["17=1@0.5us"], /'1@0\.5us' is not a whole number of microseconds/],
    [["17=1@86401s"], /'1@86401s' is later than a day after boot/],
    [["17=1@5ms,0@5ms"], /'0@5ms' is not later than the change before it/],
    [["17=1@1ms", "17=0@2ms"], /^--pin '17=0@2ms': pin 17 is given by another --pin too; list all its changes in one/],
  ];
  for (const [specs, message] of cases) assert.throws(() => parsePinSpecs(specs), message, specs.join(" "));
});

test("pins are checked against the machine's", () => {
  const pins: SimGpio = { numbering: "0-53", check: (p) => p <= 53, drive: () => {} };
  checkPins("pizero", parsePinSpecs(["53=1@1ms"]), pins);
  assert.throws(() => checkPins("pizero", parsePinSpecs(["54=1@1ms"]), pins), /^--pin: board 'pizero' has no pin 54 \(its pins: 0-53\)$/);
  assert.throws(() => checkPins("sifive_u", parsePinSpecs(["1=1@1ms"]), undefined), /machine for board 'sifive_u' has no GPIO model/);
  checkPins("sifive_u", [], undefined);
});

test.run();
