/**
 * npm run sim -- --board <name> [--app <entry.ts>] [--timeout <s>] [--pin PIN=LEVEL@TIME,...]: the
 * firmware in the Node simulator (tools/sim/run.ts). Piped standard input is the console UART's
 * input, read to its end first (every run the same); a terminal types into it live, in raw mode
 * with QEMU's Ctrl-A escapes (tools/sim/terminal.ts). --pin drives GPIO inputs at machine times
 * (tools/sim/pin-schedule.ts).
 */
import { isatty } from "node:tty";
import { text } from "node:stream/consumers";
import { runSim } from "../sim/run.ts";
import { parsePinSpecs } from "../sim/pin-schedule.ts";
import { checkSimDisk } from "../sim/disk.ts";
import { TerminalInput } from "../sim/terminal.ts";
import { parseMaxJobMs } from "../lib/job-budget.ts";
import { EXIT_RESET } from "../lib/qemu-reset.ts";
import { checkAppFile, parseOptions, parseRunTimeout } from "../lib/options.ts";
import { loadBoard } from "../lib/boards.ts";
import { DEFAULT_BOARD } from "../lib/boards.ts";
import { parseDefines } from "../lib/defines.ts";

export const simOptions = {
  board: { type: "string", default: DEFAULT_BOARD },
  app: { type: "string" },
  timeout: { type: "string" },
  "max-job-ms": { type: "string" },
  define: { type: "string", multiple: true },
  pin: { type: "string", multiple: true },
  disk: { type: "string" },
} as const;

export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, simOptions);
  // isatty, not process.stdin.isTTY: a terminal is read through a descriptor of the simulator's own.
  const tty = isatty(0);
  const timeoutS = parseRunTimeout(values.timeout, tty);
  const board = loadBoard(values.board);
  // Before the build and before reading input: a bad --disk is refused at once.
  if (values.disk !== undefined) checkSimDisk(board, values.disk);
  if (values.app !== undefined) checkAppFile(values.app);
  const maxJobMs = parseMaxJobMs(values["max-job-ms"]);
  const defines = parseDefines(values.define ?? []);
  const pins = parsePinSpecs(values.pin ?? []);
  const input = tty ? undefined : await text(process.stdin);
  const terminal = tty ? TerminalInput.open() : undefined;
  try {
    const r = await runSim({ board: values.board, app: values.app, timeoutS, input, maxJobMs, defines, pins, terminal, disk: values.disk });
    if (r.code === EXIT_RESET) process.stderr.write(r.stderr);
    if (r.timedOut) console.error(`tsmetal: the simulation did not finish within ${timeoutS} s (--timeout), or waited for input that never came`);
    return r.code;
  } finally {
    terminal?.close();
  }
}
