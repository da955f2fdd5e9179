import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { loadLineMapper } from "../../../tools/lib/source-map.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("stack frames of every unit map back to TypeScript lines", () =>
  inTempDir("tsmetal-map-", async (dir) => {
    const src = writeIn(dir, "app.ts", "const a: number = 1;\n\nfunction boom(): never {\n  throw new Error('x' + a);\n}\nboom();\n");
    const js = path.join(dir, "firmware.js");
    await build({ entryPoints: [src], bundle: true, format: "esm", outfile: js, sourcemap: "external", logLevel: "silent" });
    const map = loadLineMapper([{ unit: "main", script: "firmware.js", js, map: `${js}.map` }]);
    const lines = readFileSync(js, "utf8").split("\n");
    const throwLine = lines.findIndex((l) => l.includes("throw new Error")) + 1;
    const out = map(`    at boom (firmware.js:${throwLine})\n    at other (format.js:3)\n`);
    assert.match(out, new RegExp(`at boom \\(.*app\\.ts:4\\)`));
    assert.match(out, /at other \(format\.js:3\)/, "frames of scripts without a map stay as they are");
  }));

test("frames name .ts paths relative to the project root, not the working directory", () =>
  inTempDir("tsmetal-map-root-", async (root) => {
    mkdirSync(path.join(root, "src"));
    const src = writeIn(path.join(root, "src"), "app.ts", "const boom = (): never => {\n  throw new Error('x');\n};\nboom();\n");
    const js = path.join(root, "firmware.js");
    await build({ entryPoints: [src], bundle: true, format: "esm", outfile: js, sourcemap: "external", logLevel: "silent" });
    const map = loadLineMapper([{ unit: "main", script: "firmware.js", js, map: `${js}.map` }], root);
    const throwLine = readFileSync(js, "utf8").split("\n").findIndex((l) => l.includes("throw new Error")) + 1;
    assert.is(map(`    at boom (firmware.js:${throwLine})\n`), "    at boom (src/app.ts:2)\n");
  }));

test.run();
