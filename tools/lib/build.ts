/** npm run build: app → bundle → bytecode image → firmware.elf + the board's boot image. */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadBoard, type Board } from "./boards.ts";
import { bundle, bundleUnit, typeCheck, type Bundle } from "./bundle.ts";
import { optionalUnits, unitsFor } from "./units.ts";
import { buildEngineLibrary, buildHostCompiler, type EngineOptions } from "./engine.ts";
import { link, type Linked } from "./link.ts";
import { engineSnapshot } from "./snapshot.ts";
import { makeImxImage } from "./imx-image.ts";
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

/** Where a build goes unless --out says otherwise: one folder per board and app. */
export function defaultOutDir(board: string, app: string): string {
  const tag = createHash("sha256").update(path.resolve(app)).digest("hex").slice(0, 8);
  return path.join(buildRoot, "out", `${board}-${path.basename(app, ".ts")}-${tag}`);
}

/** Compiles the bundles into one bytecode image (unit per bundle) with the host compiler. */
export async function compileBytecode(bundles: Bundle[], blob: string): Promise<void> {
  const args = bundles.flatMap((b) => [b.unit, b.script, b.js]);
  await run(await buildHostCompiler(), [blob, ...args], "compiling bytecode");
}

export async function buildFirmware(opts: BuildOptions): Promise<Firmware> {
  const log = opts.log ?? (() => {});
  const board = loadBoard(opts.board);
  // Bad input is refused before the compilers see it (tools/lib/options.ts, heap-layout.ts).
  if (opts.memoryLimit) checkMemoryLimit(board, opts.memoryLimit);
  else if (board.memoryLimit !== undefined) checkMemoryLimit(board, board.memoryLimit, `boards/${board.name}/board.json memoryLimit ${board.memoryLimit}`);
  const app = checkAppFile(opts.app ?? defaultApp());
  const outDir = opts.out !== undefined ? checkOutDir(opts.out) : defaultOutDir(board.name, app);
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
  const blob = path.join(outDir, "bytecode.tsmb");
  const [engine] = await Promise.all([buildEngineLibrary(board, opts), compileBytecode(bundles, blob)]);
  log(engine.cached ? "engine: cached" : `engine: compiled ${engine.objects.length} files`);
  const snapshot = await engineSnapshot(board, engine);
  const linked = await link(board, engine, blob, outDir, { memoryLimit: opts.memoryLimit, maxJobMs: opts.maxJobMs, snapshot });
  const imxImage = board.imxImage ? await makeImxImage(board, linked.image, outDir) : undefined;
  return { ...linked, board, app, outDir, bundles, blob, engineCached: engine.cached, imxImage };
}
