import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { lineTable, lookupLine, readLineTable, writeLineTable, LINE_TABLE_FILE } from "../../../tools/lib/line-table.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("lines.json maps each bundle line to its .ts line, relative to the project root", () =>
  inTempDir("tsmetal-lines-", async (root) => {
    mkdirSync(path.join(root, "src"));
    const src = writeIn(path.join(root, "src"), "app.ts", "const a: number = 1;\n\nfunction boom(): never {\n  throw new Error('x' + a);\n}\nboom();\n");
    const js = path.join(root, "firmware.js");
    await build({ entryPoints: [src], bundle: true, format: "esm", outfile: js, sourcemap: "external", logLevel: "silent" });
    const bundles = [{ unit: "main", script: "firmware.js", js, map: `${js}.map` }];
    const throwLine = readFileSync(js, "utf8").split("\n").findIndex((l) => l.includes("throw new Error")) + 1;
    const file = writeLineTable(bundles, root, root);
    assert.is(path.basename(file), LINE_TABLE_FILE);
    const table = readLineTable(file);
    assert.equal(table, lineTable(bundles, root));
    assert.is(lookupLine(table, "firmware.js", throwLine), "src/app.ts:4");
    assert.is(lookupLine(table, "format.js", throwLine), null, "a script not in the image");
    assert.is(lookupLine(table, "firmware.js", 10_000), null, "a line past the bundle's end");
  }));

test("a table of another format is refused, naming the file", () =>
  inTempDir("tsmetal-lines-bad-", (dir) => {
    const file = path.join(dir, LINE_TABLE_FILE);
    writeFileSync(file, JSON.stringify({ format: 0, scripts: {} }));
    assert.throws(() => readLineTable(file), /lines\.json: not a line table of format 1; rebuild/);
  }));

test.run();
