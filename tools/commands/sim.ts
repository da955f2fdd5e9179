/**
 * npm run sim -- --board <name> [--app <entry.ts>] [--timeout <s>]: the firmware in the Node
 * simulator (tools/sim/run.ts). Piped standard input is the console UART's input; a terminal's is
 * not read (the simulator runs the firmware to completion without waiting for a person).
 */
import { parseArgs } from "node:util";
import { text } from "node:stream/consumers";
import { runSim } from "../sim/run.ts";
import { UserError } from "../lib/errors.ts";
import { DEFAULT_BOARD } from "../lib/boards.ts";

export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { board: { type: "string", default: DEFAULT_BOARD }, app: { type: "string" }, timeout: { type: "string", default: "60" } },
    strict: true,
  });
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new UserError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
  const input = process.stdin.isTTY ? undefined : await text(process.stdin);
  const r = await runSim({ board: values.board, app: values.app, timeoutS, input });
  if (r.timedOut) console.error(`tsmetal: the simulation did not finish within ${timeoutS} s (--timeout), or waited for input that never came`);
  return r.code;
}
