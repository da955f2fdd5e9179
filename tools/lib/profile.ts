/**
 * Turns the insn-count plugin's per-block profile into instructions per function, with the
 * firmware's symbol table (nm), and its per-bytecode-address profile into instructions per JS
 * function and .ts line. For finding where time goes; not part of the bench figures.
 */
import { readFile } from "node:fs/promises";
import type { Board } from "./boards.ts";
import { codeSymbols } from "./symbols.ts";
import { lineAt, type JsFunction } from "./bytecode-functions.ts";
import { lookupLine, type LineTable } from "./line-table.ts";

export async function profileByFunction(board: Board, elf: string, profile: string): Promise<Array<[string, number]>> {
  const symbols = await codeSymbols(board, elf);
  const owner = (pc: number): string => {
    let lo = 0;
    let hi = symbols.length - 1;
    if (hi < 0 || pc < symbols[0].addr) return "?";
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (symbols[mid].addr <= pc) lo = mid;
      else hi = mid - 1;
    }
    return symbols[lo].name;
  };
  const totals = new Map<string, number>();
  for (const line of (await readFile(profile, "utf8")).split("\n")) {
    const [vaddr, n, execs] = line.split(" ");
    if (!execs) continue;
    const fn = owner(parseInt(vaddr, 16));
    totals.set(fn, (totals.get(fn) ?? 0) + Number(n) * Number(execs));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** One JS function's share of a run (bench --profile): instructions charged to its bytecode. */
export interface JsProfileRow {
  /** The function's name ("<eval>" for a module's top level, "<anonymous>" without one). */
  name: string;
  /** Where it starts: `path.ts:LINE`, or `script:LINE` when the line maps to no TypeScript. */
  location: string;
  insns: number;
  /** Its lines (`path.ts:LINE`), by instructions, most first. */
  lines: Array<[string, number]>;
}

/**
 * Instructions per JS function and line from the plugin's jsprofile (instructions per bytecode
 * address, tools/plugin/insn-count.c) and the image's functions (tools/lib/bytecode-functions.ts),
 * mapped to .ts lines with the build's line table. Most first; the instructions before the
 * interpreter's first bytecode load are a row "(before JS)".
 */
export async function profileByJsFunction(functions: readonly JsFunction[], table: LineTable, jsprofile: string): Promise<JsProfileRow[]> {
  const fns = [...functions].sort((a, b) => a.start - b.start);
  const find = (addr: number): JsFunction | undefined => {
    let lo = 0, hi = fns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (fns[mid].start > addr) hi = mid - 1;
      else if (addr >= fns[mid].start + fns[mid].length) lo = mid + 1;
      else return fns[mid];
    }
    return undefined;
  };
  const where = (script: string, line: number) => lookupLine(table, script, line) ?? `${script}:${line}`;
  const rows = new Map<string, JsProfileRow & { byLine: Map<string, number> }>();
  const add = (key: string, name: string, location: string, line: string | null, n: number) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { name, location, insns: 0, lines: [], byLine: new Map() }));
    r.insns += n;
    if (line !== null) r.byLine.set(line, (r.byLine.get(line) ?? 0) + n);
  };
  for (const text of (await readFile(jsprofile, "utf8")).split("\n")) {
    const [a, count] = text.split(" ");
    if (!count) continue;
    const addr = parseInt(a, 16), n = Number(count);
    if (addr === 0) {
      add("(before JS)", "(before JS)", "", null, n);
      continue;
    }
    const f = find(addr);
    if (!f) add("(image data)", "(image data)", "", null, n);
    else add(`${f.start}`, f.name, where(f.script, f.line), where(f.script, lineAt(f, addr - f.start)), n);
  }
  return [...rows.values()]
    .map(({ byLine, ...r }) => ({ ...r, lines: [...byLine].sort((x, y) => y[1] - x[1]) }))
    .filter((r) => r.insns > 0)
    .sort((x, y) => y.insns - x.insns);
}
