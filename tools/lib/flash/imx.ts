/**
 * npm run flash for i.MX boards (board.json "flash": { "kind": "imx" }): the boot ROM's image
 * (tools/lib/imx-image.ts) either loaded over USB serial download with imx_usb (Debian's
 * imx-usb-loader), or written 1 KiB into an SD card, eMMC or disk image, where the ROM reads the
 * IVT on SD/MMC boot (i.MX6UL RM, chapter "System Boot", "Image Vector Table and Boot Data":
 * IVT offset 0x400 for SD/MMC). The same safety rules as the Raspberry Pi's flash: a plan first,
 * a question unless --yes, --dry-run, only removable, unused block devices, checked again right
 * before writing; and nothing the partition table says is in use is overwritten.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { $ } from "zx";
import type { Board } from "../boards.ts";
import { UserError } from "../errors.ts";
import { displayPath } from "../paths.ts";
import { requireTool } from "../toolchain.ts";
import { checkBlockDevice, hostRoots, kernelName, type SystemRoots } from "./block-device.ts";
import { isFatBootSector, mbrPartitions } from "./fat.ts";
import { askOnTerminal } from "./flash.ts";
import { collectFiles, treePlan } from "./files.ts";
import { openMedium, type Medium } from "./medium.ts";
import { checkSpace, formatPlan, type FlashPlan } from "./plan.ts";

export const IMX_IVT_OFFSET = 0x400;
export const imxUsbTool = { command: "imx_usb", debianPackage: "imx-usb-loader" };

export interface ImxFlashOptions {
  board: Board;
  /** --to: an SD card / eMMC block device, or a disk image file (made if missing). */
  to?: string;
  /** --usb: load over USB serial download instead. */
  usb?: boolean;
  /** --files: a folder whose tree goes into the card's first FAT partition (after the image), where files() reads it. */
  files?: string;
  yes?: boolean;
  dryRun?: boolean;
  /** Builds the firmware (after the target checked out): the i.MX boot image. */
  build: () => Promise<{ imxImage: string }>;
  interactive?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  print?: (text: string) => void;
  roots?: SystemRoots;
  /** Runs the USB loader (tests replace it); default: imx_usb <image>. */
  loadOverUsb?: (image: string) => Promise<void>;
}

interface Target {
  describe(bytes: number): string;
  /** Refuses if `bytes` at IMX_IVT_OFFSET would hit a partition or a filesystem. */
  check(bytes: number): void;
  recheck(): void;
  write(image: Buffer): void;
}

/** First 512 bytes of a file or device (zeros past its end). */
function firstSector(file: string): Buffer {
  const b = Buffer.alloc(512);
  const fd = openSync(file, "r");
  try {
    readSync(fd, b, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  return b;
}

/** What the image would overwrite on a medium with this first sector. */
function checkLayout(sector0: Buffer, sectorSize: number, bytes: number, name: string): void {
  if (isFatBootSector(sector0)) {
    throw new UserError(`${name} holds a FAT filesystem from its first sector: writing the i.MX image 1 KiB in would destroy it`);
  }
  const end = IMX_IVT_OFFSET + bytes;
  if (sector0[510] === 0x55 && sector0[511] === 0xaa) {
    for (const p of mbrPartitions(sector0)) {
      if (p.type === 0xee) throw new UserError(`${name} has a GPT partition table: its entries lie where the i.MX image goes (use an MBR card)`);
      const start = p.startLba * sectorSize;
      if (start < end) {
        throw new UserError(
          `${name}: partition ${p.number} starts at byte ${start}, inside the i.MX image (bytes ${IMX_IVT_OFFSET}..${end}); ` +
            `repartition so the first partition starts after ${end} (e.g. at 4 MiB)`,
        );
      }
    }
  }
}

function writeAt(file: string, image: Buffer, create: boolean): void {
  const fd = openSync(file, create ? "w+" : "r+");
  try {
    if (create) writeSync(fd, Buffer.alloc(IMX_IVT_OFFSET), 0, IMX_IVT_OFFSET, 0);
    writeSync(fd, image, 0, image.length, IMX_IVT_OFFSET);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function openTarget(to: string, roots: SystemRoots): Target {
  if (!existsSync(to)) {
    const dir = path.dirname(path.resolve(to));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--to ${to}: folder ${dir} does not exist`);
    return {
      describe: (n) => `new disk image ${to}: ${IMX_IVT_OFFSET} B of zeros, then the image (${n} B)`,
      check: () => {},
      recheck: () => {
        if (existsSync(to)) throw new UserError(`--to ${to} appeared while building: not overwriting it`);
      },
      write: (image) => writeAt(to, image, true),
    };
  }
  const st = statSync(to);
  if (st.isFile()) {
    return {
      describe: (n) => `disk image ${to} (${st.size} B): bytes ${IMX_IVT_OFFSET}..${IMX_IVT_OFFSET + n}`,
      check: (n) => checkLayout(firstSector(to), 512, n, to),
      recheck: () => {},
      write: (image) => writeAt(to, image, false),
    };
  }
  if (st.isBlockDevice()) {
    const name = kernelName(to);
    const dev = checkBlockDevice(to, name, roots);
    const gib = (dev.bytes / 2 ** 30).toFixed(1);
    return {
      describe: (n) => `SD card / eMMC ${to} (${gib} GiB): bytes ${IMX_IVT_OFFSET}..${IMX_IVT_OFFSET + n}`,
      check: (n) => {
        // fstat reports 0 bytes for a block device: the size is sysfs's, checked before writing.
        if (IMX_IVT_OFFSET + n > dev.bytes) throw new UserError(`${to} (${dev.bytes} B) is too small for the i.MX image (${IMX_IVT_OFFSET + n} B from its start); nothing written`);
        checkLayout(firstSector(to), dev.sectorSize, n, to);
      },
      recheck: () => void checkBlockDevice(to, name, roots),
      write: (image) => {
        const fd = openSync(to, "r+");
        try {
          if (fstatSync(fd).size !== 0 && fstatSync(fd).size < IMX_IVT_OFFSET + image.length) throw new UserError(`${to} is smaller than the image`);
          writeSync(fd, image, 0, image.length, IMX_IVT_OFFSET);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      },
    };
  }
  throw new UserError(`--to ${to} is neither a block device nor a disk image file`);
}

async function confirmed(o: ImxFlashOptions, question: string): Promise<void> {
  if (o.yes) return;
  if (!(o.interactive ?? process.stdin.isTTY === true)) {
    throw new UserError("refusing to write without confirmation: stdin is not a terminal. Check the plan above and pass --yes (or --dry-run to only print it)");
  }
  if (!(await (o.confirm ?? askOnTerminal)(question))) throw new UserError("not confirmed: nothing written");
}

export async function flashImx(o: ImxFlashOptions): Promise<{ written: boolean; plan: string }> {
  const print = o.print ?? ((t: string) => console.log(t));
  if (Boolean(o.usb) === (o.to !== undefined)) {
    throw new UserError("flash for an i.MX board needs exactly one of --usb (load over USB serial download) or --to <device|image> (write an SD card, eMMC or disk image)");
  }
  const target = o.to !== undefined ? openTarget(o.to, o.roots ?? hostRoots) : undefined;
  // --files: the card's first FAT partition, the one files() mounts on the board (stacks/fat/
  // boot-sector.ts); checked, like the target, before the build.
  let data: { medium: Medium; plan: FlashPlan } | undefined;
  if (o.files !== undefined) {
    if (o.to === undefined) throw new UserError("--files needs --to <card|image>: USB serial download writes nothing to storage");
    if (!existsSync(o.to)) throw new UserError(`--files: ${o.to} does not exist yet, so it has no FAT partition for the files; partition the card or image with a FAT partition after the first 4 MiB (mkfs.vfat it) first`);
    const tree = collectFiles(o.files, []);
    const medium = await openMedium(o.to, o.roots ?? hostRoots);
    data = { medium, plan: { board: o.board, medium, files: treePlan(tree, o.files, await medium.listTree()) } };
  }
  const loader = o.loadOverUsb ?? (async (image: string) => {
    const r = await $({ nothrow: true, stdio: ["inherit", "inherit", "inherit"] })`${await requireTool(imxUsbTool)} ${image}`;
    if (r.exitCode !== 0) throw new UserError(`imx_usb failed (exit ${r.exitCode}): is the board in serial download mode and connected? (it may need root or a udev rule for the ROM's USB device)`);
  });
  if (!target && !o.loadOverUsb) await requireTool(imxUsbTool);

  const built = await o.build();
  const image = readFileSync(built.imxImage);
  target?.check(image.length);
  // A FAT filesystem from sector 0 is refused by check(): the files' partition lies after the image.
  if (data) checkSpace(data.plan, await data.medium.space());
  const what = `${displayPath(built.imxImage)} (${image.length} B, IVT + DCD + firmware)`;
  const plan = target
    ? `Flash ${o.board.name} (${o.board.description}) to ${target.describe(image.length)}:\n  write  ${what} at byte ${IMX_IVT_OFFSET}, where the boot ROM reads the IVT`
    : `Load ${o.board.name} (${o.board.description}) over USB serial download:\n  imx_usb ${what}: the boot ROM copies it to DDR and jumps to it (nothing is written to storage)`;
  print(plan);
  if (data) print([`and the files into ${data.medium.description}:`, ...formatPlan(data.plan).split("\n").slice(1)].join("\n"));
  if (o.dryRun) {
    print("dry run: nothing written");
    return { written: false, plan };
  }
  await confirmed(o, target ? `Write to ${o.to}? [y/N] ` : "Load it now? [y/N] ");
  if (target) {
    target.recheck();
    // The app's files first, the boot image last: an interrupted flash leaves the old image.
    if (data) {
      data.medium.recheck();
      for (const f of data.plan.files) {
        if (f.action === "mkdir") await data.medium.mkdir(f.name);
        else if (f.action !== "keep" && f.source) await data.medium.put(f.source, f.name);
      }
      await data.medium.finish();
      print(`wrote ${data.plan.files.filter((f) => f.action !== "keep" && !f.directory).length} files to ${data.medium.description}`);
    }
    target.write(image);
    print(`wrote ${image.length} B at byte ${IMX_IVT_OFFSET} of ${o.to}`);
  } else {
    await loader(built.imxImage);
    print("loaded over USB");
  }
  return { written: true, plan };
}
