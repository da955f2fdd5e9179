/** npm run build: app → bundle → bytecode image → firmware.elf + the board's boot image. */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadBoard, type Board } from "./boards.ts";
import { bundle, bundleUnit, typeCheck, type Bundle } from "./bundle.ts";
import { optionalUnits, unitsFor, WEBCRYPTO_PRELUDE, webCryptoPreludeNeeded } from "./units.ts";
import { buildEngineLibrary, buildHostCompiler, type EngineOptions } from "./engine.ts";
import { link, type Linked } from "./link.ts";
import { engineSnapshot } from "./snapshot.ts";
import { makeImxImage } from "./imx-image.ts";
import { writeLineTable } from "./line-table.ts";
import { buildRoot, repoPath } from "./paths.ts";
import { requireTool, run } from "./toolchain.ts";
import { checkMemoryLimit } from "./heap-layout.ts";
import { checkAppFile, checkOutDir } from "./options.ts";
import type { Defines } from "./defines.ts";

export interface BuildOptions extends EngineOptions {
  board: string;
  app?: string;
  out?: string;
  /** JS heap limit in bytes (link-time: changing it does not recompile anything). */
  memoryLimit?: number;
  /** Per-job execution budget in ms (link-time; tools/lib/job-budget.ts). */
  maxJobMs?: number;
  /** Build-time strings for the app (--define NAME=VALUE, tools/lib/defines.ts). */
  defines?: Defines;
  /** Log progress lines (sizes, cache use) to stderr. */
  log?: (line: string) => void;
}

export interface Firmware extends Linked {
  board: Board;
  app: string;
  outDir: string;
  /** The firmware bundle first, then the lazy units. */
  bundles: Bundle[];
  blob: string;
  engineCached: boolean;
  /** The boot ROM's image for i.MX boards (board.json imxImage), made from `image`. */
  imxImage?: string;
}

export const defaultApp = () => repoPath("firmware-template/src/main.ts");

/**
 * Where a build goes unless --out says otherwise: one folder per board, app and what else changes
 * the output (`variant`: defines, heap limit, job budget, eval, REPL engine), so that two builds of
 * one app with different --define values, run at the same time, do not write each other's files.
 * A build with none of them keeps the plain board-and-app folder.
 */
export function defaultOutDir(board: string, app: string, variant: Readonly<Record<string, unknown>> = {}): string {
  const hash = createHash("sha256").update(path.resolve(app));
  const set = Object.keys(variant)
    .sort()
    .filter((k) => variant[k] !== undefined && variant[k] !== false && !(typeof variant[k] === "object" && variant[k] !== null && Object.keys(variant[k]).length === 0));
  if (set.length > 0) hash.update(JSON.stringify(set.map((k) => [k, sortedKeys(variant[k])])));
  return path.join(buildRoot, "out", `${board}-${path.basename(app, ".ts")}-${hash.digest("hex").slice(0, 8)}`);
}

/** `v` with its object keys in order, so equal defines give equal folders. */
function sortedKeys(v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
}

/** Compiles the bundles into one bytecode image (unit per bundle) with the host compiler. */
export async function compileBytecode(bundles: Bundle[], blob: string, progress?: (line: string) => void): Promise<void> {
  const args = bundles.flatMap((b) => [b.unit, b.script, b.js]);
  await run(await buildHostCompiler(progress), [blob, ...args], "compiling bytecode");
}

export async function buildFirmware(opts: BuildOptions): Promise<Firmware> {
  const log = opts.log ?? (() => {});
  const board = loadBoard(opts.board);
  // Bad input is refused before the compilers see it (tools/lib/options.ts, heap-layout.ts).
  if (opts.memoryLimit) checkMemoryLimit(board, opts.memoryLimit);
  else if (board.memoryLimit !== undefined) checkMemoryLimit(board, board.memoryLimit, `boards/${board.name}/board.json memoryLimit ${board.memoryLimit}`);
  const app = checkAppFile(opts.app ?? defaultApp());
  const variant = { defines: opts.defines, memoryLimit: opts.memoryLimit, maxJobMs: opts.maxJobMs, enableEval: opts.enableEval, repl: opts.repl };
  const outDir = opts.out !== undefined ? checkOutDir(opts.out) : defaultOutDir(board.name, app, variant);
  await mkdir(outDir, { recursive: true });

  // The board's cross compiler first: a missing toolchain is the likeliest setup problem.
  await requireTool(board.target.cc);
  await typeCheck(board, app, outDir);
  const bundles = [
    await bundle(board, app, outDir, opts.defines),
    ...(await Promise.all(unitsFor(board).map((u) => bundleUnit(board, u.name, u.entry, outDir)))),
  ];
  // The optional units the code names or loads: web globals, the network (tools/lib/units.ts).
  bundles.push(...(await optionalUnits(board, bundles, (u) => bundleUnit(board, u.name, u.entry, outDir))));
  // crypto.subtle and randomUUID are defined by a prelude in unit "main" (tools/lib/units.ts).
  if (await webCryptoPreludeNeeded(bundles)) bundles[0] = await bundle(board, app, outDir, opts.defines, [WEBCRYPTO_PRELUDE]);
  const blob = path.join(outDir, "bytecode.tsmb");
  const [engine] = await Promise.all([buildEngineLibrary(board, opts), compileBytecode(bundles, blob, opts.progress)]);
  log(engine.cached ? "engine: cached" : `engine: compiled ${engine.objects.length} files`);
  const snapshot = await engineSnapshot(board, engine, opts.progress);
  const linked = await link(board, engine, blob, outDir, { memoryLimit: opts.memoryLimit, maxJobMs: opts.maxJobMs, snapshot });
  const imxImage = board.imxImage ? await makeImxImage(board, linked.image, outDir) : undefined;
  // Bundle line → .ts line for the gdb helper and bench --profile (tools/lib/line-table.ts).
  writeLineTable(bundles, outDir);
  return { ...linked, board, app, outDir, bundles, blob, engineCached: engine.cached, imxImage };
}
