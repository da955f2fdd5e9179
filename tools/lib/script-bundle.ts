/**
 * A TypeScript module bundled by esbuild into one ES2020 script (an IIFE) for an engine other than
 * the firmware's to evaluate: the simulator's guest runtime (quickjs-emscripten), the JS fuzz's
 * runner (the oracle's Node worker). Bundled once per process.
 */
import { build } from "esbuild";
import { repoPath } from "./paths.ts";

export interface ScriptBundleOptions {
  /** The global the entry's exports are assigned to; none leaves them unreachable. */
  readonly globalName?: string;
  /** Imports left to the engine that evaluates the script. */
  readonly external?: string[];
}

const scripts = new Map<string, Promise<string>>();

/** The script of `entry` (a path from the repository's root). */
export function scriptBundle(entry: string, options: ScriptBundleOptions = {}): Promise<string> {
  let script = scripts.get(entry);
  if (!script) {
    script = build({
      entryPoints: [repoPath(entry)],
      bundle: true,
      write: false,
      format: "iife",
      globalName: options.globalName,
      platform: "neutral",
      target: "es2020",
      external: options.external,
      logLevel: "silent",
    }).then((r) => r.outputFiles[0].text);
    scripts.set(entry, script);
  }
  return script;
}
