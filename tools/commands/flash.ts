import { buildFirmware } from "../lib/build.ts";
import { loadBoard } from "../lib/boards.ts";
import { UserError } from "../lib/errors.ts";
import { flash } from "../lib/flash/flash.ts";
import { flashImx } from "../lib/flash/imx.ts";
import { flashUefi } from "../lib/flash/uefi.ts";
import { buildOptions, describeSizes, firmwareOptions } from "./build.ts";
import { parseOptions } from "../lib/options.ts";

export const flashOptions = {
  ...buildOptions,
  to: { type: "string" },
  firmware: { type: "string" },
  yes: { type: "boolean", short: "y", default: false },
  "dry-run": { type: "boolean", default: false },
  usb: { type: "boolean", default: false },
} as const;

export async function flashCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, flashOptions);
  // No default board or target: this writes to a disk.
  if (!values.board) throw new UserError("flash needs --board <name> (npm run boards lists them)");
  const board = loadBoard(values.board);
  // A bad --memory-limit, --app or --out is refused before anything is built or written.
  const options = firmwareOptions(board.name, values, (l: string) => console.error(l));
  const build = async () => {
    const fw = await buildFirmware(options);
    console.error(describeSizes(fw));
    return fw;
  };
  // Both flashers show the plan and ask unless --yes; --dry-run stops after the plan.
  const plan = { board, yes: values.yes, dryRun: values["dry-run"] };
  if (board.flash?.kind === "imx") {
    if (values.firmware !== undefined) throw new UserError("--firmware is the Raspberry Pi's boot firmware; i.MX boards boot from their ROM");
    await flashImx({
      ...plan,
      to: values.to,
      usb: values.usb,
      build: async () => {
        const fw = await build();
        if (!fw.imxImage) throw new UserError(`board '${board.name}' has "flash": { "kind": "imx" } but no imxImage in board.json`);
        return { imxImage: fw.imxImage };
      },
    });
    return 0;
  }
  if (board.flash?.kind === "uefi") {
    if (values.firmware !== undefined) throw new UserError("--firmware is the Raspberry Pi's boot firmware; a UEFI board is started by the PC's own firmware");
    if (values.usb) throw new UserError(`--usb is for i.MX boards (USB serial download); board '${board.name}' is flashed with --to`);
    if (!values.to) throw new UserError("flash needs --to <target>: a USB stick or disk (/dev/sdX) or a disk image file");
    await flashUefi({ ...plan, to: values.to, build });
    return 0;
  }
  if (values.usb) throw new UserError(`--usb is for i.MX boards (USB serial download); board '${board.name}' is flashed with --to`);
  if (!values.to) {
    throw new UserError("flash needs --to <target>: a mounted boot partition (folder), a FAT disk image, or an SD card (/dev/sdX, /dev/mmcblkN)");
  }
  await flash({
    ...plan,
    to: values.to,
    firmwareDir: values.firmware,
    build,
  });
  return 0;
}
