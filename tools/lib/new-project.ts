/**
 * `tsmetal new <dir>`: a firmware project from firmware-template/ that depends on tsmetal as an
 * npm package. Its scripts call the `tsmetal` bin, its tsconfig finds "tsmetal", "hal" and
 * "tsmetal:board" under node_modules/tsmetal, and its builds go to its own build/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "./errors.ts";
import { repoPath, repoRoot } from "./paths.ts";

interface PackageJson {
  name?: string;
  version?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, "utf8")) as PackageJson;

/** An npm package name from a folder name: lower case, URL-safe, no leading dot or underscore. */
export function packageName(dir: string): string {
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "").slice(0, 214);
  return name || "firmware";
}

/**
 * How the new project names tsmetal in its dependencies: as this SDK was obtained. A checkout is
 * a `file:` folder spec; an installed SDK (…/node_modules/tsmetal) repeats the spec its own
 * project used, with a relative `file:` path (a tarball, a folder) rebased onto the new project,
 * or else `^version`.
 */
export function tsmetalSpec(projectDir: string, sdkRoot = repoRoot): string {
  // Relative when the two share a folder below the root (they move together), else absolute.
  const relative = (target: string) => {
    const rel = path.relative(projectDir, target);
    const ups = rel.split(path.sep).filter((s) => s === "..").length;
    const common = path.resolve(projectDir, ...Array<string>(ups).fill(".."));
    if (common === path.parse(projectDir).root) return `file:${target}`;
    const posix = rel.split(path.sep).join("/");
    return `file:${posix.startsWith(".") ? posix : `./${posix}`}`;
  };
  const version = readJson(path.join(sdkRoot, "package.json")).version ?? "0.0.0";
  if (path.basename(path.dirname(sdkRoot)) !== "node_modules") return relative(sdkRoot);
  const installer = path.join(path.dirname(path.dirname(sdkRoot)), "package.json");
  const spec = existsSync(installer) ? readJson(installer).dependencies?.tsmetal : undefined;
  if (spec === undefined) return `^${version}`;
  const file = /^file:(.*)$/.exec(spec);
  if (!file || path.isAbsolute(file[1])) return spec;
  return relative(path.resolve(path.dirname(installer), file[1]));
}

/** Refuses a destination that exists and is not an empty folder: nothing of the user's is overwritten. */
function checkDestination(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`${shown} exists and is not a folder; choose a new directory`);
  if (readdirSync(dir).length > 0) throw new UserError(`${shown} already exists and is not empty; choose a new directory`);
}

/** Writes the project into `dir` (absolute); `shown` is how messages name it. */
export async function writeProject(dir: string, shown: string): Promise<void> {
  checkDestination(dir, shown);
  await mkdir(dir, { recursive: true });
  await cp(repoPath("firmware-template"), dir, { recursive: true });

  const name = packageName(dir);
  const sdk = readJson(repoPath("package.json"));
  const pkgFile = path.join(dir, "package.json");
  const pkg = JSON.parse(await readFile(pkgFile, "utf8")) as PackageJson;
  pkg.name = name;
  // The TypeScript the SDK is tested with, so the project's `tsc` agrees with the build's.
  pkg.dependencies = { tsmetal: tsmetalSpec(dir), typescript: sdk.dependencies?.typescript ?? "*" };
  await writeFile(pkgFile, JSON.stringify(pkg, null, 2) + "\n");

  const readme = path.join(dir, "README.md");
  await writeFile(readme, (await readFile(readme, "utf8")).replace(/^# my-firmware$/m, `# ${name}`));
  // Written here, not shipped in the template: npm pack leaves .gitignore and .npmrc out of a package.
  await writeFile(path.join(dir, ".gitignore"), "node_modules/\nbuild/\n");
  // As in tsmetal's own .npmrc: qjsc is wanted for its QuickJS source only, and its install
  // script (a node-gyp addon build, which downloads Node's headers) fails offline or without a prebuild.
  await writeFile(path.join(dir, ".npmrc"), "# tsmetal's dependency qjsc is used for its C source; its addon build is not wanted.\nignore-scripts=true\n");
}
