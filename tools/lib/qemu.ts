/**
 * Boots firmware under QEMU: streams the console to stdout (stack frames mapped to TypeScript),
 * always under a timeout, and returns the firmware's exit code.
 */
import { spawn } from "node:child_process";
import { requireTool } from "./toolchain.ts";
import type { Board } from "./boards.ts";
import type { LineMapper } from "./source-map.ts";

/** Exit code when the guest did not finish in time (as timeout(1) reports it). */
export const EXIT_TIMEOUT = 124;

export interface QemuRun {
  board: Board;
  elf: string;
  timeoutS: number;
  mapLine?: LineMapper;
  extraArgs?: string[];
  /** Receives console output (mapped); defaults to process.stdout. */
  onOutput?: (text: string) => void;
  /** Data written to the guest's console input, then end of input. */
  input?: string | Buffer;
  /** QEMU's working directory (where semihosting file writes land). */
  cwd?: string;
}

export function qemuArgs(board: Board, elf: string, extra: string[] = []): string[] {
  return [
    "-M", board.qemu.machine,
    "-nographic", "-monitor", "none", "-serial", "stdio",
    ...board.target.qemuExitArgs,
    ...(board.qemu.args ?? []),
    "-kernel", elf,
    ...extra,
  ];
}

export interface QemuResult {
  code: number;
  timedOut: boolean;
  output: string;
  stderr: string;
}

export async function runQemu(r: QemuRun): Promise<QemuResult> {
  const qemu = await requireTool(r.board.target.qemu);
  // Without scripted input the guest's console reads ours, so `npm run qemu` is interactive.
  const stdin = r.input === undefined ? "inherit" : "pipe";
  const child = spawn(qemu, qemuArgs(r.board, r.elf, r.extraArgs), { stdio: [stdin, "pipe", "pipe"], cwd: r.cwd });
  const write = r.onOutput ?? ((t: string) => void process.stdout.write(t));
  const map = r.mapLine ?? ((t: string) => t);
  let output = "";
  let stderr = "";
  let pending = "";
  // Map whole lines only, so a frame split across two reads is still recognised.
  const emit = (chunk: string, flush: boolean) => {
    pending += chunk;
    const cut = flush ? pending.length : pending.lastIndexOf("\n") + 1;
    if (cut === 0) return;
    const text = map(pending.slice(0, cut));
    pending = pending.slice(cut);
    output += text;
    write(text);
  };
  child.stdout!.setEncoding("utf8").on("data", (c: string) => emit(c, false));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  if (r.input !== undefined) child.stdin?.end(r.input);
  let timedOut = false;
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    // SIGTERM first: QEMU then restores the terminal it put in raw mode.
    child.kill("SIGTERM");
    killer = setTimeout(() => child.kill("SIGKILL"), 2000);
  }, r.timeoutS * 1000);
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  });
  clearTimeout(timer);
  clearTimeout(killer);
  emit("", true);
  if (timedOut) return { code: EXIT_TIMEOUT, timedOut, output, stderr };
  return { code, timedOut, output, stderr };
}
