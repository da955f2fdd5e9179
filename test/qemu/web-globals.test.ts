import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";

// The web globals (runtime/web/, loaded on first use by engine/src/web-globals.c) and
// Object.hasOwn (engine/patches/0012) print what Node's own print for the same bundle.
const test = suite("web globals print what Node prints");

const sample = fixture("web-globals.ts");
let expected: string;

test.before(async () => {
  expected = await nodeOutput(sample);
});

for (const board of ["pizero", "sifive_u", "microvm", "usbarmory-mk2"]) {
  test(`${board} prints exactly Node's output`, async () => {
    const r = await boot(sample, { board });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });
}

test.run();
