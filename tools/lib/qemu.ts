/**
 * Boots firmware under QEMU: streams the console to stdout (stack frames mapped to TypeScript),
 * always under a timeout, and returns the firmware's exit code.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireTool } from "./toolchain.ts";
import type { Board } from "./boards.ts";
import type { LineMapper } from "./source-map.ts";
import { ConsoleStream } from "./console-stream.ts";
import { ConsoleFile } from "./console-file.ts";
import { EXIT_RESET, RESET_MESSAGE, resetTraceArgs, traceShowsReset } from "./qemu-reset.ts";
import { checkElf } from "./elf-check.ts";
import { networkQemuArgs, type Forward } from "./forward.ts";

/** Exit code when the guest did not finish in time (as timeout(1) reports it). */
export const EXIT_TIMEOUT = 124;
/** Exit code when QEMU itself failed, on targets whose statuses tell that apart from the
    firmware's (Target.decodeExit), as timeout(1) reports its own failure. */
export const EXIT_EMULATOR_FAILED = 125;

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
  /** Hold `input` back until the console has printed this (e.g. a prompt), as a user would. */
  inputAfter?: string;
  /** QEMU's working directory (where semihosting file writes land). */
  cwd?: string;
  /** User-mode networking with these host port forwards (the board's qemu.network: --forward). */
  forwards?: readonly Forward[];
}

export function qemuArgs(board: Board, elf: string, extra: string[] = [], forwards?: readonly Forward[]): string[] {
  const net = forwards === undefined ? undefined : networkQemuArgs(board, forwards);
  // Not -nographic: it multiplexes the monitor onto the serial console, whose Ctrl-A escape eats
  // 0x01 bytes of the guest's input. With a plain stdio serial, Ctrl-C ends QEMU.
  return [
    "-M", net?.machine ?? board.qemu.machine,
    "-display", "none", "-monitor", "none",
    ...Array.from({ length: board.qemu.consoleSerial ?? 0 }, () => ["-serial", "null"]).flat(),
    "-serial", "stdio",
    // A reset (watchdog, reboot()) ends QEMU instead of booting the image again: runQemu tells
    // it from an exit by the trace of QEMU's run state (tools/lib/qemu-reset.ts), exit code 6.
    "-no-reboot",
    ...board.target.qemuExitArgs,
    ...(board.qemu.args ?? []),
    ...(net?.args ?? []),
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
  // A truncated or foreign ELF is refused here (exit 2): QEMU would fail silently or hang on it.
  checkElf(r.board, r.elf);
  const qemu = await requireTool(r.board.target.qemu);
  // Without scripted input the guest's console reads ours, so `npm run qemu` is interactive.
  const stdin = r.input === undefined ? "inherit" : "pipe";
  // QEMU's run-state trace, which tells a reset from an exit (tools/lib/qemu-reset.ts).
  const traceDir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-qemu-"));
  const traceLog = path.join(traceDir, "trace.log");
  const shown = new ConsoleStream(r.mapLine, r.onOutput);
  let inputSent = false;
  const sendInput = () => {
    inputSent = true;
    child.stdin?.end(r.input);
  };
  const capture = new ConsoleFile((c) => {
    shown.add(c);
    if (!inputSent && r.inputAfter !== undefined && r.input !== undefined && shown.seen.includes(r.inputAfter)) sendInput();
  });
  const child = spawn(qemu, qemuArgs(r.board, r.elf, [...resetTraceArgs(traceLog), ...(r.extraArgs ?? [])], r.forwards), { stdio: [stdin, capture.writeFd, "pipe"], cwd: r.cwd });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  if (r.input !== undefined && r.inputAfter === undefined) sendInput();
  // QEMU may exit before reading all input: that is the guest's choice, not an error here.
  child.stdin?.on("error", () => {});
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
  }).finally(() => {
    clearTimeout(timer);
    clearTimeout(killer);
    capture.close();
  });
  shown.add("", true);
  const output = shown.output;
  let reset: boolean;
  try {
    reset = existsSync(traceLog) && traceShowsReset(readFileSync(traceLog, "utf8"));
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
  if (timedOut) return { code: EXIT_TIMEOUT, timedOut, output, stderr };
  if (reset) return { code: EXIT_RESET, timedOut, output, stderr: `${stderr}${RESET_MESSAGE}` };
  const decode = r.board.target.decodeExit;
  if (!decode) return { code, timedOut, output, stderr };
  const firmwareCode = decode(code);
  if (firmwareCode !== null) return { code: firmwareCode, timedOut, output, stderr };
  return { code: EXIT_EMULATOR_FAILED, timedOut, output, stderr: `${stderr}${r.board.target.qemu.command} failed (exit status ${code})\n` };
}
