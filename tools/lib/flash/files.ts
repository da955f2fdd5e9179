/**
 * `npm run flash --files <folder>`: the folder's tree as plan entries for the card's boot FAT
 * partition, the one `files()` on the board mounts (the MBR's first FAT partition,
 * stacks/fat/boot-sector.ts), so the firmware reads what the host put there. Every name is
 * checked as the firmware's FAT code checks a new name (stacks/fat/names.ts checkName, after
 * fatgen103 7), before anything is built or written: a name FAT cannot hold, two names that are
 * one on FAT (case-insensitive), a file past FAT's 4 GiB - 1 limit, a link or a special file, or a
 * root name the flash itself writes (kernel.img, config.txt, the boot firmware) is refused.
 */
import { lstatSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { checkName } from "../../../stacks/fat/names.ts";
import { UserError } from "../errors.ts";
import { displayPath } from "../paths.ts";
import type { PlanFile } from "./plan.ts";

/** FAT's largest file: DIR_FileSize is 32 bits (fatgen103 6). */
export const FAT_MAX_FILE = 0xffff_ffff;

export interface FilesTree {
  /** Folders to make, parents first, as "a/b" (relative, '/'-separated). */
  readonly dirs: string[];
  /** Files to copy, in the order walked. */
  readonly files: { readonly name: string; readonly source: string; readonly bytes: number }[];
}

/** Walks `folder` (--files), refusing what FAT or the flash cannot take. `reserved`: root names the flash writes itself. */
export function collectFiles(folder: string, reserved: readonly string[]): FilesTree {
  let st;
  try {
    st = statSync(folder);
  } catch {
    throw new UserError(`--files ${folder}: no such folder; nothing built or written`);
  }
  if (!st.isDirectory()) throw new UserError(`--files ${folder}: not a folder (pass the folder whose tree goes onto the card)`);
  const tree: { dirs: string[]; files: { name: string; source: string; bytes: number }[] } = { dirs: [], files: [] };
  const taken = new Set(reserved.map((n) => n.toLowerCase()));
  const walk = (dir: string, rel: string) => {
    const seen = new Map<string, string>();
    for (const name of readdirSync(dir).sort()) {
      const relName = rel ? `${rel}/${name}` : name;
      const refuse = (why: string) => new UserError(`--files: ${displayPath(path.join(dir, name))}: ${why}; nothing built or written`);
      try {
        checkName(name, "flash", relName);
      } catch (e) {
        throw refuse(`FAT cannot hold the name "${name}" (${(e as Error).message}); FAT names have no " * / : < > ? \\ | or control characters, do not end in a dot or space, and have at most 255 characters`);
      }
      const key = name.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined) throw refuse(`"${name}" and "${other}" are the same name on FAT, which ignores case`);
      seen.set(key, name);
      if (!rel && taken.has(key)) throw refuse(`"${name}" is a file the flash writes itself (${reserved.join(", ")}); put it in a subfolder or rename it`);
      const full = path.join(dir, name);
      const l = lstatSync(full);
      if (l.isSymbolicLink()) throw refuse("a symbolic link (FAT has none): copy the file it points to instead");
      if (l.isDirectory()) {
        tree.dirs.push(relName);
        walk(full, relName);
      } else if (l.isFile()) {
        if (l.size > FAT_MAX_FILE) throw refuse(`${l.size} bytes, more than FAT's largest file (4 GiB - 1)`);
        tree.files.push({ name: relName, source: full, bytes: l.size });
      } else {
        throw refuse("not a regular file or folder");
      }
    }
  };
  walk(folder, "");
  return tree;
}

/**
 * The tree as plan entries: folders (mkdir, or keep when the target has one), then files
 * (write, or replace a file of that name). A file on the target where the tree has a folder, or
 * the other way round, is refused.
 */
export function treePlan(tree: FilesTree, folder: string, onTarget: { files: string[]; dirs: string[] }): PlanFile[] {
  const files = new Set(onTarget.files.map((n) => n.toLowerCase()));
  const dirs = new Set(onTarget.dirs.map((n) => n.toLowerCase()));
  const origin = (name: string) => `from ${displayPath(path.join(folder, name))}`;
  const out: PlanFile[] = [];
  for (const d of tree.dirs) {
    const key = d.toLowerCase();
    if (files.has(key)) throw new UserError(`--files: the target has a file ${d} where the folder has a folder; nothing written`);
    out.push(dirs.has(key) ? { name: d, action: "keep", directory: true, origin: "folder already on the target" } : { name: d, action: "mkdir", directory: true, origin: origin(d) });
  }
  for (const f of tree.files) {
    const key = f.name.toLowerCase();
    if (dirs.has(key)) throw new UserError(`--files: the target has a folder ${f.name} where the folder has a file; nothing written`);
    out.push({ name: f.name, action: files.has(key) ? "replace" : "write", source: f.source, bytes: f.bytes, origin: origin(f.name) });
  }
  return out;
}
