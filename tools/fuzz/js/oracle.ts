/**
 * The oracle: the fuzz cases run by the same runner (runner.ts) in Node, whose V8 gives the
 * expected line of each case. It runs in a worker thread with a 256 MB stack, so that V8 computes
 * the real result of a 50,000-deep JSON.stringify instead of stopping at its default stack; the
 * firmware's line is then checked against a result, not against another engine's stack limit.
 */
import { Worker } from "node:worker_threads";
import { scriptBundle } from "../../lib/script-bundle.ts";
import type { Case } from "./cases.ts";

const ORACLE_STACK_MB = 256;
const ORACLE_HEAP_MB = 2048;
const ORACLE_TIMEOUT_MS = 120_000;

/** runner.ts as a script defining `runner` (esbuild, as the firmware gets it bundled). */
const runnerSource = (): Promise<string> => scriptBundle("tools/fuzz/js/runner.ts", { globalName: "runner" });

/** The expected outcome of each case (runner.ts runCase's line, without index). */
export async function oracle(cases: Case[]): Promise<string[]> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
${await runnerSource()}
parentPort.postMessage(workerData.cases.map((c) => runner.runCase(c)));`,
    { eval: true, workerData: { cases }, resourceLimits: { stackSizeMb: ORACLE_STACK_MB, maxOldGenerationSizeMb: ORACLE_HEAP_MB } },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<string[]>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the oracle (Node) did not finish ${cases.length} cases within ${ORACLE_TIMEOUT_MS / 1000} s`)), ORACLE_TIMEOUT_MS);
      worker.on("message", (lines: string[]) => resolve(lines));
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`the oracle worker exited with ${code} before answering`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
