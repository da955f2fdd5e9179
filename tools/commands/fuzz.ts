/**
 * npm run fuzz -- [--board pizero] [--seed 1] [--iterations 80] [--js-iterations N] [--region R[,R...]] [--timeout 20]
 * The image fuzz (tools/fuzz/image.ts): damaged bytecode images and engine snapshots must all be
 * refused with exit 2, never accepted, hung or faulted; then the JS-level fuzz
 * (tools/fuzz/js.ts). --iterations counts damaged images, --js-iterations JS cases (default: the
 * same). Deterministic for a seed. Prints a per-region summary and exits 1 on any failure.
 * --region picks image regions (header, table, main, unit:<name>, snapshot-header, snapshot,
 * bytecode-trailing, snapshot-trailing) or "js"; without it, everything runs.
 */
import { DEFAULT_BOARD, loadBoard } from "../lib/boards.ts";
import { UserError } from "../lib/errors.ts";
import { parseCount, parseOptions, parseTimeout } from "../lib/options.ts";
import { fuzzImage, summary } from "../fuzz/image.ts";
import { fuzzJs } from "../fuzz/js.ts";

export const fuzzOptions = {
  board: { type: "string", default: DEFAULT_BOARD },
  seed: { type: "string", default: "1" },
  iterations: { type: "string", default: "80" },
  "js-iterations": { type: "string" },
  region: { type: "string" },
  timeout: { type: "string", default: "20" },
} as const;

export async function fuzzCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, fuzzOptions);
  const board = values.board;
  loadBoard(board); // an unknown board is refused with the list of known ones
  if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff) {
    throw new UserError(`--seed takes a whole number from 0 to 4294967295; got '${values.seed}'`);
  }
  const seed = Number(values.seed);
  const iterations = parseCount("iterations", values.iterations);
  const jsIterations = values["js-iterations"] === undefined ? iterations : parseCount("js-iterations", values["js-iterations"]);
  const timeoutS = parseTimeout(values.timeout);
  const regions = values.region?.split(",").map((r) => r.trim());
  if (regions?.some((r) => r === "")) throw new UserError(`--region takes region names separated by commas; got '${values.region}'`);
  const wantJs = !regions || regions.includes("js");
  const imageRegions = regions?.filter((r) => r !== "js");
  const log = (line: string) => console.log(line);

  const failures: string[] = [];
  if (!regions || (imageRegions && imageRegions.length > 0)) {
    const result = await fuzzImage({ board, seed, iterations, regions: imageRegions?.length ? imageRegions : undefined, timeoutS, log });
    for (const line of summary(result)) log(line);
    failures.push(...result.failures.map((f) => `image: ${f}`));
  }
  if (wantJs) {
    const js = await fuzzJs({ board, seed, iterations: jsIterations, log });
    failures.push(...js.failures.map((f) => `js: ${f}`));
  }
  for (const f of failures) console.error(`FAIL ${f}`);
  console.log(failures.length === 0 ? `fuzz ${board} seed ${seed}: no failures` : `fuzz ${board} seed ${seed}: ${failures.length} failure(s)`);
  return failures.length === 0 ? 0 : 1;
}
