/**
 * App → one ES module: type-check with tsc (esbuild does not), then bundle with esbuild, the
 * board module first, `hal` left as the engine's native module, with an external source map that
 * the host uses to turn firmware.js:LINE in stack traces back into TypeScript locations.
 */
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { $ } from "zx";
import { UserError } from "./errors.ts";
import { displayPath, repoPath } from "./paths.ts";
import type { Board } from "./boards.ts";

/** The name the engine's stack traces give the bundle. */
export const SCRIPT_NAME = "firmware.js";

export interface Bundle {
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
      compilerOptions: { lib: ["es2020"], types: [], noEmit: true },
      files: [repoPath("hal/hal.d.ts"), repoPath("hal/globals.d.ts"), board.module, app],
    }),
  );
  const tsc = repoPath("node_modules/.bin/tsc");
  const r = await $({ nothrow: true, cwd: process.cwd() })`${tsc} -p ${tsconfig} --pretty false`;
  if (r.exitCode !== 0) {
    const out = (r.stdout + r.stderr).trim();
    throw new UserError(`TypeScript errors in ${displayPath(app)}:\n${out}`);
  }
}

export async function bundle(board: Board, app: string, outDir: string): Promise<Bundle> {
  if (!existsSync(app)) throw new UserError(`app not found: ${app}`);
  await mkdir(outDir, { recursive: true });
  const js = path.join(outDir, SCRIPT_NAME);
  const entry = [board.module, app].map((m) => `import ${JSON.stringify(m)};`).join("\n");
  try {
    await build({
      stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: "tsmetal-entry.js" },
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2020",
      external: ["hal"],
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
  return { js, map: `${js}.map` };
}
