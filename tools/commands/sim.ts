/**
 * npm run sim -- --board <name> [--app <entry.ts>] [--timeout <s>]: the firmware in the Node
 * simulator (tools/sim/run.ts). Piped standard input is the console UART's input; a terminal's is
 * not read (the simulator runs the firmware to completion without waiting for a person).
 */
import { text } from "node:stream/consumers";
import { runSim } from "../sim/run.ts";
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
} as const;

export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, simOptions);
  const timeoutS = parseRunTimeout(values.timeout, process.stdin.isTTY === true);
  loadBoard(values.board);
  if (values.app !== undefined) checkAppFile(values.app);
  const maxJobMs = parseMaxJobMs(values["max-job-ms"]);
  const defines = parseDefines(values.define ?? []);
  const input = process.stdin.isTTY ? undefined : await text(process.stdin);
  const r = await runSim({ board: values.board, app: values.app, timeoutS, input, maxJobMs, defines });
  if (r.code === EXIT_RESET) process.stderr.write(r.stderr);
  if (r.timedOut) console.error(`tsmetal: the simulation did not finish within ${timeoutS} s (--timeout), or waited for input that never came`);
  return r.code;
}
