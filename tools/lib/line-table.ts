/**
 * The line table a build writes next to its ELF (`lines.json`): for every bundle in the image,
 * each bundle line that maps to TypeScript, as `path.ts:LINE` (the same mapping the console's
 * stack traces get, tools/lib/source-map.ts). Tools that see only bundle lines — the gdb helper
 * (tools/gdb/tsmetal.py) and bench --profile's JS attribution — read it instead of the source
 * maps, so they need no source-map library.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Bundle } from "./bundle.ts";
import { loadLineMapper } from "./source-map.ts";
import { projectRoot } from "./paths.ts";

export const LINE_TABLE_FORMAT = 1;
export const LINE_TABLE_FILE = "lines.json";

export interface LineTable {
  format: typeof LINE_TABLE_FORMAT;
  /** Script name (what QuickJS records as the function's file: firmware.js, format.js, ...) →
      bundle line (1-based, as a decimal string) → `path.ts:LINE`, relative to the project root. */
  scripts: Record<string, Record<string, string>>;
}

export function lineTable(bundles: readonly Bundle[], root = projectRoot): LineTable {
  const map = loadLineMapper([...bundles], root);
  const scripts: LineTable["scripts"] = {};
  for (const b of bundles) {
    const lines: Record<string, string> = {};
    const count = readFileSync(b.js, "utf8").split("\n").length;
    for (let n = 1; n <= count; n++) {
      const frame = `${b.script}:${n}`;
      const ts = map(frame);
      if (ts !== frame) lines[n] = ts;
    }
    scripts[b.script] = lines;
  }
  return { format: LINE_TABLE_FORMAT, scripts };
}

/** Writes `lines.json` into `dir` (the ELF's folder) and returns its path. */
export function writeLineTable(bundles: readonly Bundle[], dir: string, root = projectRoot): string {
  const file = path.join(dir, LINE_TABLE_FILE);
  writeFileSync(file, JSON.stringify(lineTable(bundles, root)));
  return file;
}

/** Reads a line table, refusing one of another format (a stale build folder). */
export function readLineTable(file: string): LineTable {
  const t = JSON.parse(readFileSync(file, "utf8")) as Partial<LineTable>;
  if (t.format !== LINE_TABLE_FORMAT || typeof t.scripts !== "object" || t.scripts === null) {
    throw new Error(`${file}: not a line table of format ${LINE_TABLE_FORMAT}; rebuild the firmware`);
  }
  return t as LineTable;
}

/** `script:line` → `path.ts:LINE`, or null when the line maps to no TypeScript. */
export function lookupLine(table: LineTable, script: string, line: number): string | null {
  return table.scripts[script]?.[String(line)] ?? null;
}
