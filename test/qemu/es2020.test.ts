import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";

const test = suite("ES2020 features print what Node prints");

const sample = fixture("es2020.ts");
let expected: string;

test.before(async () => {
  expected = await nodeOutput(sample);
});

for (const board of ["pizero", "pi1", "pi2", "sifive_u", "microvm", "usbarmory-mk2", "usbarmory-mk2-lan", "mx6ullevk"]) {
  test(`${board} prints exactly Node's output`, async () => {
    const r = await boot(sample, { board });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });
}

test.run();
