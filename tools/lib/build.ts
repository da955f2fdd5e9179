/** npm run build: app → bundle → bytecode image → firmware.elf + the board's boot image. */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadBoard, type Board } from "./boards.ts";
import { bundle, typeCheck, SCRIPT_NAME, type Bundle } from "./bundle.ts";
import { buildEngineLibrary, buildHostCompiler, type EngineOptions } from "./engine.ts";
import { link, type Linked } from "./link.ts";
import { buildRoot, repoPath } from "./paths.ts";
import { run } from "./toolchain.ts";

export interface BuildOptions extends EngineOptions {
  board: string;
  app?: string;
  out?: string;
  /** JS heap limit in bytes (link-time: changing it does not recompile anything). */
  memoryLimit?: number;
  /** Log progress lines (sizes, cache use) to stderr. */
  log?: (line: string) => void;
}

export interface Firmware extends Linked {
  board: Board;
  app: string;
  outDir: string;
  bundle: Bundle;
  blob: string;
  engineCached: boolean;
}

export const defaultApp = () => repoPath("firmware-template/src/main.ts");

/** Where a build goes unless --out says otherwise: one folder per board and app. */
export function defaultOutDir(board: string, app: string): string {
  const tag = createHash("sha256").update(path.resolve(app)).digest("hex").slice(0, 8);
  return path.join(buildRoot, "out", `${board}-${path.basename(app, ".ts")}-${tag}`);
}

/** Compiles a bundle into a bytecode image with the host compiler. */
export async function compileBytecode(js: string, blob: string): Promise<void> {
  await run(await buildHostCompiler(), [js, blob, SCRIPT_NAME], "compiling bytecode");
}

export async function buildFirmware(opts: BuildOptions): Promise<Firmware> {
  const log = opts.log ?? (() => {});
  const board = loadBoard(opts.board);
  const app = path.resolve(opts.app ?? defaultApp());
  const outDir = path.resolve(opts.out ?? defaultOutDir(board.name, app));
  await mkdir(outDir, { recursive: true });

  await typeCheck(board, app, outDir);
  const b = await bundle(board, app, outDir);
  const blob = path.join(outDir, "bytecode.tsmb");
  const [engine] = await Promise.all([buildEngineLibrary(board, opts), compileBytecode(b.js, blob)]);
  log(engine.cached ? "engine: cached" : `engine: compiled ${engine.objects.length} files`);
  const linked = await link(board, engine, blob, outDir, { memoryLimit: opts.memoryLimit });
  return { ...linked, board, app, outDir, bundle: b, blob, engineCached: engine.cached };
}
