/**
 * App → one ES module: type-check with tsc (esbuild does not), then bundle with esbuild, the
 * board module first, `hal` left as the engine's native module, with an external source map that
 * the host uses to turn firmware.js:LINE in stack traces back into TypeScript locations.
 */
import { build, transform, type Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { $ } from "zx";
import { UserError } from "./errors.ts";
import { displayPath, repoPath } from "./paths.ts";
import { tscScript } from "./packages.ts";
import type { Board } from "./boards.ts";
import { esbuildDefines, type Defines } from "./defines.ts";
import { esPreludesNeeded, FIRMWARE_LIB } from "./target-lib.ts";
import { nodeGlobalsUsed, refuseNodeModules, unsupportedSyntax } from "./target-syntax.ts";

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

/** tsc over the board module and the app, with the target's library (FIRMWARE_LIB: no DOM, no Node). */
export async function typeCheck(board: Board, app: string, outDir: string): Promise<void> {
  const tsconfig = path.join(outDir, "tsconfig.check.json");
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: repoPath("tsconfig.base.json"),
      compilerOptions: { lib: [...FIRMWARE_LIB], types: [], noEmit: true, paths: { tsmetal: [TSMETAL_API] } },
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
 * The firmware bundle: the board module first, then `preludes` (runtime modules the build found
 * the firmware needs: the Web Crypto prelude, tools/lib/units.ts), then the app; it exports the
 * board module's exports. `defines` (--define, tools/lib/defines.ts) apply to this bundle only: the app's.
 */
export async function bundle(board: Board, app: string, outDir: string, defines?: Defines, preludes: readonly string[] = []): Promise<Bundle> {
  if (!existsSync(app)) throw new UserError(`app not found: ${app}`);
  const b = await bundleWith(board, app, outDir, defines, preludes);
  // The ES library the engine lacks that is TypeScript (Array.fromAsync), when the code names it.
  const more = (await esPreludesNeeded(await readFile(b.js, "utf8"))).filter((m) => !preludes.includes(m));
  return more.length === 0 ? b : bundleWith(board, app, outDir, defines, [...more, ...preludes]);
}

async function bundleWith(board: Board, app: string, outDir: string, defines: Defines | undefined, preludes: readonly string[]): Promise<Bundle> {
  // The board module's exports are the firmware's (unit "main"): units loaded later, such as the
  // board's loop drivers, reach the board's instances through hal.image.load("main").
  const imports = (appImport: string) => [`export * from ${JSON.stringify(board.module)};`, ...preludes.map((m) => `import ${JSON.stringify(m)};`), appImport].join("\n");
  const stdin = (contents: string) => ({ contents, resolveDir: process.cwd(), sourcefile: "tsmetal-entry.js" });
  try {
    return await esbundle(board, stdin(imports(`import ${JSON.stringify(app)};`)), "main", SCRIPT_NAME, outDir, defines);
  } catch (e) {
    if (!(e instanceof UserError && TOP_LEVEL_AWAIT.test(e.message))) throw e;
  }
  // Top-level await, which the engine's modules lack (QuickJS 2021): the app is imported as
  // import(), which esbuild bundles inline as an async function running the app module's body
  // (its __esm wrapper), awaiting its dependencies' own; a rejection is an unhandled rejection,
  // reported with its .ts line, exit 1. Only such an app pays for the wrappers.
  return esbundle(board, stdin(imports(`import(${JSON.stringify(app)});`)), "main", SCRIPT_NAME, outDir, defines, true);
}

/** esbuild's refusal of top-level await for the es2020 target. */
const TOP_LEVEL_AWAIT = /Top-level await is not available/;

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
  topLevelAwait = false,
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
      // Parsed in the app module only (bundle()); none is left at the top level of the output.
      supported: topLevelAwait ? { "top-level-await": true } : {},
      external: ["hal"],
      alias: { tsmetal: TSMETAL_API },
      plugins: [boardFacts(board), refuseNodeModules()],
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
  const code = await readFile(js, "utf8");
  const unsupported = [...unsupportedSyntax(code, `${js}.map`), ...(await nodeGlobalsUsed(code, `${js}.map`))];
  if (topLevelAwait) unsupported.push(...(await leftTopLevelAwait(code)));
  if (unsupported.length > 0) throw new UserError(`bundling failed:\n${unsupported.join("\n")}`);
  return { unit, script, js, map: `${js}.map` };
}

/**
 * Top-level await that the app's async wrapper did not take in: in a module the board module or
 * a prelude imports (esbuild wraps only what the app imports), which the engine cannot parse.
 */
async function leftTopLevelAwait(code: string): Promise<string[]> {
  try {
    await transform(code, { format: "esm", target: "es2020", logLevel: "silent" });
    return [];
  } catch {
    return ["top-level await outside the app's own modules (in one the board module or the runtime imports too) is not supported by the engine (QuickJS 2021-03-27): move it into the app"];
  }
}
