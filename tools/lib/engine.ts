/**
 * The engine build: QuickJS 2021-03-27 from the npm package qjsc@0.3.0 with our patches
 * (engine/patches/) applied into the build directory, compiled per board for the target into a
 * cached static library, and for the host into the bytecode compiler `tsmc`. Both builds see the
 * same patched source and config, so their fingerprints (engine/src/blob.h) agree.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { buildRoot, repoPath } from "./paths.ts";
import { sdkPackageDir } from "./packages.ts";
import { pool, requireTool, run, semaphore, type PoolOptions } from "./toolchain.ts";
import { UserError } from "./errors.ts";
import type { Board } from "./boards.ts";
import type { Target } from "./targets.ts";

const ENGINE_VERSION = "2021-03-27";
/** Upstream QuickJS as installed: the qjsc package wherever module resolution finds it (beside
    tsmetal when tsmetal is a dependency). Its headers are what the build includes (patches add none). */
export const upstreamDir = path.join(sdkPackageDir("qjsc") ?? repoPath("node_modules/qjsc"), "deps/quickjs_2021_03_27");

/** Engine sources compiled for both host and target. */
const quickjsSources = ["quickjs.c", "libregexp.c", "libunicode.c", "cutils.c", "libbf.c"];
const engineSources = ["engine/src/blob.c", "engine/src/dtoa.c", "engine/src/dtoa-radix.c"];
const targetOnlySources = [
  "engine/src/engine.c",
  "engine/src/heap.c",
  "engine/src/alloc.c",
  "engine/src/report.c",
  "engine/src/rejections.c",
  "engine/src/budget.c",
  "engine/src/snapshot.c",
  "engine/src/console.c",
  "engine/src/loop.c",
  "engine/src/timers.c",
  "engine/src/crypto.c",
  "engine/src/web-globals.c",
  "engine/src/repl.c",
  "engine/src/restart.c",
  "hal/native/hal-module.c",
  "hal/native/irq.c",
  "hal/native/clock.c",
  "hal/native/dma.c",
];

/** Config that changes the bytecode format: part of the fingerprint. */
const configDefines = [
  `-DCONFIG_VERSION="${ENGINE_VERSION}"`,
  "-DCONFIG_BIGNUM",
  "-DTSM_NO_ATOMICS",
  "-DTSM_EXACT_DTOA",
  "-D_GNU_SOURCE",
];

const hash = (parts: Array<string | Buffer>): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 16);
};

async function patchFiles(): Promise<string[]> {
  const dir = repoPath("engine/patches");
  return (await readdir(dir)).filter((f) => f.endsWith(".patch")).sort().map((f) => path.join(dir, f));
}

async function contentsOf(files: string[]): Promise<Buffer[]> {
  return Promise.all(files.map((f) => readFile(f)));
}

/** Identity of the bytecode-relevant engine build: version, config and patch set. */
export async function engineId(): Promise<string> {
  const patches = await patchFiles();
  const patchHash = hash(await contentsOf(patches)).slice(0, 8);
  return `quickjs-${ENGINE_VERSION};bignum;no-atomics;tsmb3;patches=${patchHash}`;
}

let patched: Promise<string> | undefined;

/** Copies the upstream source into the build dir and applies our patches (once per patch set). */
export function patchedSourceDir(): Promise<string> {
  patched ??= preparePatchedSource();
  return patched;
}

async function preparePatchedSource(): Promise<string> {
  if (!existsSync(path.join(upstreamDir, "quickjs.c"))) {
    throw new UserError(`QuickJS source not found in ${upstreamDir}: install tsmetal's dependency qjsc (npm install; in a tsmetal checkout, npm run setup)`);
  }
  const patches = await patchFiles();
  const dir = path.join(buildRoot, "engine-src", hash(await contentsOf(patches)));
  if (existsSync(path.join(dir, ".patched"))) return dir;
  const tmp = `${dir}.tmp${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await cp(upstreamDir, tmp, { recursive: true });
  const patch = await requireTool({ command: "patch", debianPackage: "patch" });
  for (const p of patches) await run(patch, ["-s", "-p1", "-d", tmp, "-i", p], `applying ${path.basename(p)}`);
  await writeFile(path.join(tmp, ".patched"), "");
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return dir;
}

async function commonDefines(): Promise<string[]> {
  return [...configDefines, `-DTSM_ENGINE_ID="${await engineId()}"`];
}

/**
 * The C include paths of the two sides of the C contract (docs/hal.md, "The C contract"). Both
 * see QuickJS, the contract folder engine/include and the arch's own folder (the target's
 * includeDirs), whose "arch.h" only the contract's tsmetal-hooks.h names on the engine's side.
 * The engine (QuickJS, whose patch 0001 includes engine/src/dtoa.h, and engine/src) also sees
 * engine/src, the HAL hal/native; neither sees the other's folder.
 * test/engine/include.test.ts resolves every #include with these.
 */
export function cIncludeDirs(quickjsDir: string, target: Pick<Target, "includeDirs">): { engine: string[]; hal: string[] } {
  const arch = target.includeDirs.map((d) => repoPath(d));
  return {
    engine: [quickjsDir, repoPath("engine/src"), repoPath("engine/include"), ...arch],
    hal: [quickjsDir, repoPath("engine/include"), ...arch, repoPath("hal/native")],
  };
}

const includeFlags = (dirs: string[]): string[] => dirs.map((d) => `-I${d}`);

async function sourceHash(files: string[], flags: string[]): Promise<string> {
  return hash([...(await contentsOf(files)), ...flags]);
}

/** Builds build/host/tsmc-<hash>: the host bytecode compiler. */
export async function buildHostCompiler(progress?: (line: string) => void): Promise<string> {
  const srcDir = await patchedSourceDir();
  const cc = await requireTool({ command: "gcc", debianPackage: "gcc" });
  const files = [...quickjsSources.map((f) => path.join(srcDir, f)), ...engineSources.map((f) => repoPath(f)), repoPath("engine/host/tsmc.c")];
  // tsmc.c reads images with engine/src/blob.h; no contract, no arch.
  const flags = ["-O2", "-fno-strict-aliasing", "-w", ...(await commonDefines()), ...includeFlags([srcDir, repoPath("engine/src")])];
  const out = path.join(buildRoot, "host", `tsmc-${await sourceHash(files, flags)}`);
  if (existsSync(out)) return out;
  await mkdir(path.dirname(out), { recursive: true });
  const objDir = `${out}.obj`;
  await mkdir(objDir, { recursive: true });
  const objs = await pool(
    files.map((f) => async () => {
      const o = path.join(objDir, path.basename(f) + ".o");
      await compileSlot(() => run(cc, [...flags, "-c", f, "-o", o], `compiling ${path.basename(f)} for the host`));
      return o;
    }),
    compileProgress("host bytecode compiler", files, progress),
  );
  await run(cc, ["-o", `${out}.tmp`, ...objs, "-lm"], "linking the host compiler");
  await rename(`${out}.tmp`, out);
  return out;
}

export interface EngineLibrary {
  /** Object files to link (the engine, HAL and libc glue for this board). */
  objects: string[];
  cflags: string[];
  /** The cache folder of this build (the engine snapshot is kept there too). */
  dir: string;
}

/**
 * Compiles the engine, native HAL and arch code for a board into build/engine/<hash>/. The hash
 * covers every input, so boards with identical settings share one build and editing only the
 * app never recompiles the engine.
 */
export interface EngineOptions {
  /** Compile in eval() and new Function() from strings (off by default: attack surface). */
  enableEval?: boolean;
  /** The REPL's engine side, hal.image.exec and watchBreak (engine/src/repl.c; npm run repl only). */
  repl?: boolean;
  /** Progress lines of a cold build (what is compiled, for which board, how far); a cached one prints none. */
  progress?: (line: string) => void;
}

/** One compiler process per core across the engine's and the host compiler's builds together. */
const compileSlot = semaphore(availableParallelism());

/**
 * pool() options that report a cold compile as it goes: a first line saying what is built on how
 * many cores, then "<what>: 12/40 objects (quickjs.c)" as each object is done. A cold engine
 * takes a minute or more per board (quickjs.c alone most of it), so silence would look like a hang.
 */
export function compileProgress(what: string, files: readonly string[], progress?: (line: string) => void, width = availableParallelism()): PoolOptions {
  if (!progress) return { width };
  progress(`${what}: compiling ${files.length} objects on ${width} cores (once; cached after)`);
  return { width, onDone: (done, total, i) => progress(`${what}: ${done}/${total} objects (${path.basename(files[i])})`) };
}

/** board.json's memoryMap as a C initializer for hal/arch/<arch>/mmu.c. */
function memoryMapInitializer(board: Board): string {
  const type = { ram: 1, uncached: 2, device: 3 } as const;
  const hex = (n: number) => `0x${n.toString(16)}u`;
  return `{${board.memoryMap.map((r) => `{${hex(r.base)},${hex(r.size)},${type[r.type]}}`).join(",")}}`;
}

/** Every header and assembler include of ours, whichever target includes it: a superset in the
    engine's hash, so an edit to any of them rebuilds (a stale engine is worse than a slower build). */
async function ourIncludes(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ["engine/src", "engine/include", "hal"]) {
    for (const f of await readdir(repoPath(dir), { recursive: true })) {
      if (f.endsWith(".h") || f.endsWith(".inc")) files.push(repoPath(dir, f));
    }
  }
  return files.sort();
}

export async function buildEngineLibrary(board: Board, opts: EngineOptions = {}): Promise<EngineLibrary & { cached: boolean }> {
  const srcDir = await patchedSourceDir();
  const t = board.target;
  const cc = await requireTool(t.cc);
  const files = [
    ...quickjsSources.map((f) => path.join(srcDir, f)),
    ...[...engineSources, ...targetOnlySources, ...t.sources, `hal/early/${board.earlyConsole.driver}.c`].map((f) =>
      repoPath(f),
    ),
  ];
  const headers = await ourIncludes();
  const cflags = [
    ...t.cflags,
    "-Os",
    "-g",
    "-ffunction-sections",
    "-fdata-sections",
    "-fno-strict-aliasing",
    ...(opts.enableEval ? ["-DTSM_ENABLE_EVAL"] : []),
    ...(opts.repl ? ["-DTSM_REPL"] : []),
    "-DTSM_FREESTANDING",
    `-DTSM_EARLY_CONSOLE_BASE=${board.earlyConsole.base}`,
    `-DTSM_MEMORY_MAP=${memoryMapInitializer(board)}`,
    ...(await commonDefines()),
  ];
  const includes = cIncludeDirs(srcDir, t);
  const includesOf = (f: string) => includeFlags(f.startsWith(repoPath("hal") + path.sep) ? includes.hal : includes.engine);
  const key = await sourceHash([...files, ...headers], [...cflags, ...includeFlags(includes.engine), "hal:", ...includeFlags(includes.hal)]);
  const dir = path.join(buildRoot, "engine", key);
  const objects = files.map((f) => path.join(dir, path.basename(f).replace(/\.[cS]$/, ".o")));
  if (existsSync(path.join(dir, ".complete"))) return { objects, cflags, dir, cached: true };
  // Compile into a private folder and rename it into place, so concurrent builds never see or
  // write half a library.
  const tmp = `${dir}.tmp${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const ownCode = (f: string) => !f.startsWith(srcDir);
  await pool(
    files.map((f, i) => async () => {
      // Upstream QuickJS is compiled as it is, warnings and all; our own code must be clean.
      const warn = ownCode(f) ? ["-Wall", "-Wno-unused-parameter"] : ["-w"];
      const obj = path.join(tmp, path.basename(objects[i]));
      await compileSlot(() => run(cc, [...cflags, ...includesOf(f), ...warn, "-c", f, "-o", obj], `compiling ${path.basename(f)} for ${board.name}`));
    }),
    compileProgress(`engine ${board.name}`, files, opts.progress),
  );
  await writeFile(path.join(tmp, ".complete"), "");
  if (existsSync(path.join(dir, ".complete"))) await rm(tmp, { recursive: true, force: true });
  else {
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  return { objects, cflags, dir, cached: false };
}
