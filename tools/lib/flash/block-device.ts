/**
 * Safety checks before writing to a block device: only a removable, writable disk with a medium,
 * none of whose partitions is mounted, used as swap or held by device-mapper/LVM/RAID. Everything
 * comes from /sys and /proc, whose roots are parameters so tests can use fake trees.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";

export interface SystemRoots {
  /** Where sysfs is mounted (/sys). */
  sys: string;
  /** Where procfs is mounted (/proc). */
  proc: string;
}

export const hostRoots: SystemRoots = { sys: "/sys", proc: "/proc" };

export interface BlockDevice {
  /** Kernel name: sdb, mmcblk0. */
  name: string;
  /** As the user named it (/dev/sdb, /dev/disk/by-id/...). */
  path: string;
  partitions: string[];
  /** Logical sector size: the unit of the MBR's LBAs. */
  sectorSize: number;
  bytes: number;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
};

/** /proc/mounts and /proc/swaps escape blanks as octal (\040). */
const unescapeOctal = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The kernel name a /dev path refers to, following symlinks (/dev/disk/by-uuid/...) when it can. */
export function kernelName(devPath: string): string {
  try {
    return path.basename(realpathSync(devPath));
  } catch {
    return path.basename(devPath);
  }
}

export interface Mount {
  source: string;
  mountPoint: string;
  fsType: string;
}

export function readMounts(roots: SystemRoots = hostRoots): Mount[] {
  return (readText(path.join(roots.proc, "mounts")) ?? "")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [source, mountPoint, fsType] = line.split(" ");
      return { source: unescapeOctal(source), mountPoint: unescapeOctal(mountPoint ?? ""), fsType: fsType ?? "" };
    });
}

/** The mount holding a path: the longest mount point that is a prefix of it. */
export function mountOf(dir: string, roots: SystemRoots = hostRoots): Mount | undefined {
  const abs = path.resolve(dir);
  let best: Mount | undefined;
  for (const m of readMounts(roots)) {
    const inside = abs === m.mountPoint || abs.startsWith(m.mountPoint.endsWith("/") ? m.mountPoint : `${m.mountPoint}/`);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/**
 * Checks that `devPath` (kernel name `name`) is safe to overwrite, and describes it.
 * Throws a UserError saying why not, and what to do instead.
 */
export function checkBlockDevice(devPath: string, name = kernelName(devPath), roots: SystemRoots = hostRoots): BlockDevice {
  const dir = path.join(roots.sys, "block", name);
  if (!existsSync(dir)) {
    const classDir = path.join(roots.sys, "class", "block", name);
    if (existsSync(path.join(classDir, "partition"))) {
      // /sys/class/block/sdb1 links into .../block/sdb/sdb1: the parent folder is the disk.
      const disk = path.basename(path.dirname(realpathSync(classDir)));
      throw new UserError(`${devPath} is a partition: pass the whole card (/dev/${disk}); tsmetal writes its first FAT partition`);
    }
    throw new UserError(`${devPath} is not a disk the kernel knows (no ${dir})`);
  }
  const sys = (file: string) => readText(path.join(dir, file));

  const removable = sys("removable");
  if (removable !== "1") {
    throw new UserError(
      `refusing to write to ${devPath}: the kernel does not report it as removable (${path.join(dir, "removable")} is ${removable ?? "missing"}), ` +
        `so it may be a system disk. Built-in SD card slots (mmcblk) often report 0: mount the card's boot partition ` +
        `and pass that directory as --to instead.`,
    );
  }
  if (sys("ro") === "1") throw new UserError(`${devPath} is read-only (is the SD card's lock switch on?)`);
  const sectors = Number(sys("size") ?? "0");
  if (!(sectors > 0)) throw new UserError(`${devPath} has no medium (no card in the reader?)`);

  const partitions = readdirSync(dir)
    .filter((e) => e.startsWith(name) && existsSync(path.join(dir, e, "partition")))
    .sort();
  const ours = new Set([name, ...partitions]);

  const mounted = readMounts(roots).filter((m) => m.source.startsWith("/") && ours.has(kernelName(m.source)));
  if (mounted.length) {
    const list = mounted.map((m) => `${m.source} on ${m.mountPoint}`).join(", ");
    const first = mounted[0];
    throw new UserError(
      `refusing to write to ${devPath}: it is mounted (${list}). Unmount it first ` +
        `(udisksctl unmount -b ${first.source}, or umount ${first.mountPoint}), or pass the mount point ` +
        `as --to to write through the filesystem.`,
    );
  }
  const swaps = (readText(path.join(roots.proc, "swaps")) ?? "")
    .split("\n")
    .slice(1)
    .map((l) => unescapeOctal(l.split(/\s+/)[0]))
    .filter((s) => s && ours.has(kernelName(s)));
  if (swaps.length) throw new UserError(`refusing to write to ${devPath}: ${swaps.join(", ")} is in use as swap`);
  for (const d of [name, ...partitions]) {
    const holdersDir = d === name ? path.join(dir, "holders") : path.join(dir, d, "holders");
    const holders = existsSync(holdersDir) ? readdirSync(holdersDir) : [];
    if (holders.length) {
      throw new UserError(`refusing to write to ${devPath}: /dev/${d} is in use by ${holders.join(", ")} (device-mapper, LVM or RAID)`);
    }
  }

  const sectorSize = Number(sys("queue/logical_block_size") ?? "512") || 512;
  // /sys/block/<dev>/size counts 512-byte sectors whatever the device's own sector size.
  return { name, path: devPath, partitions, sectorSize, bytes: sectors * 512 };
}
