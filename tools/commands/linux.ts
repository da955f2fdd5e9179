/**
 * npm run linux -- --board <linux-board> [--app <entry.ts>] [--timeout <s>] [--allow-no-seccomp]: builds the firmware as
 * a static Linux executable and runs it (tools/lib/linux.ts), with `npm run qemu`'s output and
 * exit-code contract. Standard input goes to the simulated UART (board().openSerial(); a terminal
 * in raw mode, Ctrl-C stops the firmware). Boards of other targets are refused before anything is
 * built.
 */
import { buildFirmware } from "../lib/build.ts";
import { loadLinuxBoard, runLinux } from "../lib/linux.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { buildOptions, firmwareOptions } from "./build.ts";
import { parseOptions, parseRunTimeout } from "../lib/options.ts";

export const linuxOptions = {
  ...buildOptions,
  timeout: { type: "string" },
  "allow-no-seccomp": { type: "boolean", default: false },
} as const;

export async function linuxCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, linuxOptions);
  const timeoutS = parseRunTimeout(values.timeout, process.stdin.isTTY === true);
  const board = loadLinuxBoard(values.board ?? "linux-amd64");
  const fw = await buildFirmware(firmwareOptions(board.name, values));
  const r = await runLinux({
    board: fw.board,
    executable: fw.image,
    timeoutS,
    mapLine: loadLineMapper(fw.bundles),
    allowNoSeccomp: values["allow-no-seccomp"],
  });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  if (r.timedOut) console.error(`tsmetal: the firmware did not finish within ${timeoutS} s (--timeout); stopped it`);
  return r.code;
}
