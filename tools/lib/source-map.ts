/**
 * Maps the engine's stack frames (firmware.js:LINE and the lazy units' format.js:LINE) back to TypeScript sources with esbuild's
 * source map. QuickJS 2021 records lines, not columns, so a line maps through its first
 * non-blank column.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { projectPath, projectRoot } from "./paths.ts";
import type { Bundle } from "./bundle.ts";

export type LineMapper = (text: string) => string;

/** Maps frames of every bundle in the image (firmware.js:LINE, format.js:LINE, ...) to `.ts`
    paths relative to `root` (the project's root; tests pass their own). */
export function loadLineMapper(bundles: Bundle[], root = projectRoot): LineMapper {
  const locators = new Map(bundles.map((b) => [b.script, lineLocator(b, root)]));
  const names = bundles.map((b) => b.script.replace(/[.$]/g, "\\$&")).join("|");
  const pattern = new RegExp(`\\b(${names}):(\\d+)`, "g");
  return (text) => text.replace(pattern, (whole, script: string, n: string) => locators.get(script)?.(Number(n)) ?? whole);
}

function lineLocator(b: Bundle, root: string): (line: number) => string | null {
  const sm = new SourceMap(JSON.parse(readFileSync(b.map, "utf8")));
  const lines = readFileSync(b.js, "utf8").split("\n");
  const mapDir = path.dirname(b.map);
  return (line) => {
    const text = lines[line - 1];
    if (text === undefined) return null;
    const column = text.length - text.trimStart().length;
    const e = sm.findEntry(line - 1, column) as { originalSource?: string; originalLine?: number };
    if (!e || e.originalSource === undefined || e.originalLine === undefined) return null;
    const source = path.resolve(mapDir, e.originalSource.replace(/^file:\/\//, ""));
    return `${projectPath(source, root)}:${e.originalLine + 1}`;
  };
}
