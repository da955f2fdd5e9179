import { fileURLToPath } from "node:url";
import path from "node:path";

/** The tsmetal checkout (tools/lib/ is two levels below it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Build cache and outputs; TSMETAL_BUILD_DIR moves it (tests use their own). */
export const buildRoot = process.env.TSMETAL_BUILD_DIR
  ? path.resolve(process.env.TSMETAL_BUILD_DIR)
  : path.join(repoRoot, "build");

export const repoPath = (...parts: string[]): string => path.join(repoRoot, ...parts);

/** A path as the user should read it: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}
