/**
 * What a flash writes, decided before anything is written, so it can be shown, confirmed or
 * (--dry-run) only printed.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";
import { displayPath } from "../paths.ts";
import type { Board } from "../boards.ts";
import type { Medium, MediumSpace } from "./medium.ts";

/** The Raspberry Pi's closed boot firmware (Pi Zero/1/2/3): not ours to ship. */
export const RPI_FIRMWARE_FILES = ["bootcode.bin", "start.elf", "fixup.dat"];
export const RPI_FIRMWARE_SOURCE = "the boot/ folder of https://github.com/raspberrypi/firmware";

export interface PlanFile {
  /** Path in the boot partition, from its root ("kernel.img", "data/settings.json": --files). */
  name: string;
  /** write: new file; replace: overwrites one; keep: already there, left alone; mkdir: a new folder (--files). */
  action: "write" | "replace" | "keep" | "mkdir";
  /** A folder (--files), not a file. */
  directory?: boolean;
  /** Host file to copy (write/replace). */
  source?: string;
  bytes?: number;
  /** Where it comes from, for the user ("from <file>", "already on the target"). */
  origin: string;
}

export interface FlashPlan {
  board: Board;
  medium: Medium;
  files: PlanFile[];
}

const lower = (names: string[]) => new Set(names.map((n) => n.toLowerCase()));

/**
 * Where the closed firmware files come from: --firmware (all of them, or refuse), else what the
 * target already has (all of them, or refuse saying where to get them).
 */
export function firmwareFiles(firmwareDir: string | undefined, onTarget: string[]): PlanFile[] {
  if (firmwareDir !== undefined) {
    if (!existsSync(firmwareDir) || !statSync(firmwareDir).isDirectory()) {
      throw new UserError(`--firmware ${firmwareDir} is not a folder (it should hold ${RPI_FIRMWARE_FILES.join(", ")} from ${RPI_FIRMWARE_SOURCE})`);
    }
    const entries = readdirSync(firmwareDir);
    const found = (name: string) => entries.find((e) => e.toLowerCase() === name);
    const missing = RPI_FIRMWARE_FILES.filter((n) => !found(n));
    if (missing.length) {
      throw new UserError(
        `--firmware ${firmwareDir} lacks ${missing.join(", ")}: it needs ${RPI_FIRMWARE_FILES.join(", ")} from ${RPI_FIRMWARE_SOURCE}`,
      );
    }
    return RPI_FIRMWARE_FILES.map((name) => {
      const source = path.join(firmwareDir, found(name)!);
      return hostFile(name, source);
    });
  }
  const have = lower(onTarget);
  const missing = RPI_FIRMWARE_FILES.filter((n) => !have.has(n));
  if (missing.length) {
    throw new UserError(
      `the target lacks the Raspberry Pi boot firmware (${missing.join(", ")}). These closed files are not part of ` +
        `tsmetal: download ${RPI_FIRMWARE_FILES.join(", ")} from ${RPI_FIRMWARE_SOURCE} into a folder and pass it ` +
        `with --firmware <folder>; later flashes keep them.`,
    );
  }
  return RPI_FIRMWARE_FILES.map((name) => ({ name, action: "keep", origin: "already on the target" }));
}

/** Marks writes over existing files as replacements. */
export function makePlan(board: Board, medium: Medium, onTarget: string[], files: PlanFile[]): FlashPlan {
  const have = lower(onTarget);
  return {
    board,
    medium,
    files: files.map((f) => (f.action === "write" && have.has(f.name.toLowerCase()) ? { ...f, action: "replace" } : f)),
  };
}

/** A host file to copy: its size now, for the plan. */
export function hostFile(name: string, source: string, origin = `from ${displayPath(source)}`): PlanFile {
  return { name, action: "write", source, bytes: statSync(source).size, origin };
}

export function formatPlan(plan: FlashPlan): string {
  const rows = plan.files.map((f) => [
    f.action,
    plan.medium.destination(f.name),
    f.bytes === undefined ? "" : `${f.bytes} B`,
    f.origin,
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = [
    `Flash ${plan.board.name} (${plan.board.description}) to ${plan.medium.description}:`,
    ...rows.map((r) => `  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`),
    ...plan.medium.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join("\n");
}

/** Bytes of the directory entries a new name takes: its long-name entries and its short one (fatgen103 7: 13 characters per LFN entry). */
const entryBytes = (name: string) => 32 * (1 + Math.ceil(name.length / 13));

/**
 * Refuses a plan whose files do not fit, before the first write: mcopy would otherwise write the
 * first files and fail on a later one. Each file takes whole clusters; a replaced file's clusters
 * are freed first (mcopy -o deletes it before writing). Each folder that gets new names may need
 * clusters for their entries (long names included), one more when it exists (its last cluster
 * may be full; FAT32's root directory is a cluster chain that grows too), and a new folder's
 * entries start with "." and "..".
 */
export function checkSpace(plan: FlashPlan, space: MediumSpace): void {
  const rounded = (n: number) => Math.ceil(n / space.cluster) * space.cluster;
  const writes = plan.files.filter((f) => f.action !== "keep");
  const newDirs = new Set(writes.filter((f) => f.action === "mkdir").map((f) => f.name.toLowerCase()));
  const entries = new Map<string, number>();
  for (const d of newDirs) entries.set(d, 64);
  for (const f of writes.filter((f) => f.action === "write" || f.action === "mkdir")) {
    const slash = f.name.lastIndexOf("/");
    const parent = slash < 0 ? "" : f.name.slice(0, slash).toLowerCase();
    entries.set(parent, (entries.get(parent) ?? 0) + entryBytes(f.name.slice(slash + 1)));
  }
  let dirBytes = 0;
  for (const [dir, bytes] of entries) dirBytes += rounded(bytes) + (newDirs.has(dir) ? 0 : space.cluster);
  const needed = writes.reduce((sum, f) => sum + (f.directory ? 0 : rounded(f.bytes ?? 0)), 0) + dirBytes;
  const freed = writes.filter((f) => f.action === "replace").reduce((sum, f) => sum + (space.used.get(f.name.toLowerCase()) ?? 0), 0);
  const available = space.free + freed;
  if (needed > available) {
    const files = writes.filter((f) => !f.directory);
    const named = files.length > 8 ? `${files.slice(0, 6).map((f) => f.name).join(", ")} and ${files.length - 6} more files` : files.map((f) => f.name).join(", ");
    throw new UserError(
      `${plan.medium.path} is too small for this flash: ${named} need ${needed} bytes ` +
        `(in ${space.cluster}-byte clusters, with directory entries) but only ${available} bytes are free` +
        `${freed ? ` counting the ${freed} bytes of the files replaced` : ""}; nothing written. ` +
        `Free ${needed - available} bytes on it or use a larger boot partition.`,
    );
  }
}
