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

export const qemuOptions = {
  ...buildOptions,
  timeout: { type: "string" },
  screenshot: { type: "string" },
  forward: { type: "string", multiple: true },
} as const;

export async function qemuCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, qemuOptions);
  const timeoutS = parseRunTimeout(values.timeout, process.stdin.isTTY === true);
  if (values.screenshot !== undefined) screenshotDestination(values.screenshot);
  const board = values.board ?? DEFAULT_BOARD;
  if (loadBoard(board).target.linux) throw new UserError(`'${board}' is a Linux userspace board: run it with npm run linux -- --board ${board}`);
  // Checked before the build, as every option (tools/lib/forward.ts).
  const forwards = values.forward === undefined ? undefined : parseForwards(loadBoard(board), values.forward);
  const fw = await buildFirmware(firmwareOptions(board, values));
  const boot = (extraArgs: string[] = []) =>
    runQemu({
      board: fw.board,
      elf: fw.elf,
      timeoutS,
      mapLine: loadLineMapper(fw.bundles),
      extraArgs,
      forwards,
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
