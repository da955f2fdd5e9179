/**
 * tsmetal new <dir> (npm run new -- <dir> in a checkout): a firmware project that depends on
 * tsmetal as an npm package (tools/lib/new-project.ts).
 */
import path from "node:path";
import { UserError } from "../lib/errors.ts";
import { parseOptions } from "../lib/options.ts";
import { writeProject } from "../lib/new-project.ts";

/**
 * The caller's working directory: `npm run` starts scripts in the package's root and keeps the
 * caller's in INIT_CWD (npm's run-script documentation). INIT_CWD is inherited by everything an
 * npm script starts, so it is only trusted when this is the `new` script itself.
 */
function callerDir(): string {
  const init = process.env.INIT_CWD;
  return init && process.env.npm_lifecycle_event === "new" ? init : process.cwd();
}

export async function newCommand(argv: string[]): Promise<number> {
  const { positionals } = parseOptions(argv, {}, true);
  if (positionals.length !== 1) throw new UserError("usage: tsmetal new <dir> (npm run new -- <dir>)");
  const caller = callerDir();
  const dir = path.resolve(caller, positionals[0]);
  // Named as the caller typed it: relative to where they are when it lies inside.
  const rel = path.relative(caller, dir);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : dir;
  await writeProject(dir, shown);
  console.log(`created ${shown}: cd ${shown} && npm install, then edit src/main.ts and npm run qemu`);
  return 0;
}
