import { test } from "uvu";
import * as assert from "uvu/assert";
import { withBoardColumn } from "../../../tools/conformance/docs.ts";
import { conformanceCases } from "../../../tools/conformance/files.ts";
import type { ConformanceResult } from "../../../tools/conformance/run.ts";

const START = "<!-- conformance-table:start (npm run conformance -- --board <b> --update-docs) -->";
const doc = `# Compatibility\n\n${START}\n<!-- conformance-table:end -->\n\nafter\n`;
const results = (fail: string): ConformanceResult[] =>
  conformanceCases.map((c) => ({ case: c, passed: c.name !== fail && !c.expectedFailure, detail: c.name === fail ? "Error: x | y" : "" }));

test("a board's column is written and another board's kept, with the expected failures explained", () => {
  const one = withBoardColumn(doc, "pizero", results(""));
  const two = withBoardColumn(one, "sifive_u", results("test_loop.js"));
  assert.match(two, /\| case \| `pizero` \| `sifive_u` \|\n/);
  assert.match(two, /\| `test_loop\.js` \| pass \| \*\*FAIL\*\*: Error: x \\\| y \|\n/);
  assert.match(two, /\| `test_bignum\.js` \| fails \(expected\) \| fails \(expected\) \|\n/);
  assert.match(two, /- `test_bignum\.js` fails by design: /);
  assert.ok(two.startsWith("# Compatibility\n") && two.endsWith("\nafter\n"), "text around the table is kept");
  // Rewriting a column replaces it rather than adding another.
  const again = withBoardColumn(two, "pizero", results("test_closure.js"));
  assert.match(again, /\| `test_closure\.js` \| \*\*FAIL\*\*: Error: x \\\| y \| pass \|\n/);
  assert.is(again.match(/`pizero`/g)?.length, 1);
});

test("a document without the markers is refused", () => {
  assert.throws(() => withBoardColumn("# nothing here\n", "pizero", results("")), /markers are missing/);
});

test.run();
