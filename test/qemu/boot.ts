/** Shared helpers for the QEMU boot tests: build an app for a board, boot it, capture. */
import path from "node:path";
import { buildFirmware, type Firmware } from "../../tools/lib/build.ts";
import { runQemu, type QemuResult } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { repoPath } from "../../tools/lib/paths.ts";

export const fixture = (name: string): string => repoPath("test/fixtures", name);

export interface BootOptions {
  board?: string;
  memoryLimit?: number;
  /** Per-job execution budget in ms (--max-job-ms). */
  maxJobMs?: number;
  enableEval?: boolean;
  timeoutS?: number;
  input?: string | Buffer;
  /** Send `input` only once the console has printed this. */
  inputAfter?: string;
  /** Guest time from the instruction count, skipping ahead while the CPU sleeps: deterministic
      timer tests that do not wait for real time. */
  icount?: boolean;
  /** More QEMU options (after the board's). */
  qemuArgs?: string[];
  /** Build-time strings for the app (--define NAME=VALUE). */
  defines?: Record<string, string>;
}

export async function build(app: string, opts: BootOptions = {}): Promise<Firmware> {
  return buildFirmware({ board: opts.board ?? "pizero", app, memoryLimit: opts.memoryLimit, maxJobMs: opts.maxJobMs, enableEval: opts.enableEval, defines: opts.defines });
}

export async function bootFirmware(fw: Firmware, opts: BootOptions = {}, elf = fw.elf): Promise<QemuResult> {
  return runQemu({
    board: fw.board,
    elf,
    timeoutS: opts.timeoutS ?? 60,
    input: opts.input ?? "",
    inputAfter: opts.inputAfter,
    extraArgs: [...(opts.icount ? ["-icount", "shift=0,sleep=off"] : []), ...(opts.qemuArgs ?? [])],
    mapLine: loadLineMapper(fw.bundles),
    onOutput: () => {},
  });
}

export async function boot(app: string, opts: BootOptions = {}): Promise<QemuResult> {
  return bootFirmware(await build(app, opts), opts);
}

/** Line numbers as the user sees them: repo-relative TS path and 1-based line. */
export const tsLocation = (file: string, line: number): string =>
  `${path.relative(process.cwd(), file)}:${line}`;
