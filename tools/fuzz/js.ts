/**
 * The JS half of the fuzz: JSON.parse, JSON.stringify and RegExp cases generated from a seed
 * (js/generate.ts), their expected outcomes computed by Node (js/oracle.ts), then run on a target
 * as firmware (js/app.ts): a board under QEMU, a Linux board as a process, or `sim`/`sim:<board>`
 * in the simulator. Every case's line is compared with Node's (js/compare.ts); a case that
 * crashed the firmware, hung it, or was never reported is a failure too, and the run resumes after
 * it so that one crash does not hide the rest. Failures name the seed and the case index, which
 * reproduce them: case i depends only on (seed, i).
 */
import path from "node:path";
import { buildFirmware } from "../lib/build.ts";
import { runQemu, type QemuResult } from "../lib/qemu.ts";
import { runLinux } from "../lib/linux.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { loadBoard } from "../lib/boards.ts";
import { buildRoot } from "../lib/paths.ts";
import { UserError } from "../lib/errors.ts";
import { runSim } from "../sim/run.ts";
import type { Case } from "./js/cases.ts";
import { caseCost, DEFAULT_MAX_DEPTH, generateCases } from "./js/generate.ts";
import { oracle } from "./js/oracle.ts";
import { judgeBoot, type IndexedCase } from "./js/compare.ts";
import { asciiLiteral, writeApp } from "./js/app.ts";

export interface FuzzJsOptions {
  /** A board name (QEMU or Linux), or "sim" / "sim:<board>" for the simulator (default board pizero). */
  board: string;
  seed: number;
  /** How many cases. */
  iterations: number;
  log: (line: string) => void;
  /** The deepest nesting a case may have (default 50,000). */
  maxDepth?: number;
  /** Only these case indices (to reproduce a failure); the others are generated but not run. */
  only?: number[];
}

/** What one boot may carry: its cases' recipes (bytecode and image size) and their work. */
const MAX_BOOT_DATA_BYTES = 48 * 1024;
const MAX_BOOT_COST = 4000;
/** Boots after a crash or hang, to run the cases behind it; past that they are left unrun (and logged). */
const MAX_RESUMES = 2;
/** Seconds a boot may run (QEMU only, the build is not counted): a base for booting and the
    small cases, plus per unit of caseCost (on a loaded 2-core host, 200 small cases run in ~3 s). */
const BOOT_TIMEOUT_BASE_S = 15;
const BOOT_TIMEOUT_PER_COST_S = 0.02;

type Indexed = IndexedCase;

type Target = { kind: "qemu" | "linux"; board: string } | { kind: "sim"; board: string };

function targetOf(name: string): Target {
  if (name === "sim" || name.startsWith("sim:")) {
    const board = name === "sim" ? "pizero" : name.slice(4);
    loadBoard(board);
    return { kind: "sim", board };
  }
  return { kind: loadBoard(name).target.linux ? "linux" : "qemu", board: name };
}

/** Splits cases into boots by recipe size and estimated work. */
export function splitIntoBoots(cases: Indexed[]): Indexed[][] {
  const boots: Indexed[][] = [];
  let current: Indexed[] = [];
  let bytes = 0;
  let cost = 0;
  for (const x of cases) {
    const b = asciiLiteral(x.c).length;
    const w = caseCost(x.c);
    if (current.length > 0 && (bytes + b > MAX_BOOT_DATA_BYTES || cost + w > MAX_BOOT_COST)) {
      boots.push(current);
      current = [];
      bytes = 0;
      cost = 0;
    }
    current.push(x);
    bytes += b;
    cost += w;
  }
  if (current.length > 0) boots.push(current);
  return boots;
}

/** Builds the cases into a firmware for the target and runs it under a timeout. */
async function boot(target: Target, cases: Indexed[], seed: number, timeoutS: number): Promise<QemuResult> {
  const tag = target.kind === "sim" ? `sim-${target.board}` : target.board;
  const app = await writeApp(tag, cases, seed);
  if (target.kind === "sim") return runSim({ board: target.board, app, timeoutS, input: "", onOutput: () => {} });
  const fw = await buildFirmware({ board: target.board, app, out: path.join(buildRoot, "fuzz-js", tag, "out") });
  const common = { board: fw.board, timeoutS, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} };
  return target.kind === "linux" ? runLinux({ ...common, executable: fw.image }) : runQemu({ ...common, elf: fw.elf });
}

const summary = (c: Case): string => {
  const s = asciiLiteral(c);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

export async function fuzzJsWith(opts: FuzzJsOptions): Promise<{ failures: string[] }> {
  if (!Number.isSafeInteger(opts.seed)) throw new UserError(`the fuzz seed must be an integer, got ${opts.seed}`);
  if (!Number.isSafeInteger(opts.iterations) || opts.iterations < 0) throw new UserError(`the fuzz iterations must be a whole number, got ${opts.iterations}`);
  const bad = opts.only?.find((i) => !Number.isSafeInteger(i) || i < 0 || i >= opts.iterations);
  if (bad !== undefined) throw new UserError(`case ${bad} is not among the ${opts.iterations} cases of this run`);
  const target = targetOf(opts.board);
  const all = generateCases({ seed: opts.seed, count: opts.iterations, maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH });
  const only = opts.only ? new Set(opts.only) : undefined;
  const chosen = all.map((c, index) => ({ index, c })).filter((x) => !only || only.has(x.index));
  const expected = await oracle(chosen.map((x) => x.c));
  const expectedOf = new Map(chosen.map((x, i) => [x.index, expected[i]]));
  const failures: string[] = [];
  const fail = (index: number, why: string) => failures.push(`seed ${opts.seed} case ${index} ${summary(all[index])}: ${why}`);
  const queue = splitIntoBoots(chosen);
  let boots = 0;
  let resumes = 0;
  let passed = 0;
  while (queue.length > 0) {
    const cases = queue.shift() as Indexed[];
    const timeoutS = Math.ceil(BOOT_TIMEOUT_BASE_S + BOOT_TIMEOUT_PER_COST_S * cases.reduce((s, x) => s + caseCost(x.c), 0));
    const started = Date.now();
    const r = await boot(target, cases, opts.seed, timeoutS);
    boots++;
    const v = judgeBoot(cases, expectedOf, r, timeoutS);
    for (const [index, why] of v.failures) fail(index, why);
    passed += v.passed;
    // The failures' full text is the result (npm run fuzz prints it); here, which cases and how.
    const failed = v.failures.map(([i, why]) => `${i} (${why.split(/[:(;]/)[0].trim()})`).join(", ");
    opts.log(
      `js fuzz ${opts.board} seed ${opts.seed}: boot ${boots}, cases ${cases[0].index}..${cases[cases.length - 1].index}: ` +
        `${v.reported} reported, exit ${r.code}${r.timedOut ? " (timed out)" : ""}, ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (failed ? `; failed: ${failed}` : ""),
    );
    if (v.missing) {
      const rest = cases.slice(cases.indexOf(v.missing) + 1);
      if (rest.length > 0 && resumes < MAX_RESUMES) {
        resumes++;
        queue.unshift(rest);
      } else if (rest.length > 0) {
        opts.log(`js fuzz: cases ${rest[0].index}..${rest[rest.length - 1].index} not run: ${MAX_RESUMES} boots already resumed after a crash or hang`);
      }
    }
  }
  opts.log(`js fuzz ${opts.board} seed ${opts.seed}: ${passed}/${chosen.length} cases as Node, ${failures.length} failures, ${boots} boots`);
  return { failures };
}

/** The `npm run fuzz` entry point: `iterations` cases from `seed` on `board`. */
export async function fuzzJs(opts: { board: string; seed: number; iterations: number; log: (line: string) => void }): Promise<{ failures: string[] }> {
  return fuzzJsWith(opts);
}
