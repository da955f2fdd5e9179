/** Running host tools: presence checks that name the Debian package, and a small job pool. */
import { $, which } from "zx";
import { UserError } from "./errors.ts";
import type { Tool } from "./targets.ts";

$.quiet = true;
$.verbose = false;

const found = new Map<string, boolean>();

export async function requireTool(tool: Tool): Promise<string> {
  if (!found.has(tool.command)) {
    found.set(tool.command, (await which(tool.command, { nothrow: true })) !== null);
  }
  if (!found.get(tool.command)) {
    throw new UserError(
      `${tool.command} not found: install the Debian package ${tool.debianPackage} ` +
        `(npm run setup installs everything tsmetal needs)`,
    );
  }
  return tool.command;
}

/** Runs a command; on failure throws a UserError carrying its output. */
export async function run(cmd: string, args: string[], what: string): Promise<string> {
  const r = await $({ nothrow: true })`${cmd} ${args}`;
  if (r.exitCode !== 0) {
    throw new UserError(`${what} failed:\n${cmd} ${args.join(" ")}\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** Runs jobs with at most `width` at a time (the machines here have two cores). */
export async function pool<T>(jobs: Array<() => Promise<T>>, width = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}
