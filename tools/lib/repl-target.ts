/**
 * Where `npm run repl` runs its session (docs/repl.md): the REPL firmware (the board plus
 * io/repl/agent.ts, with the engine's REPL part) under QEMU, or on a board behind a serial device.
 */
import { buildFirmware, type Firmware } from "./build.ts";
import { runQemu } from "./qemu.ts";
import { runLinux } from "./linux.ts";
import { loadLineMapper } from "./source-map.ts";
import { repoPath } from "./paths.ts";
import { ReplSession } from "./repl-session.ts";
import { agentOnPipes, agentOverPort, type AgentTarget } from "./agent-target.ts";

export const REPL_AGENT = repoPath("io/repl/agent.ts");

/** The session and its run (tools/lib/agent-target.ts, shared with npm run deploy's targets). */
export type ReplTarget = AgentTarget<ReplSession>;

/** Frames wait until the agent is listening (the UART is programmed by then: INPUT_HOLD_MS). */
const READY = "\x1eREPL ready";

/** Builds the REPL firmware for `board` (cached after the first time). */
export function buildReplFirmware(board: string, progress?: (line: string) => void): Promise<Firmware> {
  return buildFirmware({ board, app: REPL_AGENT, repl: true, progress });
}

/** Boots the REPL firmware under QEMU; `print` shows the device's output. */
export async function replUnderQemu(fw: Firmware, print: (text: string) => void, timeoutS = Infinity): Promise<ReplTarget> {
  return agentOnPipes((line) => new ReplSession(line), print, READY, (piped) => runQemu({ board: fw.board, elf: fw.elf, timeoutS, mapLine: loadLineMapper(fw.bundles), ...piped }));
}

/**
 * Runs the REPL firmware of a Linux board as a process (tools/lib/linux.ts): frames go to its
 * simulated UART, as to a board's; its output is its standard output. Under qemu-user (linux-arm,
 * linux-riscv64) it runs without a seccomp filter, as every run there does.
 */
export async function replUnderLinux(fw: Firmware, print: (text: string) => void, timeoutS = Infinity): Promise<ReplTarget> {
  return agentOnPipes((line) => new ReplSession(line), print, READY, (piped) => runLinux({ board: fw.board, executable: fw.image, timeoutS, mapLine: loadLineMapper(fw.bundles), ...piped }));
}

/** A board running the REPL firmware behind a serial device, set raw at `baud` (tools/lib/serial-line.ts). */
export function replOverPort(port: string, baud: number, print: (text: string) => void): ReplTarget {
  return agentOverPort((line) => new ReplSession(line), port, baud, print);
}
