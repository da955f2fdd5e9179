/**
 * The oracle comparison: a case passes when the firmware's line says what Node's does (the same
 * result fingerprint, or an error of the same constructor; messages differ between engines), or,
 * for a case nested deeper than DEPTH_SENSITIVE, when the firmware ran out of stack with a
 * RangeError or InternalError that says so. Anything else — a wrong result, another error, a
 * stack error on a shallow case, a missing or garbled line — is a failure.
 */
import type { Case } from "./cases.ts";
import { caseDepth, DEPTH_SENSITIVE } from "./generate.ts";
import { DONE, LINE_PREFIX } from "./runner.ts";

export type Outcome = { kind: "ok"; fingerprint: string } | { kind: "err"; name: string; stack: boolean; message: string };

/** Errors an engine may throw when its stack runs out (V8: RangeError, QuickJS: InternalError). */
const STACK_ERRORS = new Set(["RangeError", "InternalError"]);

/** Parses runner.ts runCase's line; undefined if it is not one. */
export function parseOutcome(line: string): Outcome | undefined {
  const ok = /^ok ([0-9a-f]{8}:\d+)$/.exec(line);
  if (ok) return { kind: "ok", fingerprint: ok[1] };
  const err = /^err (\S+) ([s-]) ?(.*)$/.exec(line);
  if (err) return { kind: "err", name: err[1], stack: err[2] === "s", message: err[3] };
  return undefined;
}

/** Why the firmware's `actual` line for case `c` is wrong, or undefined when it is right. */
export function judge(c: Case, expected: string, actual: string): string | undefined {
  const want = parseOutcome(expected);
  const got = parseOutcome(actual);
  if (!want) throw new Error(`the oracle's line is not a result: '${expected}'`);
  if (!got) return `garbled result line '${actual}' (expected '${expected}')`;
  if (got.kind === "err" && STACK_ERRORS.has(got.name) && got.stack && caseDepth(c) > DEPTH_SENSITIVE) return undefined;
  if (want.kind === "ok" && got.kind === "ok") {
    return want.fingerprint === got.fingerprint ? undefined : `wrong result: fingerprint ${got.fingerprint}, Node's is ${want.fingerprint}`;
  }
  if (want.kind === "err" && got.kind === "err") {
    return want.name === got.name ? undefined : `threw ${got.name} (${got.message}), Node throws ${want.name} (${want.message})`;
  }
  if (want.kind === "ok" && got.kind === "err") return `threw ${got.name} (${got.message}), Node returns a result`;
  return `returned a result, Node throws ${want.kind === "err" ? `${want.name} (${want.message})` : "?"}`;
}

export interface RunLines {
  /** Each reported case's outcome line, by case index. */
  results: Map<number, string>;
  /** Whether the run reached its end (the `done` line). */
  done: boolean;
  /** Console lines that are not results (boot messages, an uncaught error, a fault dump). */
  other: string[];
}

/** Picks the result lines out of a firmware's console output. */
export function parseRunOutput(output: string): RunLines {
  const results = new Map<number, string>();
  let done = false;
  const other: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (!line.startsWith(`${LINE_PREFIX} `)) {
      if (line.trim()) other.push(line);
      continue;
    }
    const rest = line.slice(LINE_PREFIX.length + 1);
    if (rest.startsWith(`${DONE} `)) {
      done = true;
      continue;
    }
    const m = /^(\d+) (.*)$/.exec(rest);
    if (m) results.set(Number(m[1]), m[2]);
    else other.push(line);
  }
  return { results, done, other };
}

export interface IndexedCase {
  index: number;
  c: Case;
}

export interface BootVerdict {
  /** [case index, why] for every case that did not do what Node does. */
  failures: Array<[number, string]>;
  passed: number;
  reported: number;
  /** The first case without a result line: the one that crashed or hung the firmware. */
  missing?: IndexedCase;
}

/**
 * Judges one boot: each case's line against Node's, then how the firmware ended. A case with no
 * line is the one the firmware crashed or hung on (the runner prints each line as it finishes); a
 * firmware that reported everything must still have finished and exited 0.
 */
export function judgeBoot(
  cases: IndexedCase[],
  expectedOf: ReadonlyMap<number, string>,
  r: { output: string; code: number; timedOut: boolean; stderr: string },
  timeoutS: number,
): BootVerdict {
  const run = parseRunOutput(r.output);
  const v: BootVerdict = { failures: [], passed: 0, reported: 0 };
  for (const x of cases) {
    const line = run.results.get(x.index);
    if (line === undefined) {
      v.missing = x;
      break;
    }
    v.reported++;
    const expected = expectedOf.get(x.index);
    if (expected === undefined) throw new Error(`no expected outcome for case ${x.index}`);
    const why = judge(x.c, expected, line);
    if (why) v.failures.push([x.index, why]);
    else v.passed++;
  }
  const tail = run.other.slice(-4).join(" / ");
  const shown = tail ? `; console: ${tail}` : "";
  if (v.missing) {
    const how = r.timedOut ? `hung: no result within ${timeoutS} s` : `the firmware ended (exit ${r.code}) without reporting it`;
    const stderr = r.stderr.trim() ? `; stderr: ${r.stderr.trim().slice(0, 200)}` : "";
    v.failures.push([v.missing.index, `${how}${shown}${stderr}`]);
  } else if (r.code !== 0 || !run.done) {
    const last = cases[cases.length - 1].index;
    v.failures.push([last, `all cases reported, but the firmware ${run.done ? "" : "did not finish and "}exited ${r.code}${shown}`]);
  }
  return v;
}
