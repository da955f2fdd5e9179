/**
 * npm run flash: checks the board and the target, builds, shows the plan, asks, writes.
 * Everything that can refuse does so before the build and before any write.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { boardNames, loadBoard, type Board } from "../boards.ts";
import { UserError } from "../errors.ts";
import { displayPath } from "../paths.ts";
import { hostRoots, type SystemRoots } from "./block-device.ts";
import { rpiConfigTxt } from "./config-txt.ts";
import { openMedium } from "./medium.ts";
import { checkSpace, firmwareFiles, formatPlan, hostFile, makePlan, RPI_FIRMWARE_FILES, type FlashPlan } from "./plan.ts";
import { collectFiles, treePlan } from "./files.ts";
import { checkBootImage } from "../elf-check.ts";

export interface FlashOptions {
  board: Board;
  /** --to: a folder, a FAT image file or a block device. */
  to: string;
  /** --firmware: folder with bootcode.bin, start.elf, fixup.dat. */
  firmwareDir?: string;
  /** --files: a folder whose tree is copied into the boot partition (tools/lib/flash/files.ts). */
  files?: string;
  yes?: boolean;
  dryRun?: boolean;
  /** Builds the firmware (after the target checked out): its raw image and a folder for config.txt. */
  build: () => Promise<{ image: string; outDir: string }>;
  /** Whether a user can answer the confirmation (default: process.stdin.isTTY). */
  interactive?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  /** The plan and progress (default: stdout). */
  print?: (text: string) => void;
  roots?: SystemRoots;
}

export interface FlashResult {
  plan: FlashPlan;
  written: boolean;
}

/** Asks on the terminal; anything but y/yes is a no. */
export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ac = new AbortController();
  // Ctrl-C or Ctrl-D at the prompt is a no, not a silent exit with the question pending.
  rl.on("SIGINT", () => ac.abort());
  rl.on("close", () => ac.abort());
  try {
    return /^y(es)?$/i.test((await rl.question(question, { signal: ac.signal })).trim());
  } catch {
    process.stdout.write("\n");
    return false;
  } finally {
    rl.close();
  }
}

function flashableBoards(): string[] {
  return boardNames().filter((n) => {
    try {
      return loadBoard(n).flash !== undefined;
    } catch {
      return false;
    }
  });
}

export function requireFlashable(board: Board): void {
  if (!board.flash) {
    const ok = flashableBoards();
    throw new UserError(
      `board '${board.name}' cannot be flashed: its board.json has no "flash" entry ` +
        `(flashable boards: ${ok.length ? ok.join(", ") : "none yet"})`,
    );
  }
  if (board.flash.kind !== "rpi-boot") {
    throw new UserError(`board '${board.name}': unknown flash kind '${String(board.flash.kind)}' in board.json (known: rpi-boot)`);
  }
}

export async function flash(o: FlashOptions): Promise<FlashResult> {
  const print = o.print ?? ((t: string) => console.log(t));
  requireFlashable(o.board);
  const medium = await openMedium(o.to, o.roots ?? hostRoots);
  const onTarget = await medium.list();
  const firmware = firmwareFiles(o.firmwareDir, onTarget);
  // Checked before the build, as the target is: a bad --files writes nothing and builds nothing.
  const tree = o.files === undefined ? undefined : collectFiles(o.files, [...RPI_FIRMWARE_FILES, "kernel.img", "config.txt"]);
  const treeFiles = tree && o.files !== undefined ? treePlan(tree, o.files, await medium.listTree()) : [];

  const built = await o.build();
  checkBootImage(o.board, built.image);
  const config = path.join(built.outDir, "config.txt");
  await writeFile(config, rpiConfigTxt(o.board));
  // The app's files, then the closed firmware, and config.txt last: an interrupted flash leaves
  // the old kernel/config pair, or a new kernel the old config still loads.
  const plan = makePlan(o.board, medium, onTarget, [
    ...treeFiles,
    ...firmware,
    hostFile("kernel.img", built.image),
    hostFile("config.txt", config, `generated (${displayPath(config)})`),
  ]);
  print(formatPlan(plan));
  checkSpace(plan, await medium.space());

  if (o.dryRun) {
    print("dry run: nothing written");
    return { plan, written: false };
  }
  if (!o.yes) {
    if (!(o.interactive ?? process.stdin.isTTY === true)) {
      throw new UserError("refusing to write without confirmation: stdin is not a terminal. Check the plan above and pass --yes (or --dry-run to only print it)");
    }
    const ok = await (o.confirm ?? askOnTerminal)(`Write to ${medium.path}? [y/N] `);
    if (!ok) throw new UserError("not confirmed: nothing written");
  }

  medium.recheck();
  for (const f of plan.files) {
    if (f.action === "mkdir") await medium.mkdir(f.name);
    if (f.action === "keep" || !f.source) continue;
    await medium.put(f.source, f.name);
  }
  await medium.finish();
  const count = plan.files.filter((f) => f.action !== "keep" && !f.directory).length;
  const after = {
    directory: "; unmount the partition before removing the card",
    device: " and synced: the card can be removed",
    image: "",
  }[medium.kind];
  print(`wrote ${count} files to ${medium.path}${after}`);
  return { plan, written: true };
}
