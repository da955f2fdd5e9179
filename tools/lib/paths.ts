import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

/**
 * The SDK's root: this checkout, or node_modules/tsmetal when tsmetal is installed as a
 * dependency (tools/lib/ is two levels below it). Sources, boards and patches are read from here;
 * nothing is written here unless the project is the SDK itself.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const repoPath = (...parts: string[]): string => path.join(repoRoot, ...parts);

/**
 * The project's root: the nearest folder at or above the working directory with a package.json,
 * as npm finds it (`npm run` starts scripts there), or the working directory when there is none.
 * In this checkout it is the checkout; in a firmware project made by `tsmetal new`, the project.
 */
export function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

export const projectRoot = findProjectRoot(process.cwd());

/** Build cache and outputs, in the project's build/; TSMETAL_BUILD_DIR moves it (tests use their own). */
export const buildRoot = process.env.TSMETAL_BUILD_DIR
  ? path.resolve(process.env.TSMETAL_BUILD_DIR)
  : path.join(projectRoot, "build");

/**
 * A source path as a stack trace shows it: relative to the project root (the same whatever folder
 * the command ran from), the SDK's own sources as the project reaches them
 * (node_modules/tsmetal/...), anything else absolute, never a ../../ path.
 */
export function projectPath(p: string, root = projectRoot, sdk = repoRoot): string {
  const inside = (dir: string): string | null => {
    const rel = path.relative(dir, p);
    return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? null : rel;
  };
  const inProject = inside(root);
  if (inProject !== null) return inProject;
  const inSdk = inside(sdk);
  const installed = path.join(root, "node_modules", "tsmetal");
  // esbuild resolves a `file:` dependency's symlink to the SDK's own folder: show it as installed.
  if (inSdk !== null && existsSync(installed) && realpathSync(installed) === realpathSync(sdk)) {
    return path.join("node_modules", "tsmetal", inSdk);
  }
  return p;
}

/** A path as the user should read it: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}
