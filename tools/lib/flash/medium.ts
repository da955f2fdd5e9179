/**
 * Where `npm run flash --to` writes: a mounted boot partition (a directory), a FAT disk image, or
 * an SD card's block device. One interface over the three, so the plan and the writes do not care.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { copyFile, mkdir, open, statfs } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { requireTool } from "../toolchain.ts";
import { checkBlockDevice, hostRoots, kernelName, mountOf, type BlockDevice, type SystemRoots } from "./block-device.ts";
import { FatVolume, locateFatIn, mtools } from "./fat.ts";

export interface Medium {
  kind: "directory" | "image" | "device";
  /** The target as the user named it. */
  path: string;
  /** One line for the plan: what and where. */
  description: string;
  /** Things the user should know before confirming. */
  warnings: string[];
  /** Where a root-directory file lands, for the plan. */
  destination(name: string): string;
  /** Names in the root directory, as stored. */
  list(): Promise<string[]>;
  /** Every file and folder on it, as "a/b" paths (--files). */
  listTree(): Promise<{ files: string[]; dirs: string[] }>;
  /** Copies a host file to `name` (a root name or an "a/b" path whose folder exists). */
  put(source: string, name: string): Promise<void>;
  /** Makes folder `name` ("a/b", its parent existing). */
  mkdir(name: string): Promise<void>;
  /** Free space, checked before anything is written (plan.ts checkSpace). */
  space(): Promise<MediumSpace>;
  /** Repeats the safety checks right before writing: a card may have been automounted meanwhile. */
  recheck(): void;
  /** Flushes what was written to the medium. */
  finish(): Promise<void>;
}

export interface MediumSpace {
  /** Bytes free for new files. */
  free: number;
  /** The allocation unit: every file takes a whole number of them. */
  cluster: number;
  /** Bytes each file occupies, by lower-case path ("kernel.img", "data/a.txt"; freed when one is replaced). */
  used: Map<string, number>;
}

/** Writes a file and forces it to the medium: cards get pulled out right after a flash. */
async function copyDurably(source: string, dest: string): Promise<void> {
  await copyFile(source, dest);
  const fh = await open(dest, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function directoryMedium(dir: string, roots: SystemRoots): Medium {
  const warnings: string[] = [];
  const mount = mountOf(dir, roots);
  if (mount && mount.fsType !== "vfat" && mount.fsType !== "msdos") {
    warnings.push(`${dir} is on ${mount.fsType}, not on a FAT boot partition: the Raspberry Pi boots only from FAT`);
  }
  // FAT names are case-insensitive: replace KERNEL.IMG rather than add kernel.img beside it when
  // the folder is a copy on a case-sensitive filesystem; likewise each folder of a --files path.
  const existing = (name: string) => {
    let at = "";
    for (const part of name.split("/")) {
      const found = existsSync(path.join(dir, at)) ? readdirSync(path.join(dir, at)).find((e) => e.toLowerCase() === part.toLowerCase()) : undefined;
      at = path.join(at, found ?? part);
    }
    return at;
  };
  const tree = (rel: string, out: { files: string[]; dirs: string[] }) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.dirs.push(r);
        tree(r, out);
      } else {
        out.files.push(r);
      }
    }
    return out;
  };
  return {
    kind: "directory",
    path: dir,
    description: `folder ${dir}${mount ? ` (${mount.fsType} mounted from ${mount.source})` : ""}`,
    warnings,
    destination: (name) => path.join(dir, existing(name)),
    list: async () => readdirSync(dir),
    listTree: async () => tree("", { files: [], dirs: [] }),
    put: (source, name) => copyDurably(source, path.join(dir, existing(name))),
    mkdir: (name) => mkdir(path.join(dir, existing(name))).then(() => undefined),
    space: async () => {
      const fs = await statfs(dir);
      const used = new Map<string, number>();
      for (const e of readdirSync(dir)) {
        // throwIfNoEntry: a dangling symlink occupies nothing worth counting.
        const st = statSync(path.join(dir, e), { throwIfNoEntry: false });
        if (st?.isFile()) used.set(e.toLowerCase(), Math.ceil(st.size / fs.bsize) * fs.bsize);
      }
      return { free: fs.bavail * fs.bsize, cluster: fs.bsize, used };
    },
    recheck: () => {},
    finish: async () => {},
  };
}

function fatMedium(kind: "image" | "device", file: string, volume: FatVolume, where: string, recheck: () => void): Medium {
  return {
    kind,
    path: file,
    description: `${kind === "image" ? "FAT image" : "SD card"} ${file} (${where})`,
    warnings: [],
    destination: (name) => `${volume.drive}::/${name}`,
    list: () => volume.list(),
    listTree: () => volume.listTree(),
    put: (source, name) => volume.put(source, name),
    mkdir: (name) => volume.mkdir(name),
    space: () => volume.space(),
    recheck,
    finish: async () => {
      if (kind !== "device") return;
      // mtools leaves its writes in the page cache; fsync on the device flushes them to the card.
      const fh = await open(file, "r");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
  };
}

/** Classifies and checks `--to`, refusing what is unsafe or not a FAT boot medium. */
export async function openMedium(to: string, roots: SystemRoots = hostRoots): Promise<Medium> {
  if (!existsSync(to)) {
    throw new UserError(
      `--to ${to} does not exist: pass a mounted boot partition (a folder), a FAT disk image file, ` +
        `or an SD card (/dev/sdX, /dev/mmcblkN)`,
    );
  }
  const st = statSync(to);
  if (st.isDirectory()) return directoryMedium(to, roots);
  if (st.isFile()) {
    await requireTool(mtools);
    const fat = locateFatIn(to, to);
    return fatMedium("image", to, new FatVolume(to, fat.offset), fat.where, () => {});
  }
  if (st.isBlockDevice()) {
    const name = kernelName(to);
    const dev: BlockDevice = checkBlockDevice(to, name, roots);
    await requireTool(mtools);
    const fat = locateFatIn(to, to, dev.sectorSize);
    const gib = (dev.bytes / 2 ** 30).toFixed(1);
    const m = fatMedium("device", to, new FatVolume(to, fat.offset), `${gib} GiB, ${fat.where}`, () => {
      checkBlockDevice(to, name, roots);
    });
    return m;
  }
  throw new UserError(`--to ${to} is neither a folder, a disk image file nor a block device`);
}
