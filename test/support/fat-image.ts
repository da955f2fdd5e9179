/**
 * FAT images made and checked by the host's dosfstools and mtools (ci/apt-packages.json:
 * "dosfstools", "mtools"), for the FAT stack's tests: mkfs.vfat makes the image, mcopy puts
 * files in and takes them out, fsck.vfat -n says whether what the firmware wrote is clean.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** mtools refuses images whose geometry it finds odd without this. */
const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: "1", MTOOLS_NO_VFAT: "" };

/** Makes `file`, a FAT`type` volume of `kib` KiB (mkfs.vfat -C); returns it. */
export function mkfs(file: string, type: 12 | 16 | 32, kib: number, extra: string[] = []): string {
  execFileSync("mkfs.vfat", ["-C", "-F", String(type), ...extra, file, String(kib)], { stdio: "pipe" });
  return file;
}

/** Copies host bytes into the image at `target` ("/dir/name"), making `dir` first when asked. */
export function mput(image: string, target: string, data: Uint8Array | string, dir: string): void {
  const local = path.join(dir, "mput.tmp");
  writeFileSync(local, data);
  execFileSync("mcopy", ["-o", "-i", image, local, `::${target}`], { env: MTOOLS_ENV, stdio: "pipe" });
}

export function mmd(image: string, target: string): void {
  execFileSync("mmd", ["-i", image, `::${target}`], { env: MTOOLS_ENV, stdio: "pipe" });
}

/** A file's bytes as mtools reads them. */
export function mget(image: string, target: string): Buffer {
  return execFileSync("mtype", ["-i", image, `::${target}`], { env: MTOOLS_ENV, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** Names in a directory as mtools lists them (long names). */
export function mls(image: string, target: string): string[] {
  const out = execFileSync("mdir", ["-b", "-i", image, `::${target}`], { env: MTOOLS_ENV, stdio: ["ignore", "pipe", "pipe"] }).toString();
  return out.split("\n").filter(Boolean).map((l) => l.replace(/\/$/, "").replace(/^.*\//, "")).filter((n) => n !== "." && n !== "..").sort();
}

/** fsck.vfat -n's verdict: exit code 0 and its output. */
export function fsck(image: string): { clean: boolean; output: string } {
  const r = spawnSync("fsck.vfat", ["-n", image], { encoding: "utf8" });
  return { clean: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function bytesOf(image: string): Uint8Array {
  return new Uint8Array(readFileSync(image));
}

export function save(image: string, bytes: Uint8Array): void {
  writeFileSync(image, bytes);
}
