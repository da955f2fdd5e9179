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
import { diskQemuArgs } from "./disk.ts";
import { EFI_DISK_NAME } from "./efi-image.ts";
import { EfiConsoleGate } from "./efi-console.ts";
import { UserError } from "./errors.ts";
import { endWithCli, stoppingSignal } from "./child-signals.ts";

/** Exit code when the guest did not finish in time (as timeout(1) reports it). */
export const EXIT_TIMEOUT = 124;
/** Exit code when QEMU itself failed, on targets whose statuses tell that apart from the
    firmware's (Target.decodeExit), as timeout(1) reports its own failure. */
export const EXIT_EMULATOR_FAILED = 125;

export interface QemuRun {
  board: Board;
  elf: string;
  /** Seconds; Infinity for none (npm run qemu --timeout 0). */
  timeoutS: number;
  mapLine?: LineMapper;
  extraArgs?: string[];
  /** Receives console output (mapped); defaults to process.stdout. */
  onOutput?: (text: string) => void;
  /** Data written to the guest's console input, then end of input (a stream: piped on as it comes). */
  input?: string | Buffer | NodeJS.ReadableStream;
  /** Hold `input` back until the console has printed this (e.g. a prompt), as a user would.
      Without it, input is held until the console's first output (INPUT_HOLD_MS). */
  inputAfter?: string;
  /** QEMU's working directory (where semihosting file writes land). */
  cwd?: string;
  /** User-mode networking with these host port forwards (the board's qemu.network: --forward). */
  forwards?: readonly Forward[];
  /** A raw disk image attached to the board's card slot (--disk, tools/lib/disk.ts). */
  disk?: string;
  /** Ends QEMU when aborted (a test stopping a firmware that serves until stopped): the result has `stopped`. */
  signal?: AbortSignal;
}

/**
 * A UEFI board (board.json qemu.uefi) boots the GPT disk the build put beside the ELF through
 * OVMF: its code read-only, its variable store in a throw-away overlay (snapshot=on), the disk
 * likewise. An ELF with no disk beside it (the engine snapshot maker) boots through its PVH note
 * on the board's pvhMachine, in a fraction of OVMF's start-up time.
 */
function uefiBoot(board: Board, elf: string): { machine?: string; args: string[] } | undefined {
  const uefi = board.qemu.uefi;
  if (!uefi) return undefined;
  const disk = path.join(path.dirname(elf), EFI_DISK_NAME);
  if (!existsSync(disk)) return { machine: uefi.pvhMachine, args: ["-kernel", elf] };
  for (const fd of [uefi.code, uefi.vars]) {
    if (!existsSync(fd)) throw new UserError(`${fd} not found: install the Debian package ${uefi.debianPackage} (npm run setup installs everything tsmetal needs)`);
  }
  return {
    args: [
      "-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${uefi.code}`,
      "-drive", `if=pflash,format=raw,unit=1,snapshot=on,file=${uefi.vars}`,
      "-drive", `format=raw,snapshot=on,file=${disk}`,
      ...(uefi.args ?? []),
    ],
  };
}

export function qemuArgs(board: Board, elf: string, extra: string[] = [], forwards?: readonly Forward[], disk?: string): string[] {
  const net = forwards === undefined ? undefined : networkQemuArgs(board, forwards);
  const drive = disk === undefined ? undefined : diskQemuArgs(board, disk);
  const uefi = uefiBoot(board, elf);
  // Not -nographic: it multiplexes the monitor onto the serial console, whose Ctrl-A escape eats
  // 0x01 bytes of the guest's input. With a plain stdio serial, Ctrl-C ends QEMU.
  return [
    "-M", drive?.machine ?? net?.machine ?? uefi?.machine ?? board.qemu.machine,
    "-display", "none", "-monitor", "none",
    ...Array.from({ length: board.qemu.consoleSerial ?? 0 }, () => ["-serial", "null"]).flat(),
    "-serial", "stdio",
    // A reset (watchdog, reboot()) ends QEMU instead of booting the image again: runQemu tells
    // it from an exit by the trace of QEMU's run state (tools/lib/qemu-reset.ts), exit code 6.
    "-no-reboot",
    ...board.target.qemuExitArgs,
    ...(board.qemu.args ?? []),
    ...(net?.args ?? []),
    ...(drive?.args ?? []),
    ...(uefi?.args ?? ["-kernel", elf]),
    ...extra,
  ];
}

/**
 * How long input is held at most while the console has printed nothing. QEMU hands the first
 * input byte to the console UART at power-on, while the UART still has its FIFOs off, and
 * programming the UART then discards it: enabling the FIFOs empties them (PL011 TRM 3.3.7 FEN and
 * QEMU's pl011.c; PC16550D datasheet 8.7 FCR0; i.MX6UL RM UCR2.SRST, the software reset). Reading
 * the byte out first does not help: QEMU delivers the next one within microseconds, before the
 * driver's next register write, and that one is lost instead. As on a real line, where nothing
 * sent before the receiver is set up arrives intact, input waits until the UART is programmed:
 * the board module sets up the console before the app runs, so the first output byte says it is.
 * A firmware that reads before it prints anything gets its input after this delay.
 */
export const INPUT_HOLD_MS = 3000;

export interface QemuResult {
  code: number;
  timedOut: boolean;
  /** QEMU was ended through QemuRun.signal or with the CLI (tools/lib/child-signals.ts); `code`
      is then QEMU's own status. */
  stopped?: boolean;
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
  let holdTimer: NodeJS.Timeout | undefined;
  const sendInput = () => {
    if (inputSent) return;
    inputSent = true;
    clearTimeout(holdTimer);
    const input = r.input;
    if (input === undefined || !child.stdin) return;
    if (typeof input === "string" || Buffer.isBuffer(input)) child.stdin.end(input);
    else input.pipe(child.stdin);
  };
  // What opens the gate: the awaited text, else any output (INPUT_HOLD_MS).
  const gateOpen = () => (r.inputAfter !== undefined ? shown.seen.includes(r.inputAfter) : shown.seen.length > 0);
  // OVMF's own console text before the firmware's is dropped (tools/lib/efi-console.ts).
  const gate = r.board.qemu.uefi && existsSync(path.join(path.dirname(r.elf), EFI_DISK_NAME)) ? new EfiConsoleGate() : undefined;
  const capture = new ConsoleFile((c) => {
    shown.add(gate ? gate.push(c) : c);
    if (!inputSent && r.input !== undefined && gateOpen()) sendInput();
  });
  const child = spawn(qemu, qemuArgs(r.board, r.elf, [...resetTraceArgs(traceLog), ...(r.extraArgs ?? [])], r.forwards, r.disk), { stdio: [stdin, capture.writeFd, "pipe"], cwd: r.cwd });
  // A signal to the CLI ends QEMU too (tools/lib/child-signals.ts).
  endWithCli(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  // No input at all need not wait; other input waits for the console (INPUT_HOLD_MS).
  if (r.input !== undefined && r.inputAfter === undefined) {
    const empty = (typeof r.input === "string" || Buffer.isBuffer(r.input)) && r.input.length === 0;
    if (empty) sendInput();
    else holdTimer = setTimeout(sendInput, INPUT_HOLD_MS);
  }
  // QEMU may exit before reading all input: that is the guest's choice, not an error here.
  child.stdin?.on("error", () => {});
  let timedOut = false;
  let stopped = false;
  let killer: NodeJS.Timeout | undefined;
  const end = () => {
    // SIGTERM first: QEMU then restores the terminal it put in raw mode.
    child.kill("SIGTERM");
    killer ??= setTimeout(() => child.kill("SIGKILL"), 2000);
  };
  // Infinity is no timeout (--timeout 0): setTimeout would take it as 1 ms.
  const timer = Number.isFinite(r.timeoutS) ? setTimeout(() => {
    timedOut = true;
    end();
  }, r.timeoutS * 1000) : undefined;
  const onAbort = () => {
    stopped = true;
    end();
  };
  if (r.signal?.aborted) onAbort();
  else r.signal?.addEventListener("abort", onAbort, { once: true });
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  }).finally(() => {
    clearTimeout(timer);
    clearTimeout(killer);
    clearTimeout(holdTimer);
    // A piped stream (npm run qemu's standard input) is let go, so Node does not wait on it.
    if (r.input !== undefined && typeof r.input === "object" && !Buffer.isBuffer(r.input)) {
      r.input.unpipe();
      if ("destroy" in r.input && typeof r.input.destroy === "function") r.input.destroy();
    }
    r.signal?.removeEventListener("abort", onAbort);
    capture.close();
  });
  shown.add(gate?.end() ?? "", true);
  const output = shown.output;
  let reset: boolean;
  try {
    reset = existsSync(traceLog) && traceShowsReset(readFileSync(traceLog, "utf8"));
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
  if (timedOut) return { code: EXIT_TIMEOUT, timedOut, output, stderr };
  // Ended with the CLI (a signal to it): no reset or failure to report.
  if (stopped || stoppingSignal() !== undefined) return { code, timedOut, stopped: true, output, stderr };
  if (reset) return { code: EXIT_RESET, timedOut, output, stderr: `${stderr}${RESET_MESSAGE}` };
  const decode = r.board.target.decodeExit;
  if (!decode) return { code, timedOut, output, stderr };
  const firmwareCode = decode(code);
  if (firmwareCode !== null) return { code: firmwareCode, timedOut, output, stderr };
  return { code: EXIT_EMULATOR_FAILED, timedOut, output, stderr: `${stderr}${r.board.target.qemu.command} failed (exit status ${code})\n` };
}
