/**
 * bench --profile's JS side: the insn-count plugin's arguments for charging instructions to the
 * bytecode the interpreter runs, and the printed table (C functions, then JS functions with
 * their .ts lines). How and why: docs/debugging.md#profiling.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Firmware } from "./build.ts";
import { codeSymbols } from "./symbols.ts";
import { requireTool, run } from "./toolchain.ts";
import { imageFunctions } from "./bytecode-functions.ts";
import { patchedSourceDir } from "./engine.ts";
import { LINE_TABLE_FILE, readLineTable } from "./line-table.ts";
import { profileByFunction, profileByJsFunction, type JsProfileRow } from "./profile.ts";
import type { JsProfileArgs } from "./insn-count.ts";

/** QuickJS's bytecode interpreter: the function whose loads from the image are bytecode fetches. */
export const INTERPRETER = "JS_CallInternal";

/** The value of symbol `name` of any kind (the linker's tsm_bytecode_start is not a function). */
async function symbolValue(fw: Firmware, name: string): Promise<number> {
  const nm = await requireTool(fw.board.target.nm);
  const line = (await run(nm, [fw.elf], "reading symbols")).split("\n").find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`symbol '${name}' not found in ${fw.elf}`);
  return parseInt(line.split(" ")[0], 16);
}

/** The plugin's interp=, bytecode= and jsprofile= for `fw`. */
export async function jsProfileArgs(fw: Firmware, out: string): Promise<JsProfileArgs> {
  const symbols = await codeSymbols(fw.board, fw.elf);
  const i = symbols.findIndex((s) => s.name === INTERPRETER);
  if (i < 0 || i + 1 >= symbols.length) throw new Error(`symbol '${INTERPRETER}' not found in ${fw.elf}`);
  // Its code ends where the next function starts (nm -n order).
  const end = symbols.slice(i + 1).find((s) => s.addr > symbols[i].addr)!.addr;
  const base = await symbolValue(fw, "tsm_bytecode_start");
  return { interp: [symbols[i].addr, end], bytecode: [base, base + (await stat(fw.blob)).size], out };
}

/** The JS rows of a run profiled with jsProfileArgs. */
export async function jsProfile(fw: Firmware, args: JsProfileArgs): Promise<JsProfileRow[]> {
  const functions = await imageFunctions(fw.blob, args.bytecode[0], await patchedSourceDir());
  return profileByJsFunction(functions, readLineTable(path.join(fw.outDir, LINE_TABLE_FILE)), args.out);
}

/** Prints the `top` C functions and the `top` JS functions (each with its hottest .ts lines). */
export async function printProfile(fw: Firmware, cProfile: string, js: JsProfileArgs, top: number, write: (line: string) => void = console.error): Promise<JsProfileRow[]> {
  const c = await profileByFunction(fw.board, fw.elf, cProfile);
  write("instructions by C function:");
  for (const [fn, n] of c.slice(0, top)) write(`${String(n).padStart(10)}  ${fn}`);
  const rows = await jsProfile(fw, js);
  write("instructions by JS function (charged to the bytecode the interpreter ran last, native code it called included):");
  for (const r of rows.slice(0, top)) {
    write(`${String(r.insns).padStart(10)}  ${r.name}${r.location ? ` (${r.location})` : ""}`);
    for (const [line, n] of r.lines.slice(0, 3)) write(`${String(n).padStart(20)}  ${line}`);
  }
  return rows;
}
