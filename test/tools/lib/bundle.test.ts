import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { transform } from "esbuild";
import { bundle, bundleUnit } from "../../../tools/lib/bundle.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test('"tsmetal:board" gives the board\'s name and config as literals in the bundle, with no config object', () =>
  inTempDir("tsmetal-bundle-", async (dir) => {
    const entry = writeIn(dir, "facts.ts", 'import { name, config } from "tsmetal:board";\nexport const uart = config.consoleUart;\nexport const board = name;\n');
    const b = { ...loadBoard("usbarmory-mk2"), config: { consoleUart: 7 } };
    const out = await bundleUnit(b, "facts", entry, dir);
    const js = readFileSync(out.js, "utf8");
    assert.match(js, /var uart = 7\b/);
    assert.match(js, /var name = "usbarmory-mk2"/);
    assert.not.match(js, /config\[|config\.|var config/, "the enum object is gone");
  }));

// Top-level await (issue 18): the app module's body runs as an async function (esbuild's __esm
// wrapper for an import()), so no await is left at the top level, which the engine cannot parse.
test("an app with top-level await bundles into code with none at the top level; an app without pays nothing", () =>
  inTempDir("tsmetal-bundle-", async (dir) => {
    writeIn(dir, "dep.ts", "export const v = await Promise.resolve(1);\n");
    const app = writeIn(dir, "app.ts", 'import { v } from "./dep.ts";\nconst w = await Promise.resolve(v + 1);\nconsole.log(w);\n');
    const out = await bundle(loadBoard("pizero"), app, dir);
    const js = readFileSync(out.js, "utf8");
    await transform(js, { format: "esm", target: "es2020", logLevel: "silent" }); // throws if any is left
    assert.match(js, /async "[^"]*app\.ts"\(\)/);
    assert.match(js, /await init_dep\(\)/);
    const plain = writeIn(dir, "plain.ts", "console.log(1);\n");
    assert.not.match(readFileSync((await bundle(loadBoard("pizero"), plain, dir)).js, "utf8"), /__esm|init_plain/);
  }));

// What the build cannot lower to the engine is a build error naming the construct and its line.
const bundleError = (source: string) =>
  inTempDir("tsmetal-bundle-", async (dir) => {
    const app = writeIn(dir, "app.ts", source);
    try {
      await bundle(loadBoard("pizero"), app, dir);
    } catch (e) {
      return (e as Error).message;
    }
    return "bundled";
  });

test("a RegExp flag the engine lacks (d, v) is a build error at its .ts line", async () => {
  const d = await bundleError('const a = 1;\nconsole.log(/a(b)/d.exec("ab"));\n');
  assert.match(d, /app\.ts:2: the regular expression flag d \(match indices, ES2022\) is not supported by the engine/);
  const v = await bundleError('console.log(/[\\p{L}--[a-z]]/v.test("A"));\n');
  assert.match(v, /app\.ts:1: the regular expression flag v \(set notation, ES2024\)/);
  assert.is(await bundleError('console.log(/a.b/su.test("a\\nb"));\n'), "bundled");
});

test("a Node.js module or global is a build error naming it; typeof feature checks are fine", async () => {
  assert.match(await bundleError('import { readFileSync } from "fs";\nconsole.log(readFileSync);\n'), /"fs" is a Node\.js module: the firmware has no Node\.js APIs/);
  assert.match(await bundleError('import { createHash } from "node:crypto";\nconsole.log(createHash);\n'), /"node:crypto" is a Node\.js module/);
  assert.match(await bundleError("const a = 1;\nconsole.log(Buffer.from([a]));\n"), /app\.ts:2: the Node\.js global `Buffer` is not supported by the engine/);
  assert.match(await bundleError("console.log(process.env.HOME);\n"), /the Node\.js global `process`/);
  assert.is(await bundleError('const debug = typeof process !== "undefined" && process.env.DEBUG;\nconsole.log(debug);\n'), "bundled");
  assert.is(await bundleError("const o = { Buffer: 1, process: 2 };\nconsole.log(o.Buffer, o.process);\n"), "bundled");
});

test.run();
