import { test } from "uvu";
import * as assert from "uvu/assert";
import { profileByJsFunction } from "../../../tools/lib/profile.ts";
import type { JsFunction } from "../../../tools/lib/bytecode-functions.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

const fn = (name: string, start: number, line: number, pc2line: number[]): JsFunction =>
  ({ name, script: "firmware.js", line, start, length: 16, pc2line: Uint8Array.from(pc2line) });

test("instructions per bytecode address become rows per JS function and .ts line, most first", () =>
  inTempDir("tsmetal-jsprof-", async (dir) => {
    // hot: line 20 for pcs 0-3, line 21 from pc 4 (short op: 4 pcs, +1 line)
    const functions = [fn("hot", 0x1000, 20, [1 + 4 * 5 + 2]), fn("cold", 0x2000, 30, [])];
    const table = { format: 1 as const, scripts: { "firmware.js": { "20": "src/app.ts:5", "21": "src/app.ts:6" } } };
    const profile = writeIn(dir, "jsprofile.txt", ["0 50", "1000 100", "1001 20", "1005 300", "2003 7", "1800 4", ""].join("\n"));
    const rows = await profileByJsFunction(functions, table, profile);
    assert.equal(rows.map((r) => [r.name, r.location, r.insns]), [
      ["hot", "src/app.ts:5", 420],
      ["(before JS)", "", 50],
      ["cold", "firmware.js:30", 7],
      ["(image data)", "", 4],
    ]);
    assert.equal(rows[0].lines, [["src/app.ts:6", 300], ["src/app.ts:5", 120]]);
    assert.equal(rows[2].lines, [["firmware.js:30", 7]], "a line without TypeScript keeps its bundle line");
  }));

test.run();
