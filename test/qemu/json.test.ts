import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";

// JSON.parse / JSON.stringify (ECMA-262 §25.5, RFC 8259) and RegExp split as Node does them: the
// faults the JS fuzz found in QuickJS 2021-03-27 (invalid escapes and leading zeros accepted,
// boxed NaN serialized as NaN, unmatched split captures as "undefined", deep JSON.parse a
// SyntaxError), fixed by engine/patches/0009-json-conformance.patch.
const test = suite("JSON conformance prints what Node prints");

const sample = fixture("json/conformance.ts");
let expected: string;

test.before(async () => {
  expected = await nodeOutput(sample);
});

for (const board of ["pizero", "sifive_u"]) {
  test(`${board} prints exactly Node's output`, async () => {
    const r = await boot(sample, { board, timeoutS: 120 });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });
}

test.run();
