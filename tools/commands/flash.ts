import { parseArgs } from "node:util";
import { buildFirmware } from "../lib/build.ts";
import { loadBoard } from "../lib/boards.ts";
import { UserError } from "../lib/errors.ts";
import { flash } from "../lib/flash/flash.ts";
import { buildOptions, describeSizes, parseByteSize } from "./build.ts";

export async function flashCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...buildOptions,
      to: { type: "string" },
      firmware: { type: "string" },
      yes: { type: "boolean", short: "y", default: false },
      "dry-run": { type: "boolean", default: false },
    },
    strict: true,
  });
  // No default board or target: this writes to a disk.
  if (!values.board) throw new UserError("flash needs --board <name> (npm run boards lists them)");
  if (!values.to) {
    throw new UserError("flash needs --to <target>: a mounted boot partition (folder), a FAT disk image, or an SD card (/dev/sdX, /dev/mmcblkN)");
  }
  const board = loadBoard(values.board);
  const memoryLimit = parseByteSize(values["memory-limit"]);
  await flash({
    board,
    to: values.to,
    firmwareDir: values.firmware,
    yes: values.yes,
    dryRun: values["dry-run"],
    build: async () => {
      const fw = await buildFirmware({
        board: board.name,
        app: values.app,
        out: values.out,
        enableEval: values["enable-eval"],
        memoryLimit,
        log: (l) => console.error(l),
      });
      console.error(describeSizes(fw));
      return { image: fw.image, outDir: fw.outDir };
    },
  });
  return 0;
}
