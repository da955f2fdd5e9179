/**
 * `tsmetal disk --out card.img [--from dir] [--size 32M] [--fat 12|16|32]`: a FAT disk image
 * made by dosfstools (mkfs.vfat -C) with a folder's files copied in by mtools (mcopy -s), for
 * `npm run qemu -- --disk card.img` (docs/storage.md). The FAT type is mkfs.vfat's choice for
 * the size unless --fat says. An existing --out is refused rather than overwritten.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseOptions } from "../lib/options.ts";
import { requireTool, run } from "../lib/toolchain.ts";
import { UserError } from "../lib/errors.ts";

export const diskOptions = {
  out: { type: "string" },
  from: { type: "string" },
  size: { type: "string" },
  fat: { type: "string" },
} as const;

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "32M", "1g", "4096k", "1048576" as bytes. */
export function parseSize(spec: string): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(spec);
  if (!m) throw new UserError(`--size ${spec}: expected a number of bytes with an optional K, M or G (e.g. 32M)`);
  const bytes = Number(m[1]) * UNITS[m[2].toLowerCase()];
  if (bytes % 1024 !== 0) throw new UserError(`--size ${spec}: not a whole number of KiB`);
  // mkfs.vfat's smallest FAT12 and FAT32's 32-bit sector count.
  if (bytes < 64 * 1024 || bytes > 2 ** 41) throw new UserError(`--size ${spec}: a FAT image is 64K to 2T`);
  return bytes;
}

export async function diskCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, diskOptions);
  if (values.out === undefined) throw new UserError("disk: --out <image> is required (e.g. npm run disk -- --from files --out card.img --size 32M)");
  const out = path.resolve(values.out);
  if (existsSync(out)) throw new UserError(`disk: ${values.out} exists; remove it first or choose another --out`);
  const bytes = parseSize(values.size ?? "32M");
  const fat = values.fat;
  if (fat !== undefined && !["12", "16", "32"].includes(fat)) throw new UserError(`--fat ${fat}: expected 12, 16 or 32`);
  const from = values.from === undefined ? undefined : path.resolve(values.from);
  if (from !== undefined && (!existsSync(from) || !statSync(from).isDirectory())) throw new UserError(`--from ${values.from}: not a folder`);
  const mkfs = await requireTool({ command: "mkfs.vfat", debianPackage: "dosfstools" });
  await run(mkfs, ["-C", ...(fat ? ["-F", fat] : []), "-n", "TSMETAL", out, String(bytes / 1024)], `making a ${bytes / 1024} KiB FAT${fat ?? ""} image`);
  if (from !== undefined) {
    const entries = readdirSync(from).map((n) => path.join(from, n));
    if (entries.length > 0) {
      const mcopy = await requireTool({ command: "mcopy", debianPackage: "mtools" });
      // -s: folders recursively; -Q: stop at the first error (a full image) rather than skip files.
      await run(mcopy, ["-s", "-Q", "-i", out, ...entries, "::/"], `copying ${values.from} into the image (does it fit in --size?)`).catch((e: unknown) => {
        throw e instanceof UserError ? new UserError(`${e.message}\n(${values.out} was left as it is)`) : e;
      });
    }
  }
  console.log(`${values.out}: ${bytes / 1024} KiB FAT image${from ? ` with the files of ${values.from}` : ""}`);
  return 0;
}
