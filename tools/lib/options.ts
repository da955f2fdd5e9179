/**
 * Command-line option values, checked before anything is built or run: every command parses its
 * options here, so a repeated or empty option, a malformed --timeout or an --app that is not a
 * source file is refused with a message naming the option, not half-used.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util parseArgs (strict: unknown options, missing values and stray arguments are its
 * errors), and also refused: an option given twice unless declared `multiple` (parseArgs would keep the last silently) and
 * an empty value (`--out=` would mean the working directory).
 */
export function parseOptions<O extends Options>(args: string[], options: O, allowPositionals = false) {
  const parsed = parseArgs({ args, options, strict: true, allowPositionals, tokens: true });
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    // A `multiple` option (--forward) is meant to repeat.
    if (seen.has(t.name) && !options[t.name]?.multiple) throw new UserError(`--${t.name} is given more than once; give it once`);
    seen.add(t.name);
    if (t.value === "") throw new UserError(`--${t.name} needs a value, got an empty one`);
  }
  return parsed;
}

/**
 * The longest --timeout: Node's timers take at most 2^31 - 1 ms and fire after 1 ms beyond that
 * (Node's timers documentation, setTimeout), which would stop a run at once. 2147483 s is
 * 24 days, 20 h.
 */
export const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

/** --timeout in seconds: a positive decimal number (60, 0.5) up to MAX_TIMEOUT_S. */
export function parseTimeout(text: string): number {
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(s > 0) || s > MAX_TIMEOUT_S) {
    throw new UserError(`--timeout takes seconds, a number greater than 0 and at most ${MAX_TIMEOUT_S} (24.8 days); got '${text}'`);
  }
  return s;
}

/** --timeout of qemu, sim and linux when standard input is not a terminal (tests, CI, pipes). */
export const RUN_TIMEOUT_DEFAULT_S = 60;

/**
 * --timeout of the commands that run a firmware until it ends (qemu, sim, linux), in seconds;
 * Infinity for none. `--timeout 0` is none; without the option there is none when standard input
 * is a terminal (a person is there, who ends the run with Ctrl-C), else RUN_TIMEOUT_DEFAULT_S, so
 * that an unattended run cannot hang.
 */
export function parseRunTimeout(text: string | undefined, stdinIsTerminal: boolean): number {
  if (text === undefined) return stdinIsTerminal ? Infinity : RUN_TIMEOUT_DEFAULT_S;
  if (/^0+(\.0+)?$/.test(text)) return Infinity;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > MAX_TIMEOUT_S) {
    throw new UserError(`--timeout takes seconds, 0 for none or a number greater than 0 and at most ${MAX_TIMEOUT_S} (24.8 days); got '${text}'`);
  }
  return Number(text);
}

/** A whole number of at least 1 (--profile's function count). */
export function parseCount(option: string, text: string, max = 1_000_000): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new UserError(`--${option} takes a whole number from 1 to ${max}; got '${text}'`);
  return n;
}

/** What esbuild and tsc take as an entry module. */
export const APP_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs"];

/**
 * Refuses an --app that is missing, not a regular file, or not a TypeScript/JavaScript module by
 * its name, before the TypeScript compiler sees it (tsc 7 panics on some non-source files).
 * Returns the absolute path.
 */
export function checkAppFile(app: string): string {
  const abs = path.resolve(app);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new UserError(`--app ${app}: no such file`);
  }
  if (st.isDirectory()) throw new UserError(`--app ${app}: is a directory; name the entry module (e.g. ${path.join(app, "main.ts")})`);
  const ext = path.extname(abs).toLowerCase();
  if (!st.isFile() || !APP_EXTENSIONS.includes(ext) || abs.endsWith(".d.ts")) {
    throw new UserError(`--app ${app}: not a TypeScript or JavaScript module; the entry must be a file ending in ${APP_EXTENSIONS.join(", ")}`);
  }
  return abs;
}

/** Refuses an --out that is, or lies under, something other than a directory (mkdir would fail
    with a stack trace). Returns the absolute path. */
export function checkOutDir(out: string): string {
  const abs = path.resolve(out);
  for (let p = abs; ; p = path.dirname(p)) {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (p === path.dirname(p)) return abs;
      continue;
    }
    if (!st.isDirectory()) throw new UserError(`--out ${out}: ${p === abs ? "exists and is not a directory" : `${p} is not a directory`}`);
    return abs;
  }
}
