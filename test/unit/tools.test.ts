import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { boardNames, loadBoard } from "../../tools/lib/boards.ts";
import { UserError } from "../../tools/lib/errors.ts";
import { parseByteSize } from "../../tools/commands/build.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { targetFor } from "../../tools/lib/targets.ts";

test("boards are read from board.json with addresses parsed", () => {
  assert.ok(boardNames().includes("pizero"));
  const b = loadBoard("pizero");
  assert.is(b.loadAddress, 0x8000);
  assert.is(b.qemu.machine, "raspi0");
  assert.is(b.target.cc.debianPackage, "gcc-arm-none-eabi");
});

test("an unknown board is a UserError naming the known ones", () => {
  try {
    loadBoard("pi9");
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.instance(e, UserError);
    assert.match((e as Error).message, /unknown board 'pi9'.*pi1, pi2, pizero/);
  }
  assert.throws(() => loadBoard("../pizero"), /unknown board/);
});

test("an unknown architecture has no target", () => {
  assert.throws(() => targetFor("m68k"), /no build target for arch 'm68k'/);
});

test("--memory-limit accepts bytes, k and m, and refuses the rest", () => {
  assert.is(parseByteSize("262144"), 262144);
  assert.is(parseByteSize("512k"), 512 * 1024);
  assert.is(parseByteSize("4M"), 4 * 1024 * 1024);
  assert.is(parseByteSize(undefined), undefined);
  assert.throws(() => parseByteSize("lots"), /--memory-limit takes a number of bytes/);
});

test("stack frames of every unit map back to TypeScript lines", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-map-"));
  try {
    const src = path.join(dir, "app.ts");
    writeFileSync(src, "const a: number = 1;\n\nfunction boom(): never {\n  throw new Error('x' + a);\n}\nboom();\n");
    const js = path.join(dir, "firmware.js");
    await build({ entryPoints: [src], bundle: true, format: "esm", outfile: js, sourcemap: "external", logLevel: "silent" });
    const map = loadLineMapper([{ unit: "main", script: "firmware.js", js, map: `${js}.map` }]);
    const lines = (await import("node:fs")).readFileSync(js, "utf8").split("\n");
    const throwLine = lines.findIndex((l) => l.includes("throw new Error")) + 1;
    const out = map(`    at boom (firmware.js:${throwLine})\n    at other (format.js:3)\n`);
    assert.match(out, new RegExp(`at boom \\(.*app\\.ts:4\\)`));
    assert.match(out, /at other \(format\.js:3\)/, "frames of scripts without a map stay as they are");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
