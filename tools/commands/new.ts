/**
 * npm run new -- <dir>: a firmware project from firmware-template/, wired to this tsmetal
 * checkout (its scripts call bin/tsmetal.mjs; its tsconfig sees the HAL and driver typings).
 */
import { existsSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../lib/errors.ts";
import { parseOptions } from "../lib/options.ts";
import { displayPath, repoPath, repoRoot } from "../lib/paths.ts";

export async function newCommand(argv: string[]): Promise<number> {
  const { positionals } = parseOptions(argv, {}, true);
  if (positionals.length !== 1) throw new UserError("usage: npm run new -- <dir>");
  const dir = path.resolve(positionals[0]);
  if (existsSync(dir)) throw new UserError(`${displayPath(dir)} already exists; choose a new directory`);
  await cp(repoPath("firmware-template"), dir, { recursive: true });

  const tsmetal = path.relative(dir, repoRoot) || ".";
  const cli = `node ${path.join(tsmetal, "bin/tsmetal.mjs")}`;
  const pkgFile = path.join(dir, "package.json");
  const pkg = JSON.parse(await readFile(pkgFile, "utf8"));
  pkg.name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, "-");
  for (const [k, v] of Object.entries(pkg.scripts as Record<string, string>)) {
    pkg.scripts[k] = v.replace(/^tsmetal /, `${cli} `);
  }
  await writeFile(pkgFile, JSON.stringify(pkg, null, 2) + "\n");

  const tsconfigFile = path.join(dir, "tsconfig.json");
  const tsconfig = JSON.parse(await readFile(tsconfigFile, "utf8"));
  tsconfig.include = [
    "src/**/*.ts",
    path.join(tsmetal, "hal/hal.d.ts"),
    path.join(tsmetal, "runtime/globals.d.ts"),
  ];
  tsconfig.compilerOptions.paths = { tsmetal: [path.join(tsmetal, "io/index.ts")] };
  await writeFile(tsconfigFile, JSON.stringify(tsconfig, null, 2) + "\n");

  console.log(`created ${displayPath(dir)}: cd there, edit src/main.ts, then npm run qemu`);
  return 0;
}
