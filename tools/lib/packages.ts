/**
 * The npm packages the build runs or reads, found through Node's module resolution rather than at
 * fixed paths under this checkout: installed as a dependency, tsmetal's own dependencies (tsc,
 * qjsc's QuickJS source) are hoisted beside it into the project's node_modules, not inside it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { UserError } from "./errors.ts";
import { projectRoot } from "./paths.ts";

/** The folder of `name` as seen from `from` (a file), or undefined when it does not resolve. */
function packageDirFrom(from: string, name: string): string | undefined {
  try {
    // Every package we look up exports (or, with no "exports", exposes) its package.json.
    return path.dirname(createRequire(from).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** The folder of one of tsmetal's own dependencies, or undefined when it is not installed. */
export const sdkPackageDir = (name: string): string | undefined => packageDirFrom(import.meta.url, name);

const notInstalled = (name: string): UserError =>
  new UserError(`the npm package ${name} (a dependency of tsmetal) is not installed: run npm install (in a tsmetal checkout, npm run setup)`);

/**
 * The TypeScript compiler's entry script: the project's own `typescript` when it has one (its
 * version is the one its editor and `npm test` use), else the one tsmetal depends on.
 */
export function tscScript(): string {
  const dir = packageDirFrom(path.join(projectRoot, "package.json"), "typescript") ?? sdkPackageDir("typescript");
  if (!dir) throw notInstalled("typescript");
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { bin?: Record<string, string> | string };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.tsc;
  if (!bin) throw new UserError(`${dir} has no tsc: is it the TypeScript compiler package?`);
  return path.join(dir, bin);
}
