/**
 * The TypeScript library of the firmware's target: what the engine (QuickJS 2021-03-27 with
 * engine/patches/) and runtime/ provide, edition by edition (docs/compatibility.md). No DOM, no
 * Node: `Buffer` or `process` in an app or a library it imports is a type error. Left out on
 * purpose: es2022.regexp (the `d` flag), es2022.sharedmemory and es2024.sharedmemory (no
 * SharedArrayBuffer or Atomics), es2023.collection (symbols as WeakMap keys), es2024.arraybuffer
 * (resizable buffers), es2022.intl and later Intl (no Intl).
 * tsconfig.firmware.json and firmware-template/tsconfig.json list the same
 * (test/tools/lib/target-lib.test.ts).
 */
import { transform } from "esbuild";
import { repoPath } from "./paths.ts";

export const FIRMWARE_LIB: readonly string[] = [
  "es2020",
  "es2021.promise",
  "es2021.string",
  "es2021.weakref",
  "es2022.array",
  "es2022.error",
  "es2022.object",
  "es2022.string",
  "es2023.array",
  "es2024.collection",
  "es2024.object",
  "es2024.promise",
  "es2024.string",
  "esnext.array",
];

/**
 * Library the engine lacks that TypeScript in unit "main" adds, only to a firmware whose code
 * names it (outside comments): each module defines its built-in when it runs, before the app
 * (tools/lib/bundle.ts puts it among the preludes). A name built at run time misses it.
 */
export const ES_PRELUDES: readonly { module: string; named: RegExp }[] = [
  // Array.fromAsync (ES2024): an async function in TypeScript, not C (runtime/es/array-from-async.ts).
  { module: repoPath("runtime/es/array-from-async.ts"), named: /\bfromAsync\b/ },
  // W3C User Timing on performance (runtime/web/user-timing.ts): mark, measure, getEntries*, clear*.
  { module: repoPath("runtime/web/user-timing.ts"), named: /\bperformance\b[^]*\b(mark|measure|getEntries(ByName|ByType)?|clearMarks|clearMeasures)\b|\b(mark|measure|getEntries(ByName|ByType)?|clearMarks|clearMeasures)\b[^]*\bperformance\b/ },
];

/** The ES_PRELUDES bundled code `js` needs. */
export async function esPreludesNeeded(js: string): Promise<string[]> {
  const { code } = await transform(js, { format: "esm", minifyWhitespace: true, legalComments: "none", logLevel: "silent" });
  return ES_PRELUDES.filter((p) => p.named.test(code)).map((p) => p.module);
}
