/**
 * Runs a Linux board's firmware (docs/boards/linux.md): the static executable as a host process,
 * directly or under the target's qemu-user emulator, with the same contract as `npm run qemu`
 * (tools/lib/qemu.ts): console streamed with stack frames mapped to TypeScript, always under a
 * timeout (124), the firmware's exit code as the result. The process gets an empty environment,
 * the filesystem root as working directory, no standard input, its standard output and error, and
 * the three pipes of the simulated register space (fds 3-5, tools/lib/linux-registers.ts; the
 * firmware closes any other descriptor it would inherit). Console input (`input`, or ours) goes
 * to the register space's UART, which the firmware reads through board().openSerial().
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import { constants } from "node:os";
import { requireTool } from "./toolchain.ts";
import { EXIT_TIMEOUT, type QemuResult } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { endWithCli, stoppingSignal } from "./child-signals.ts";
import { gdbBridge, gdbserverArgs, gdbserverChildExit, gdbserverTool, isGdbserverLine, qemuUserGdbCommand, stdioBridge } from "./gdb.ts";
import { boardNames, loadBoard, type Board } from "./boards.ts";
import type { LineMapper } from "./source-map.ts";
import { ConsoleStream } from "./console-stream.ts";
import { checkElf } from "./elf-check.ts";
import { RegisterServer, REGISTERS_ARG, registerMachineFor } from "./linux-registers.ts";

/** TSM_EXIT_FAULT (engine/include/tsmetal.h): what a CPU exception ends a bare-metal firmware with. */
export const EXIT_FAULT = 4;

/** Signals that are the firmware's own fault (a bad access, an illegal instruction, abort()). */
const FAULT_SIGNALS = new Set<NodeJS.Signals>(["SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGTRAP"]);

export interface LinuxRun {
  board: Board;
  /** The executable (the board's image: firmware.elf without debug info). */
  executable: string;
  /** Seconds; Infinity for none (--timeout 0). */
  timeoutS: number;
  mapLine?: LineMapper;
  /** Receives console output (mapped); defaults to process.stdout. */
  onOutput?: (text: string) => void;
  /** Console input for the simulated UART (a stream: passed on as it comes, `npm run repl`'s
      frames); absent: our standard input is. */
  input?: string | Buffer | NodeJS.ReadableStream;
  /** Offer `input` only once the console output contains this (the firmware then sleeps, and the
      input's interrupt has to wake it), as QEMU runs' inputAfter. */
  inputAfter?: string;
  /** Run on if the seccomp filter cannot be installed (the firmware warns on standard error);
      without it such a firmware refuses to run, exit 8 (hal/arch/linux/boot.c). Always so under
      qemu-user, which refuses every guest filter (docs/boards/linux.md). */
  allowNoSeccomp?: boolean;
  /** Start it halted for gdb on this loopback port (`npm run linux --gdb`): under gdbserver natively,
      under qemu-user with the emulator's own gdbstub (tools/lib/gdb.ts; docs/debugging.md). */
  gdbPort?: number;
  /** Ends the firmware when aborted (the REPL leaving): the result has `stopped`. */
  signal?: AbortSignal;
}

/** hal/arch/linux/boot.c's ALLOW_NO_SECCOMP_ARG. */
export const ALLOW_NO_SECCOMP_ARG = "--tsm-allow-no-seccomp";

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
  // A truncated or foreign executable is refused (exit 2) before the kernel or qemu-user sees it.
  checkElf(r.board, r.executable);
  const emulator = r.board.target.linux?.emulator;
  const flags = emulator || r.allowNoSeccomp ? [REGISTERS_ARG, ALLOW_NO_SECCOMP_ARG] : [REGISTERS_ARG];
  const emulatorPath = emulator ? await requireTool(emulator) : undefined;
  // The emulator's gdbstub listens on a Unix socket in a folder of our own (tools/lib/gdb.ts).
  const gdbDir = emulatorPath && r.gdbPort !== undefined ? mkdtempSync(path.join(os.tmpdir(), "tsmetal-gdb-")) : undefined;
  const gdbSocket = gdbDir && path.join(gdbDir, "gdbstub");
  const [command, args] = emulatorPath
    ? gdbSocket
      ? qemuUserGdbCommand(emulatorPath, gdbSocket, r.executable, flags)
      : [emulatorPath, [r.executable, ...flags]]
    : r.gdbPort !== undefined
      ? [await requireTool(gdbserverTool), gdbserverArgs(r.executable, flags)]
      : [r.executable, flags];
  // gdbserver speaks the remote protocol on its standard input and output (tools/lib/gdb.ts).
  const gdbserverStdio = !emulatorPath && r.gdbPort !== undefined;
  const machine = await registerMachineFor(r.board);
  const child = spawn(command, args, { stdio: [gdbserverStdio ? "pipe" : "ignore", "pipe", "pipe", "pipe", "pipe", "pipe"], env: {}, cwd: "/" });
  // A signal to the CLI ends the firmware (or its qemu-user) too (tools/lib/child-signals.ts).
  endWithCli(child);
  const shown = new ConsoleStream(r.mapLine, r.onOutput);
  let stderr = "";
  let inputOffered = false;
  // Declared before the output paths that call it; the server exists by the time they run.
  let server: RegisterServer | undefined;
  const offerInput = () => {
    if (inputOffered || r.input === undefined || !server) return;
    if (r.inputAfter !== undefined && !shown.output.includes(r.inputAfter)) return;
    inputOffered = true;
    const input = r.input;
    const give = () => {
      if (typeof input === "string" || Buffer.isBuffer(input)) server?.addInput(typeof input === "string" ? Buffer.from(input) : input);
      else input.on("data", (c: string | Buffer) => server?.addInput(typeof c === "string" ? Buffer.from(c) : c));
    };
    // After the output that asked for it has been served: the firmware is back in its loop.
    if (r.inputAfter !== undefined) setTimeout(give, 50);
    else give();
  };
  const consoleOutput = (c: string) => {
    shown.add(c);
    offerInput();
  };
  if (!gdbserverStdio) {
    child.stdout!.setEncoding("utf8").on("data", consoleOutput);
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  } else {
    // The console comes on gdbserver's standard error, with gdbserver's own lines, which are not the firmware's.
    let partial = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      partial += c;
      const cut = partial.lastIndexOf("\n") + 1;
      const lines = partial.slice(0, cut).split(/(?<=\n)/);
      partial = partial.slice(cut);
      for (const l of lines) {
        if (isGdbserverLine(l.replace(/\r?\n$/, ""))) stderr += l;
        else consoleOutput(l);
      }
    });
    child.stderr!.on("end", () => partial && consoleOutput(partial));
  }
  // Node types stdio as five entries; fds 3-5 are sockets like the others (net.Socket, a Duplex).
  const fd = (n: number) => (child.stdio as readonly unknown[])[n] as Duplex;
  const [requests, answers, notify] = [fd(3), fd(4), fd(5)];
  // The UART's output (a prompt, echo) is shown at once, not held back until a newline; it carries
  // no stack frames to map.
  const uartText = new TextDecoder();
  const uartOutput = (b: Uint8Array) => {
    shown.raw(uartText.decode(b, { stream: true }));
    offerInput();
  };
  server = new RegisterServer({ machine, answers, notify, onOutput: uartOutput });
  // The firmware may exit while an answer or a notification is on its way: not an error here.
  for (const s of [requests, answers, notify]) s.on("error", () => {});
  requests.on("data", (c: Buffer) => server.requests(c));
  // A terminal is put in raw mode, as QEMU's -serial stdio does: keys go to the UART as typed and
  // the firmware echoes them; Ctrl-C (0x03, no longer a signal) stops the firmware.
  const tty = r.input === undefined && process.stdin.isTTY === true;
  const onStdin = (c: Buffer) => {
    if (tty && c.includes(0x03)) child.kill("SIGINT");
    else server?.addInput(c);
  };
  if (r.input !== undefined) offerInput();
  else {
    if (tty) process.stdin.setRawMode(true);
    process.stdin.on("data", onStdin);
  }
  let timedOut = false;
  // Infinity is no timeout (--timeout 0): setTimeout would take it as 1 ms.
  const timer = Number.isFinite(r.timeoutS) ? setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, r.timeoutS * 1000) : undefined;
  let exited = false;
  child.on("close", () => (exited = true));
  const bridge = gdbSocket || gdbserverStdio
    ? (gdbSocket ? gdbBridge(r.gdbPort as number, gdbSocket, () => exited) : stdioBridge(r.gdbPort as number, child.stdin!, child.stdout!)).catch((e: Error) => {
        stderr += `tsmetal: ${e.message}\n`;
        child.kill("SIGKILL");
        return undefined;
      })
    : undefined;
  let stopped = false;
  const onAbort = () => {
    stopped = true;
    child.kill("SIGKILL");
  };
  if (r.signal?.aborted) onAbort();
  else r.signal?.addEventListener("abort", onAbort, { once: true });
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  (await bridge)?.close();
  if (gdbDir) rmSync(gdbDir, { recursive: true, force: true });
  r.signal?.removeEventListener("abort", onAbort);
  // A piped stream is let go, so Node does not wait on it.
  if (r.input !== undefined && typeof r.input === "object" && !Buffer.isBuffer(r.input)) r.input.removeAllListeners("data");
  if (r.input === undefined) {
    process.stdin.off("data", onStdin);
    if (tty) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
  shown.add("", true);
  const output = shown.output;
  if (timedOut) return { code: EXIT_TIMEOUT, timedOut, output, stderr };
  // Ended with the CLI (a signal to it): not the firmware's fault.
  if (stopped || stoppingSignal() !== undefined) return { code: ended.code ?? 1, timedOut, stopped: true, output, stderr };
  // Under gdbserver the firmware's own end is in gdbserver's report, not its exit status.
  const debugged = r.gdbPort === undefined ? undefined : gdbserverChildExit(stderr);
  const signalName = (n: number) => (Object.keys(constants.signals) as NodeJS.Signals[]).find((k) => constants.signals[k] === n) ?? null;
  const { code, note } = debugged
    ? exitCodeOf(debugged.code, debugged.signal === null ? null : signalName(debugged.signal))
    : exitCodeOf(ended.code, ended.signal);
  return { code, timedOut, output, stderr: note ? `${stderr}${note}` : stderr };
}
