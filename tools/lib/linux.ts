/**
 * Runs a Linux board's firmware (docs/boards/linux.md): the static executable as a host process,
 * directly or under the target's qemu-user emulator, with the same contract as `npm run qemu`
 * (tools/lib/qemu.ts): console streamed with stack frames mapped to TypeScript, always under a
 * timeout (124), the firmware's exit code as the result. The process gets an empty environment,
 * the filesystem root as working directory, and no descriptors but standard input, output and
 * error (Node's spawn passes no others; the firmware closes any it would inherit).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { requireTool } from "./toolchain.ts";
import { EXIT_TIMEOUT, type QemuResult } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { boardNames, loadBoard, type Board } from "./boards.ts";
import type { LineMapper } from "./source-map.ts";

/** TSM_EXIT_FAULT (engine/src/tsmetal.h): what a CPU exception ends a bare-metal firmware with. */
export const EXIT_FAULT = 4;

/** Signals that are the firmware's own fault (a bad access, an illegal instruction, abort()). */
const FAULT_SIGNALS = new Set<NodeJS.Signals>(["SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGTRAP"]);

export interface LinuxRun {
  board: Board;
  /** The executable (the board's image: firmware.elf without debug info). */
  executable: string;
  timeoutS: number;
  mapLine?: LineMapper;
  /** Receives console output (mapped); defaults to process.stdout. */
  onOutput?: (text: string) => void;
  /** Data for standard input, then end of input; absent: ours is passed on. */
  input?: string | Buffer;
}

/** The boards of the Linux targets (board.json arch with a Target.linux). */
export function linuxBoardNames(): string[] {
  return boardNames().filter((n) => loadBoard(n).target.linux);
}

/** Loads `name` and refuses boards that are not Linux executables. */
export function loadLinuxBoard(name: string): Board {
  const board = loadBoard(name);
  if (!board.target.linux) {
    throw new UserError(`'${name}' is not a Linux userspace board (arch ${board.arch}); use npm run qemu for it. Linux boards: ${linuxBoardNames().join(", ")}`);
  }
  return board;
}

/** Why the process ended, as the firmware's exit code, and what to tell the user about it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): { code: number; note?: string } {
  if (signal === null) return { code: code ?? 1 };
  // The seccomp filter's answer to a system call outside its list (hal/arch/linux/seccomp.c).
  if (signal === "SIGSYS") return { code: EXIT_FAULT, note: "tsmetal: CPU fault: the firmware made a system call it may not make (SIGSYS from its seccomp filter)\n" };
  if (FAULT_SIGNALS.has(signal)) return { code: EXIT_FAULT, note: `tsmetal: CPU fault: the firmware process was killed by ${signal}\n` };
  return { code: 128 + (constants.signals[signal] ?? 0), note: `tsmetal: the firmware process was killed by ${signal}\n` };
}

export async function runLinux(r: LinuxRun): Promise<QemuResult> {
  const emulator = r.board.target.linux?.emulator;
  const [command, args] = emulator ? [await requireTool(emulator), [r.executable]] : [r.executable, []];
  const stdin = r.input === undefined ? "inherit" : "pipe";
  const child = spawn(command, args, { stdio: [stdin, "pipe", "pipe"], env: {}, cwd: "/" });
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
  // The firmware may exit before reading its input: its choice, not an error here.
  child.stdin?.on("error", () => {});
  if (r.input !== undefined) child.stdin?.end(r.input);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, r.timeoutS * 1000);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  emit("", true);
  if (timedOut) return { code: EXIT_TIMEOUT, timedOut, output, stderr };
  const { code, note } = exitCodeOf(ended.code, ended.signal);
  return { code, timedOut, output, stderr: note ? `${stderr}${note}` : stderr };
}
