/**
 * npm run linux -- --board <linux-board> [--app <entry.ts>] [--timeout <s>] [--allow-no-seccomp] [--gdb [port]]: builds the firmware as
 * a static Linux executable and runs it (tools/lib/linux.ts), with `npm run qemu`'s output and
 * exit-code contract. Standard input goes to the simulated UART (board().openSerial(); a terminal
 * in raw mode, Ctrl-C stops the firmware). Boards of other targets are refused before anything is
 * built.
 */
import { buildFirmware } from "../lib/build.ts";
import { loadLinuxBoard, runLinux } from "../lib/linux.ts";
import { gdbBanner, parseGdbPort, withGdbDefault } from "../lib/gdb.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { buildOptions, firmwareOptions } from "./build.ts";
import { parseOptions, parseRunTimeout } from "../lib/options.ts";

export const linuxOptions = {
  ...buildOptions,
  timeout: { type: "string" },
  "allow-no-seccomp": { type: "boolean", default: false },
  gdb: { type: "string" },
} as const;

export async function linuxCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(withGdbDefault(argv), linuxOptions);
  const gdbPort = values.gdb === undefined ? undefined : parseGdbPort(values.gdb);
  // A firmware waiting for a debugger must not be stopped by the default timeout (docs/debugging.md).
  const timeoutS = gdbPort !== undefined && values.timeout === undefined ? Infinity : parseRunTimeout(values.timeout, process.stdin.isTTY === true);
  const board = loadLinuxBoard(values.board ?? "linux-amd64");
  const fw = await buildFirmware(firmwareOptions(board.name, values));
  if (gdbPort !== undefined) process.stderr.write(gdbBanner(fw.elf, gdbPort, "gdb's kill ends the firmware"));
  const r = await runLinux({
    board: fw.board,
    executable: fw.image,
    timeoutS,
    mapLine: loadLineMapper(fw.bundles),
    allowNoSeccomp: values["allow-no-seccomp"],
    gdbPort,
  });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  if (r.timedOut) console.error(`tsmetal: the firmware did not finish within ${timeoutS} s (--timeout); stopped it`);
  return r.code;
}
