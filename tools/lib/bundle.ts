/**
 * App → one ES module: type-check with tsc (esbuild does not), then bundle with esbuild, the
 * board module first, `hal` left as the engine's native module, with an external source map that
 * the host uses to turn firmware.js:LINE in stack traces back into TypeScript locations.
 */
import { build, type Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { $ } from "zx";
import { UserError } from "./errors.ts";
import { displayPath, repoPath } from "./paths.ts";
import { tscScript } from "./packages.ts";
import type { Board } from "./boards.ts";
import { esbuildDefines, type Defines } from "./defines.ts";

/** The name the engine's stack traces give the firmware bundle (unit "main"). */
export const SCRIPT_NAME = "firmware.js";

/** What apps import as "tsmetal": the TypeScript runtime API (board services, serial I/O). */
const TSMETAL_API = repoPath("io/index.ts");

export interface Bundle {
  /** Image unit name ("main" for the firmware itself). */
  unit: string;
  /** Script name in stack traces: the bundle's file name. */
  script: string;
  js: string;
  map: string;
}

/** tsc over the board module and the app, with the target's library (ES2020, no DOM, no Node). */
export async function typeCheck(board: Board, app: string, outDir: string): Promise<void> {
  const tsconfig = path.join(outDir, "tsconfig.check.json");
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: repoPath("tsconfig.base.json"),
      compilerOptions: { lib: ["es2020"], types: [], noEmit: true, paths: { tsmetal: [TSMETAL_API] } },
      files: [repoPath("hal/hal.d.ts"), repoPath("runtime/globals.d.ts"), repoPath("soc/board-facts.d.ts"), board.module, ...(board.loopModule ? [board.loopModule] : []), app],
    }),
  );
  // Through module resolution (tools/lib/packages.ts): the project's own TypeScript if it has one.
  const r = await $({ nothrow: true, cwd: process.cwd() })`${process.execPath} ${tscScript()} -p ${tsconfig} --pretty false`;
  if (r.exitCode !== 0) {
    const out = (r.stdout + r.stderr).trim();
    throw new UserError(`TypeScript errors in ${displayPath(app)}:\n${out}`);
  }
}

/**
 * The firmware bundle: the board module first, then the app; it exports the board module's
 * exports. `defines` (--define, tools/lib/defines.ts) apply to this bundle only: the app's.
 */
export async function bundle(board: Board, app: string, outDir: string, defines?: Defines): Promise<Bundle> {
  if (!existsSync(app)) throw new UserError(`app not found: ${app}`);
  // The board module's exports are the firmware's (unit "main"): units loaded later, such as the
  // board's loop drivers, reach the board's instances through hal.image.load("main").
  const entry = `export * from ${JSON.stringify(board.module)};\nimport ${JSON.stringify(app)};`;
  return esbundle(board, { contents: entry, resolveDir: process.cwd(), sourcefile: "tsmetal-entry.js" }, "main", SCRIPT_NAME, outDir, defines);
}

/** A lazily loaded unit: one module and its exports. */
export async function bundleUnit(board: Board, unit: string, entryFile: string, outDir: string): Promise<Bundle> {
  const entry = `export * from ${JSON.stringify(entryFile)};`;
  return esbundle(board, { contents: entry, resolveDir: path.dirname(entryFile), sourcefile: `${unit}-entry.js` }, unit, `${unit}.js`, outDir);
}

/**
 * The module "tsmetal:board" (soc/board-facts.d.ts): the board's name and board.json's config, so
 * that one SoC family's board module and loop unit serve each of its boards at no run-time cost.
 */
function boardFacts(board: Board): Plugin {
  return {
    name: "tsmetal-board",
    setup(b) {
      b.onResolve({ filter: /^tsmetal:board$/ }, () => ({ path: board.name, namespace: "tsmetal-board" }));
      // config is an enum so that esbuild inlines each value where it is read, across modules:
      // the bundle holds literals, and no object is built at boot.
      const members = Object.entries(board.config).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      b.onLoad({ filter: /.*/, namespace: "tsmetal-board" }, () => ({
        contents: `export const name = ${JSON.stringify(board.name)};\nexport enum config { ${members.join(", ")} }\n`,
        loader: "ts",
      }));
    },
  };
}

async function esbundle(
  board: Board,
  stdin: { contents: string; resolveDir: string; sourcefile: string },
  unit: string,
  script: string,
  outDir: string,
  defines?: Defines,
): Promise<Bundle> {
  await mkdir(outDir, { recursive: true });
  const js = path.join(outDir, script);
  try {
    await build({
      stdin,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2020",
      external: ["hal"],
      alias: { tsmetal: TSMETAL_API },
      plugins: [boardFacts(board)],
      define: esbuildDefines(defines),
      outfile: js,
      sourcemap: "external",
      sourcesContent: false,
      logLevel: "silent",
      legalComments: "none",
    });
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } }> }).errors;
    const text = errors?.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`).join("\n");
    throw new UserError(`bundling failed:\n${text ?? String(e)}`);
  }
  return { unit, script, js, map: `${js}.map` };
}
