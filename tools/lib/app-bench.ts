/**
 * bench --app <entry.ts>: the figures of the user's own firmware, boot to exit, as JSON
 * (tools/commands/bench.ts). The instructions come from the insn-count plugin; the allocator's
 * high-water mark, which the app does not print, is read by gdb-multiarch at tsm_exit (QEMU's
 * gdbstub; the guest's instruction stream is the same with or without the debugger, so the
 * figures stay deterministic).
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Firmware } from "./build.ts";
import { runQemu, type QemuResult } from "./qemu.ts";
import { gdbQemuArgs } from "./gdb.ts";
import { endWithCli } from "./child-signals.ts";
import { freePort } from "./free-port.ts";
import { requireTool } from "./toolchain.ts";
import { UserError } from "./errors.ts";
import type { Tool } from "./targets.ts";

export const gdbTool: Tool = { command: "gdb-multiarch", debianPackage: "gdb-multiarch" };

export interface HeapAtExit {
  peak: number;
  limit: number;
}

/** How long an app may run under bench --app before it is stopped (it must exit by itself). */
export const APP_BENCH_TIMEOUT_S = 120;

/** The gdb commands: attach, stop at the exit, print the heap figures, let the guest exit. */
export function heapAtExitScript(fw: Pick<Firmware, "elf" | "board">, port: number): string {
  const inferior = fw.board.qemu.gdbInferior ?? 1;
  const attach = inferior === 1
    ? [`file ${fw.elf}`, `target remote :${port}`]
    : [`target extended-remote :${port}`, ...Array.from({ length: inferior - 1 }, () => "add-inferior"), `inferior ${inferior}`, `attach ${inferior}`, `file ${fw.elf}`];
  return [
    "set pagination off",
    "set confirm off",
    ...attach,
    "break tsm_exit",
    "continue",
    // engine/src/alloc.c's high-water mark and engine/src/heap.c's JS limit (hal mem.stats()).
    `printf "tsmetal-heap %u %u\\n", 'alloc.c'::heap.stats.peak, 'heap.c'::js_limit`,
    "detach",
    "",
  ].join("\n");
}

export function parseHeapAtExit(gdbOutput: string): HeapAtExit | null {
  const m = /tsmetal-heap (\d+) (\d+)/.exec(gdbOutput);
  return m ? { peak: Number(m[1]), limit: Number(m[2]) } : null;
}

/**
 * Runs `fw` to its exit under QEMU with `extraArgs` (the counting plugin) and gdb-multiarch
 * attached, which reads the heap figures at tsm_exit. Both are time-limited; QEMU is stopped if
 * gdb fails.
 */
export async function runWithHeapAtExit(fw: Firmware, extraArgs: string[], tmp: string): Promise<{ run: QemuResult; heap: HeapAtExit }> {
  const gdb = await requireTool(gdbTool);
  const port = await freePort();
  const script = path.join(tmp, "heap.gdb");
  await writeFile(script, heapAtExitScript(fw, port));
  const stop = new AbortController();
  const qemu = runQemu({
    board: fw.board, elf: fw.elf, timeoutS: APP_BENCH_TIMEOUT_S, input: "", onOutput: () => {},
    extraArgs: [...gdbQemuArgs(port), ...extraArgs], signal: stop.signal,
  });
  qemu.catch(() => undefined);
  let out = "";
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // The gdbstub listens once QEMU has started: gdb retries the connection until then.
      const child = spawn(gdb, ["-nx", "-batch", "-ex", "set tcp connect-timeout 30", "-x", script], { stdio: ["ignore", "pipe", "pipe"] });
      endWithCli(child);
      const timer = setTimeout(() => child.kill("SIGKILL"), (APP_BENCH_TIMEOUT_S + 30) * 1000);
      child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
      child.on("error", reject);
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const heap = parseHeapAtExit(out);
    if (code !== 0 || !heap) {
      stop.abort();
      const r = await qemu;
      throw new UserError(`bench --app: the app did not reach its exit within ${APP_BENCH_TIMEOUT_S} s, or gdb could not read its heap:\n${out}${r.output}${r.stderr}`);
    }
    return { run: await qemu, heap };
  } finally {
    stop.abort();
    await qemu.catch(() => undefined);
  }
}
