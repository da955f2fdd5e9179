import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { imageFunctions, lineAt, predefinedAtoms, unitFunctions } from "../../../tools/lib/bytecode-functions.ts";
import { buildHostCompiler, patchedSourceDir } from "../../../tools/lib/engine.ts";
import { imageLayout } from "../../../tools/lib/image-format.ts";
import { run } from "../../../tools/lib/toolchain.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

const SOURCE = [
  "export function first(n) {", // 1
  "  let s = 0;", // 2
  "  for (let i = 0; i < n; i++) {", // 3
  "    s += i;", // 4
  "  }", // 5
  "  return `${s}n`;", // 6
  "}", // 7
  "export const second = (k) => first(k) + 10n;", // 8
  "export function toString() { return [1.5, 'x', { a: null }]; }", // 9
  "first(3);", // 10
  "",
].join("\n");

test("every function of a unit tsmc wrote: name, file, first line, bytecode in place, lines by pc", () =>
  inTempDir("tsmetal-bcfn-", async (dir) => {
    const js = writeIn(dir, "firmware.js", SOURCE);
    const blob = path.join(dir, "bytecode.tsmb");
    await run(await buildHostCompiler(), [blob, "main", "firmware.js", js], "compiling bytecode");
    const base = 0x80000;
    const fns = await imageFunctions(blob, base, await patchedSourceDir());
    const byName = new Map(fns.map((f) => [f.name, f]));
    assert.ok(byName.has("<eval>"), fns.map((f) => `${f.name}:${f.line}`).join());
    const first = byName.get("first")!;
    assert.is(first.script, "firmware.js");
    assert.is(first.line, 1);
    // QuickJS names an arrow function when it runs (OP_set_name): in bytecode it has none.
    assert.ok(fns.some((f) => f.name === "<anonymous>" && f.line === 8));
    assert.is(byName.get("toString")?.line, 9, "a predefined atom's name");
    // The last instruction of first() is the return on line 6; the loop lies on lines 3 to 4.
    assert.is(lineAt(first, first.length - 1), 6);
    const lines = new Set(Array.from({ length: first.length }, (_, pc) => lineAt(first, pc)));
    for (const l of lines) assert.ok(l >= 1 && l <= 7, `line ${l}`);
    assert.ok(lines.has(4), [...lines].join());
    // Each function's bytecode lies inside its unit, where the engine runs it (read in place).
    const img = await readFile(blob);
    const unit = imageLayout(img).units[0];
    for (const f of fns) assert.ok(f.start >= base + unit.offset && f.start + f.length <= base + unit.offset + unit.length, f.name);
    assert.is(new Set(fns.map((f) => f.start)).size, fns.length, "no two functions share bytecode");
  }));

test("a value kind compiled code never holds is refused, naming the unit", async () => {
  const predefined = predefinedAtoms(await readFile(path.join(await patchedSourceDir(), "quickjs-atom.h"), "utf8"));
  // version 2, no atoms, then BC_TAG_DATE (19)
  assert.throws(() => unitFunctions(Uint8Array.from([2, 0, 19]), predefined, "unit x"), /unit x: value tag 19, which compiled code does not hold at byte 3/);
  assert.throws(() => unitFunctions(Uint8Array.from([1, 0]), predefined, "unit x"), /bytecode version 1, expected 2/);
  assert.throws(() => unitFunctions(Uint8Array.from([2, 0, 14]), predefined, "unit x"), /unexpected end/);
});

test("predefined atoms follow quickjs-atom.h, without CONFIG_ATOMICS's", () => {
  const h = ['DEF(null, "null")', "#ifdef CONFIG_ATOMICS", 'DEF(and, "and")', "#endif", "#ifdef CONFIG_BIGNUM", 'DEF(BigFloat, "BigFloat")', "#endif", 'DEF(length, "length")'].join("\n");
  assert.equal(predefinedAtoms(h), ["", "null", "BigFloat", "length"]);
});

test("lineAt decodes pc2line as quickjs.c's find_line_num does", () => {
  // Short ops: op - 1 = diff_pc * 5 + (diff_line + 1); a long op 0, leb128 pc, zigzag line.
  const f = { line: 10, pc2line: Uint8Array.from([1 + 2 * 5 + 2, 0, 20, 6]) };
  assert.is(lineAt(f, 0), 10);
  assert.is(lineAt(f, 1), 10);
  assert.is(lineAt(f, 2), 11); // +2 pc, +1 line
  assert.is(lineAt(f, 21), 11);
  assert.is(lineAt(f, 22), 14); // +20 pc, +3 line (zigzag 6)
  assert.is(lineAt({ line: 7, pc2line: new Uint8Array(0) }, 5), 7, "no table: the first line (engine/patches/0015)");
});

test.run();
