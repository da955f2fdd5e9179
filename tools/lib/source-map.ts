/**
 * Maps the engine's stack frames (firmware.js:LINE) back to TypeScript sources with esbuild's
 * source map. QuickJS 2021 records lines, not columns, so a line maps through its first
 * non-blank column.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { displayPath } from "./paths.ts";
import { SCRIPT_NAME } from "./bundle.ts";

export type LineMapper = (text: string) => string;

export function loadLineMapper(js: string, map: string): LineMapper {
  const payload = JSON.parse(readFileSync(map, "utf8"));
  const sm = new SourceMap(payload);
  const lines = readFileSync(js, "utf8").split("\n");
  const mapDir = path.dirname(map);
  const pattern = new RegExp(`${SCRIPT_NAME.replace(".", "\\.")}:(\\d+)`, "g");
  const locate = (line: number): string | null => {
    const text = lines[line - 1];
    if (text === undefined) return null;
    const column = text.length - text.trimStart().length;
    const e = sm.findEntry(line - 1, column) as { originalSource?: string; originalLine?: number };
    if (!e || e.originalSource === undefined || e.originalLine === undefined) return null;
    const source = path.resolve(mapDir, e.originalSource.replace(/^file:\/\//, ""));
    return `${displayPath(source)}:${e.originalLine + 1}`;
  };
  return (text) => text.replace(pattern, (whole, n: string) => locate(Number(n)) ?? whole);
}
