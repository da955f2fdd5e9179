/** Running host tools: presence checks that name the Debian package, and a small job pool. */
import { availableParallelism } from "node:os";
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

export interface PoolOptions {
  /** Jobs at a time; default one per core the OS gives this process (os.availableParallelism()). */
  readonly width?: number;
  /** Called as each job finishes, with how many have and of how many (a cold build's progress). */
  readonly onDone?: (done: number, total: number, index: number) => void;
}

/** Runs jobs with at most `width` at a time; results in the jobs' order. */
export async function pool<T>(jobs: Array<() => Promise<T>>, widthOrOptions: number | PoolOptions = {}): Promise<T[]> {
  const options = typeof widthOrOptions === "number" ? { width: widthOrOptions } : widthOrOptions;
  const width = Math.max(1, options.width ?? availableParallelism());
  const results: T[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
      options.onDone?.(++done, jobs.length, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

/**
 * A counting semaphore: `slots(fn)` runs fn when fewer than `n` others it started are running.
 * The engine and the host compiler build side by side on a cold build, each from its own pool;
 * their compiler processes share one of these so that together they use every core, not twice.
 */
export function semaphore(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
