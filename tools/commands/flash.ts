import { buildFirmware } from "../lib/build.ts";
import { loadBoard } from "../lib/boards.ts";
import { UserError } from "../lib/errors.ts";
import { flash } from "../lib/flash/flash.ts";
import { flashImx } from "../lib/flash/imx.ts";
import { flashUefi } from "../lib/flash/uefi.ts";
import { efiSigning } from "../lib/efi-sign.ts";
import { buildOptions, describeSizes, firmwareOptions } from "./build.ts";
import { parseOptions } from "../lib/options.ts";

export const flashOptions = {
  ...buildOptions,
  to: { type: "string" },
  firmware: { type: "string" },
  files: { type: "string" },
  yes: { type: "boolean", short: "y", default: false },
  "dry-run": { type: "boolean", default: false },
  usb: { type: "boolean", default: false },
  "sign-key": { type: "string" },
  "sign-cert": { type: "string" },
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
  // The files go where files() reads them: the Pi card's FAT (boot) partition, the i.MX card's
  // first FAT partition. A UEFI board has no disk driver in tsmetal, so nothing would read them.
  if (values.files !== undefined && board.flash?.kind !== "rpi-boot" && board.flash?.kind !== "imx") {
    throw new UserError(`--files: board '${board.name}' (flash kind ${board.flash?.kind ?? "none"}) has no card files() reads; the Raspberry Pi and i.MX boards take --files (docs/flashing.md)`);
  }
  // Only a UEFI board's boot image is signed here (Secure Boot); docs/updates.md "Signed boot
  // images" says what verifies the others'.
  const signing = efiSigning(values["sign-key"], values["sign-cert"]);
  if (signing && board.flash?.kind !== "uefi") {
    throw new UserError(`--sign-key/--sign-cert: board '${board.name}' has no boot image signing here; only UEFI boards (Secure Boot) do (docs/updates.md, "Signed boot images")`);
  }
  if (board.flash?.kind === "imx") {
    if (values.firmware !== undefined) throw new UserError("--firmware is the Raspberry Pi's boot firmware; i.MX boards boot from their ROM");
    await flashImx({
      ...plan,
      to: values.to,
      usb: values.usb,
      files: values.files,
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
    await flashUefi({ ...plan, to: values.to, build, signing });
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
    files: values.files,
    build,
  });
  return 0;
}
