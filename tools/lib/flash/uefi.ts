/**
 * npm run flash for UEFI boards (board.json "flash": { "kind": "uefi" }): a GPT disk whose only
 * partition is an EFI system partition holding EFI/BOOT/BOOTX64.EFI (tools/lib/efi-image.ts,
 * tools/lib/gpt.ts), the path a PC's firmware boots from removable media (UEFI 2.10, 3.5.1.1).
 * Written to a USB stick or disk, or to a disk image file. The same safety rules as the other
 * boards: a plan first, a question unless --yes, --dry-run, only removable, unused block devices,
 * checked again right before writing. The whole disk's partitioning is replaced, so an existing
 * image file is overwritten only when it is a disk this flasher wrote (its GPT disk GUID).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import type { Board } from "../boards.ts";
import { UserError } from "../errors.ts";
import { displayPath } from "../paths.ts";
import { checkBlockDevice, hostRoots, kernelName, type SystemRoots } from "./block-device.ts";
import { askOnTerminal } from "./flash.ts";
import { DISK_GUID, gptPieces, guidBytes, minimumSectors, SECTOR, type GptPieces } from "../gpt.ts";
import { checkEfiImage, makeEsp } from "../efi-image.ts";
import { signEfiImage, type EfiSigning } from "../efi-sign.ts";

export interface UefiFlashOptions {
  board: Board;
  /** --to: a USB stick / disk (/dev/sdX), or a disk image file (made if missing). */
  to: string;
  yes?: boolean;
  dryRun?: boolean;
  /** Builds the firmware (after the target checked out): BOOTX64.EFI and the build folder. */
  build: () => Promise<{ image: string; outDir: string }>;
  /** --sign-key/--sign-cert: BOOTX64.EFI signed for Secure Boot (tools/lib/efi-sign.ts). */
  signing?: EfiSigning;
  interactive?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  print?: (text: string) => void;
  roots?: SystemRoots;
}

interface Target {
  describe: string;
  /** The GPT for this target, or a refusal. */
  layout(esp: Buffer): GptPieces;
  recheck(): void;
  write(p: GptPieces): void;
}

/** Whether a file starts with the GPT this flasher writes (its fixed disk GUID at LBA 1). */
function isOurDisk(file: string): boolean {
  const b = Buffer.alloc(2 * SECTOR);
  const fd = openSync(file, "r");
  try {
    readSync(fd, b, 0, b.length, 0);
  } finally {
    closeSync(fd);
  }
  return b.toString("latin1", SECTOR, SECTOR + 8) === "EFI PART" && b.subarray(SECTOR + 56, SECTOR + 72).equals(guidBytes(DISK_GUID));
}

const wholeDisk = (p: GptPieces): Buffer => Buffer.concat([p.head, Buffer.alloc(p.tailOffset - p.head.length), p.tail]);

function writePieces(file: string, p: GptPieces, flags: string): void {
  const fd = openSync(file, flags);
  try {
    writeSync(fd, p.head, 0, p.head.length, 0);
    writeSync(fd, p.tail, 0, p.tail.length, p.tailOffset);
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
      describe: `new disk image ${to}`,
      layout: (esp) => gptPieces(esp),
      recheck: () => {
        if (existsSync(to)) throw new UserError(`--to ${to} appeared while building: not overwriting it`);
      },
      write: (p) => writeFileSync(to, wholeDisk(p), { flag: "wx" }),
    };
  }
  const st = statSync(to);
  if (st.isFile()) {
    return {
      describe: `disk image ${to} (${st.size} B), replaced`,
      layout: (esp) => {
        if (st.size > 0 && !isOurDisk(to)) {
          throw new UserError(`${to} exists and is not a disk npm run flash wrote for a UEFI board: not overwriting it (remove it, or name a new file)`);
        }
        return gptPieces(esp);
      },
      recheck: () => {},
      write: (p) => writeFileSync(to, wholeDisk(p)),
    };
  }
  if (st.isBlockDevice()) {
    const name = kernelName(to);
    const dev = checkBlockDevice(to, name, roots);
    const gib = (dev.bytes / 2 ** 30).toFixed(1);
    return {
      describe: `USB stick / disk ${to} (${gib} GiB): a new GPT partition table, everything on it lost`,
      layout: (esp) => {
        if (dev.sectorSize !== SECTOR) throw new UserError(`${to} has ${dev.sectorSize}-byte sectors: tsmetal writes GPT disks of ${SECTOR}-byte sectors only; nothing written`);
        const sectors = Math.floor(dev.bytes / SECTOR);
        if (sectors < minimumSectors(esp.length)) throw new UserError(`${to} (${dev.bytes} B) is too small for the disk (${minimumSectors(esp.length) * SECTOR} B); nothing written`);
        return gptPieces(esp, sectors);
      },
      recheck: () => void checkBlockDevice(to, name, roots),
      write: (p) => writePieces(to, p, "r+"),
    };
  }
  throw new UserError(`--to ${to} is neither a block device nor a disk image file`);
}

export async function flashUefi(o: UefiFlashOptions): Promise<{ written: boolean; plan: string }> {
  const print = o.print ?? ((t: string) => console.log(t));
  const target = openTarget(o.to, o.roots ?? hostRoots);
  const built = await o.build();
  checkEfiImage(built.image);
  let image = built.image;
  if (o.signing) {
    image = path.join(built.outDir, "BOOTX64.signed.EFI");
    await signEfiImage(built.image, o.signing, image);
  }
  const espFile = path.join(built.outDir, "esp.img");
  await makeEsp(image, espFile);
  const esp = readFileSync(espFile);
  const pieces = target.layout(esp);
  const plan =
    `Flash ${o.board.name} (${o.board.description}) to ${target.describe}:\n` +
    `  write  a GPT (protective MBR, primary and backup headers) with one EFI system partition of ${esp.length} B at 1 MiB\n` +
    `  holding EFI/BOOT/BOOTX64.EFI = ${displayPath(image)} (${statSync(image).size} B)` +
    (o.signing ? `,\n  signed for Secure Boot with ${displayPath(o.signing.key)} (certificate ${displayPath(o.signing.cert)})` : ", unsigned (Secure Boot must be off)");
  print(plan);
  if (o.dryRun) {
    print("dry run: nothing written");
    return { written: false, plan };
  }
  if (!o.yes) {
    if (!(o.interactive ?? process.stdin.isTTY === true)) {
      throw new UserError("refusing to write without confirmation: stdin is not a terminal. Check the plan above and pass --yes (or --dry-run to only print it)");
    }
    if (!(await (o.confirm ?? askOnTerminal)(`Write to ${o.to}? [y/N] `))) throw new UserError("not confirmed: nothing written");
  }
  target.recheck();
  target.write(pieces);
  print(`wrote the GPT disk to ${o.to}`);
  return { written: true, plan };
}
