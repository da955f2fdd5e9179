import { buildFirmware } from "../lib/build.ts";
import { runQemu, type QemuResult } from "../lib/qemu.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { UserError } from "../lib/errors.ts";
import { loadBoard, DEFAULT_BOARD } from "../lib/boards.ts";
import { displayPath } from "../lib/paths.ts";
import { runWithScreenshot, screenshotDestination } from "../lib/screenshot.ts";
import { buildOptions, firmwareOptions } from "./build.ts";
import { parseOptions, parseRunTimeout } from "../lib/options.ts";
import { parseForwards } from "../lib/forward.ts";
import { diskQemuArgs } from "../lib/disk.ts";
import { gdbBanner, gdbQemuArgs, parseGdbPort, withGdbDefault } from "../lib/gdb.ts";
import { qemuUpdatable } from "./qemu-updatable.ts";

export const qemuOptions = {
  ...buildOptions,
  timeout: { type: "string" },
  screenshot: { type: "string" },
  forward: { type: "string", multiple: true },
  disk: { type: "string" },
  gdb: { type: "string" },
  // Live app updates (docs/updates.md; tools/commands/qemu-updatable.ts).
  updatable: { type: "boolean", default: false },
  "update-key": { type: "string" },
  "app-version": { type: "string" },
  "confirm-s": { type: "string" },
  "update-http": { type: "string" },
  "update-ssh": { type: "string" },
  "ssh-host-key": { type: "string" },
  "authorized-keys": { type: "string" },
} as const;

export async function qemuCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(withGdbDefault(argv), qemuOptions);
  const gdbPort = values.gdb === undefined ? undefined : parseGdbPort(values.gdb);
  // A guest waiting for a debugger must not be stopped by the default timeout (docs/debugging.md).
  const timeoutS = gdbPort !== undefined && values.timeout === undefined ? Infinity : parseRunTimeout(values.timeout, process.stdin.isTTY === true);
  if (values.screenshot !== undefined) screenshotDestination(values.screenshot);
  const board = values.board ?? DEFAULT_BOARD;
  if (loadBoard(board).target.linux) throw new UserError(`'${board}' is a Linux userspace board: run it with npm run linux -- --board ${board}`);
  // Checked before the build, as every option (tools/lib/forward.ts).
  const forwards = values.forward === undefined ? undefined : parseForwards(loadBoard(board), values.forward);
  if (values.disk !== undefined) diskQemuArgs(loadBoard(board), values.disk);
  if (values.updatable && gdbPort !== undefined) throw new UserError("--gdb does not combine with --updatable: debug the firmware without it");
  if (values.updatable) return qemuUpdatable(board, values, timeoutS, forwards);
  for (const o of ["update-key", "app-version", "confirm-s", "update-http", "update-ssh", "ssh-host-key", "authorized-keys"] as const) if (values[o] !== undefined) throw new UserError(`--${o} is for --updatable`);
  const fw = await buildFirmware(firmwareOptions(board, values));
  if (gdbPort !== undefined) process.stderr.write(gdbBanner(fw.elf, gdbPort, "Ctrl-C ends QEMU, as does gdb's kill", fw.board.qemu.gdbInferior));
  const debug = gdbPort === undefined ? [] : gdbQemuArgs(gdbPort);
  const boot = (extraArgs: string[] = []) =>
    runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS,
      mapLine: loadLineMapper(fw.bundles),
      extraArgs: [...debug, ...extraArgs],
      forwards,
      disk: values.disk,
      // A terminal is QEMU's own (raw mode, Ctrl-C); piped input goes through runQemu, which
      // holds it until the console is set up (INPUT_HOLD_MS).
      input: process.stdin.isTTY ? undefined : process.stdin,
    });
  const report = (r: QemuResult) => {
    if (r.stderr.trim()) process.stderr.write(r.stderr);
    if (r.timedOut) console.error(`tsmetal: QEMU did not finish within ${timeoutS} s (--timeout); stopped it`);
  };
  if (values.screenshot === undefined) {
    const r = await boot();
    report(r);
    return r.code;
  }
  const { result: r, screenshot, error } = await runWithScreenshot(values.screenshot, boot);
  report(r);
  if (!screenshot) {
    console.error(`tsmetal: ${error}`);
    // The firmware's own failure code says more than ours.
    return r.code || 1;
  }
  console.error(`screenshot: ${displayPath(screenshot.file)} (${screenshot.width}x${screenshot.height})`);
  return r.code;
}
