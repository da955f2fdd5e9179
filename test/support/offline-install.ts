/**
 * `npm ci --offline` for a scratch project that depends on a packed tsmetal. `npm install
 * <tarball> typescript --offline` cannot work from the cache `npm ci` fills: npm ci fetches
 * tarballs by the lockfile's URLs and never caches the registry's package documents that a
 * resolving install reads (ENOTCACHED). So the project gets the lockfile an install would have
 * written: this checkout's locked production packages (tsmetal's dependencies, typescript among
 * them, at the versions `npm ci` cached) plus the tarball; `npm ci --offline` then installs it
 * with no network.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";

interface Manifest {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Writes `dir`/package-lock.json for its package.json, whose tsmetal is a `file:` tarball spec. */
export function writeOfflineLock(dir: string): void {
  const pkg = readJson<Manifest>(path.join(dir, "package.json"));
  const sdk = readJson<Manifest>(repoPath("package.json"));
  const tarball = pkg.dependencies?.tsmetal;
  if (!tarball?.startsWith("file:")) throw new Error(`${dir}/package.json: tsmetal is not a file: spec (${tarball})`);
  const locked = readJson<{ packages: Record<string, LockEntry> }>(repoPath("package-lock.json")).packages;
  const packages: Record<string, unknown> = {
    "": { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies },
  };
  for (const [key, entry] of Object.entries(locked)) if (key !== "" && !entry.dev) packages[key] = entry;
  packages["node_modules/tsmetal"] = {
    version: sdk.version,
    resolved: tarball,
    license: sdk.license,
    dependencies: sdk.dependencies,
    bin: sdk.bin,
    engines: sdk.engines,
  };
  const lock = { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
  writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock, null, 2) + "\n");
}

/** Runs npm in `cwd` with a time limit (a hung install must fail the test, not stall it). */
export function npm(cwd: string, args: string[], timeoutS: number): SpawnSyncReturns<string> {
  return spawnSync("npm", args, { cwd, encoding: "utf8", timeout: timeoutS * 1000, stdio: ["ignore", "pipe", "pipe"] });
}

/** writeOfflineLock, then `npm ci --offline`. */
export function installOffline(dir: string, timeoutS = 300): SpawnSyncReturns<string> {
  writeOfflineLock(dir);
  return npm(dir, ["ci", "--offline", "--no-audit", "--no-fund"], timeoutS);
}
