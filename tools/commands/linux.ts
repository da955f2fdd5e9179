/**
 * npm run linux -- --board <linux-board> [--app <entry.ts>] [--timeout <s>]: builds the firmware as
 * a static Linux executable and runs it (tools/lib/linux.ts), with `npm run qemu`'s output and
 * exit-code contract. Standard input goes to the simulated UART (board().openSerial(); a terminal
 * in raw mode, Ctrl-C stops the firmware). Boards of other targets are refused before anything is
 * built.
 */
import { parseArgs } from "node:util";
import { buildFirmware } from "../lib/build.ts";
import { loadLinuxBoard, runLinux } from "../lib/linux.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { UserError } from "../lib/errors.ts";
import { buildOptions, firmwareOptions } from "./build.ts";

export async function linuxCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...buildOptions, timeout: { type: "string", default: "60" } }, strict: true });
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new UserError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
  const board = loadLinuxBoard(values.board ?? "linux-amd64");
  const fw = await buildFirmware(firmwareOptions(board.name, values));
  const r = await runLinux({ board: fw.board, executable: fw.image, timeoutS, mapLine: loadLineMapper(fw.bundles) });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  if (r.timedOut) console.error(`tsmetal: the firmware did not finish within ${timeoutS} s (--timeout); stopped it`);
  return r.code;
}
