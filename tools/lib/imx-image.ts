/**
 * i.MX boot images: the boot ROM needs an Image Vector Table (IVT), boot data and usually a DCD
 * (Device Configuration Data, to bring up DDR) in front of the program (i.MX6UL RM, chapter
 * "System Boot", "Program image"). u-boot-tools' `mkimage -T imximage` builds them from the
 * board's configuration file; nothing here writes the header by hand.
 */
import path from "node:path";
import { repoPath } from "./paths.ts";
import { requireTool, run } from "./toolchain.ts";
import { UserError } from "./errors.ts";
import type { Board } from "./boards.ts";

export const mkimageTool = { command: "mkimage", debianPackage: "u-boot-tools" };
export const dumpimageTool = { command: "dumpimage", debianPackage: "u-boot-tools" };

/**
 * mkimage puts the IVT and DCD in the 4 KiB just below the entry point and has the ROM copy from
 * there, so the entry must leave 4 KiB of RAM below it (the image starts at entry - 0x1000 with
 * the medium's first 1 KiB, of which only the header is used).
 */
export const IMX_HEADER_BYTES = 0x1000;

/** Wraps the board's binary image into its i.MX boot image; returns its path. */
export async function makeImxImage(board: Board, binary: string, outDir: string): Promise<string> {
  const spec = board.imxImage;
  if (!spec) throw new UserError(`board '${board.name}' has no imxImage in board.json`);
  const ram = board.memoryMap.find((r) => r.type === "ram" && r.base <= board.loadAddress && board.loadAddress < r.base + r.size);
  if (!ram || board.loadAddress - IMX_HEADER_BYTES < ram.base) {
    throw new UserError(
      `boards/${board.name}/board.json: loadAddress 0x${board.loadAddress.toString(16)} leaves no room for the i.MX boot header ` +
        `(${IMX_HEADER_BYTES} bytes of RAM below it)`,
    );
  }
  const mkimage = await requireTool(mkimageTool);
  const out = path.join(outDir, spec.name);
  const entry = `0x${board.loadAddress.toString(16)}`;
  await run(mkimage, ["-n", repoPath("boards", board.name, spec.config), "-T", "imximage", "-e", entry, "-d", binary, out], "making the i.MX boot image");
  return out;
}
