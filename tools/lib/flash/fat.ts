/**
 * FAT volumes inside disk images and SD cards: where the filesystem starts (a bare FAT image, or
 * the first FAT partition of an MBR), and mtools to list and write its root directory. The
 * filesystem itself is only ever written by mtools, never by hand.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { $ } from "zx";
import { UserError } from "../errors.ts";
import { requireTool } from "../toolchain.ts";

/** MBR partition types of FAT filesystems: FAT12, FAT16 <32M, FAT16, FAT32 CHS/LBA, FAT16 LBA. */
export const FAT_PARTITION_TYPES = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e]);
const GPT_PROTECTIVE = 0xee;

export const mtools = { command: "mcopy", debianPackage: "mtools" };

const hasBootSignature = (s: Buffer) => s.length >= 512 && s[510] === 0x55 && s[511] === 0xaa;

/** A FAT boot sector (BIOS parameter block), as opposed to an MBR: both end in 55 AA. */
export function isFatBootSector(s: Buffer): boolean {
  if (!hasBootSignature(s) || (s[0] !== 0xeb && s[0] !== 0xe9)) return false;
  const bytesPerSector = s.readUInt16LE(11);
  const sectorsPerCluster = s[13];
  const fats = s[16];
  return (
    [512, 1024, 2048, 4096].includes(bytesPerSector) &&
    sectorsPerCluster > 0 && (sectorsPerCluster & (sectorsPerCluster - 1)) === 0 &&
    fats >= 1 && fats <= 2
  );
}

export interface MbrPartition {
  /** 1-based, as in /dev/sdb1. */
  number: number;
  type: number;
  startLba: number;
  sectors: number;
}

/** The used entries of an MBR's partition table (four 16-byte entries at 0x1BE). */
export function mbrPartitions(s: Buffer): MbrPartition[] {
  const parts: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const e = 0x1be + 16 * i;
    const type = s[e + 4];
    const startLba = s.readUInt32LE(e + 8);
    const sectors = s.readUInt32LE(e + 12);
    if (type !== 0 && sectors !== 0) parts.push({ number: i + 1, type, startLba, sectors });
  }
  return parts;
}

export interface FatLocation {
  /** Byte offset of the FAT boot sector in the image or device. */
  offset: number;
  /** For the user: "partition 1" or "whole image". */
  where: string;
}

const typeHex = (t: number) => `0x${t.toString(16).padStart(2, "0")}`;

/**
 * Finds the FAT filesystem to write: the whole thing if sector 0 is a FAT boot sector, else the
 * first FAT partition of the MBR. `read(offset)` returns 512 bytes at a byte offset.
 */
export function locateFat(read: (offset: number) => Buffer, what: string, sectorSize = 512): FatLocation {
  const s0 = read(0);
  if (isFatBootSector(s0)) return { offset: 0, where: "whole image, no partition table" };
  if (!hasBootSignature(s0)) {
    throw new UserError(`${what} holds neither a FAT filesystem nor an MBR partition table (no 55 AA boot signature)`);
  }
  const parts = mbrPartitions(s0);
  if (parts.some((p) => p.type === GPT_PROTECTIVE)) {
    throw new UserError(`${what} is GPT-partitioned: a Raspberry Pi boots from an MBR (DOS) partition table with a FAT first partition`);
  }
  const fat = parts.find((p) => FAT_PARTITION_TYPES.has(p.type));
  if (!fat) {
    const seen = parts.map((p) => `${p.number}: type ${typeHex(p.type)}`).join(", ") || "none";
    throw new UserError(`${what} has no FAT partition (partitions ${seen}); the Raspberry Pi boots from a FAT32 (0x0c) partition`);
  }
  const offset = fat.startLba * sectorSize;
  if (!isFatBootSector(read(offset))) {
    throw new UserError(`${what}: partition ${fat.number} (type ${typeHex(fat.type)}) holds no FAT filesystem; format it first (mkfs.vfat)`);
  }
  return { offset, where: `partition ${fat.number} at byte ${offset}` };
}

/** Reads 512-byte sectors of a file or block device, for locateFat. */
export function locateFatIn(file: string, what: string, sectorSize = 512): FatLocation {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") {
      throw new UserError(`cannot read ${file}: permission denied (writing an SD card needs its device's group, usually 'disk', or root)`);
    }
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return locateFat((offset) => {
      const b = Buffer.alloc(512);
      const n = readSync(fd, b, 0, 512, offset);
      if (n < 512) throw new UserError(`${what} ends before byte ${offset + 512}: too small for a FAT filesystem`);
      return b;
    }, what, sectorSize);
  } finally {
    closeSync(fd);
  }
}

/** The root directory of a FAT filesystem at a byte offset of an image or device, via mtools. */
export class FatVolume {
  constructor(readonly file: string, readonly offset: number) {}

  /** mtools' "-i" drive: image@@offset selects a filesystem inside a partitioned image. */
  get drive(): string {
    return this.offset ? `${this.file}@@${this.offset}` : this.file;
  }

  private async mtool(cmd: string, args: string[], what: string): Promise<string> {
    await requireTool(mtools);
    // MTOOLS_SKIP_CHECK: cards formatted by other tools often have a geometry mtools would refuse.
    const r = await $({ nothrow: true, env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } })`${cmd} ${args}`;
    if (r.exitCode !== 0) throw new UserError(`${what} failed:\n${cmd} ${args.join(" ")}\n${(r.stderr + r.stdout).trim()}`);
    return r.stdout;
  }

  /** Names in the root directory (hidden and system files too), as stored. */
  async list(): Promise<string[]> {
    const out = await this.mtool("mdir", ["-a", "-b", "-i", this.drive, "::/"], `listing ${this.drive}`);
    return out
      .split("\n")
      .filter((l) => l.startsWith("::/"))
      .map((l) => l.slice(3));
  }

  /**
   * The free bytes (mdir's summary), the cluster size (the boot sector's bytes per sector times
   * sectors per cluster, Microsoft FAT specification, BPB at offsets 11 and 13), and the bytes each
   * root-directory file occupies (mdu -a counts clusters), which replacing that file frees.
   */
  async space(): Promise<{ free: number; cluster: number; used: Map<string, number> }> {
    const sector = Buffer.alloc(512);
    const fd = openSync(this.file, "r");
    try {
      readSync(fd, sector, 0, 512, this.offset);
    } finally {
      closeSync(fd);
    }
    const cluster = sector.readUInt16LE(11) * sector[13];
    const summary = await this.mtool("mdir", ["-a", "-i", this.drive, "::/"], `listing ${this.drive}`);
    // "    727 040 bytes free": mtools groups digits with spaces.
    const free = /([\d ]+) bytes free/.exec(summary);
    if (!free || !(cluster > 0)) throw new UserError(`cannot tell the free space of ${this.drive} (mdir printed no "bytes free")`);
    const used = new Map<string, number>();
    // mdu fails on an empty root directory ('File "::/" not found').
    const du = /^No files$/m.test(summary) ? "" : await this.mtool("mdu", ["-a", "-i", this.drive, "::/"], `measuring ${this.drive}`);
    for (const line of du.split("\n")) {
      // Every file and folder, nested ones too ("::/data/Long Name.txt 1"): --files replaces those.
      const m = /^::\/(.+) (\d+)$/.exec(line.trim());
      if (m) used.set(m[1].toLowerCase(), Number(m[2]) * cluster);
    }
    return { free: Number(free[1].replace(/ /g, "")), cluster, used };
  }

  /** Every file and folder under the root, as "a/b" paths (mdir -/ lists recursively, folders with a trailing '/'). */
  async listTree(): Promise<{ files: string[]; dirs: string[] }> {
    // mdir -/ fails on an empty root directory ('File "::/" not found'), as mdu does.
    if ((await this.list()).length === 0) return { files: [], dirs: [] };
    const out = await this.mtool("mdir", ["-/", "-a", "-b", "-i", this.drive, "::/"], `listing ${this.drive}`);
    const files: string[] = [];
    const dirs: string[] = [];
    for (const l of out.split("\n")) {
      if (!l.startsWith("::/")) continue;
      if (l.endsWith("/")) dirs.push(l.slice(3, -1));
      else files.push(l.slice(3));
    }
    return { files, dirs };
  }

  /** Makes folder `name` ("a/b", its parent existing). */
  async mkdir(name: string): Promise<void> {
    await this.mtool("mmd", ["-i", this.drive, `::/${name}`], `making folder ${name} in ${this.drive}`);
  }

  /** Copies a host file to `name` ("a.txt", "data/a.txt"), replacing a file of that name (-o, no prompt). */
  async put(source: string, name: string): Promise<void> {
    await this.mtool("mcopy", ["-o", "-D", "o", "-i", this.drive, source, `::/${name}`], `writing ${name} into ${this.drive}`);
  }
}
