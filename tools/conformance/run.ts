/**
 * Runs the conformance cases on a board: one firmware per case (eval compiled in), each booted
 * under QEMU, or run as a process on a Linux board, with a timeout. A case passes when the
 * firmware prints the pass line and exits 0.
 */
import { buildFirmware, type Firmware } from "../lib/build.ts";
import { runQemu, type QemuResult } from "../lib/qemu.ts";
import { runLinux } from "../lib/linux.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { conformanceApp, RESULT_PREFIX } from "./app.ts";
import { conformanceCases, type ConformanceCase } from "./files.ts";

export interface ConformanceResult {
  case: ConformanceCase;
  passed: boolean;
  /** The failure as the firmware reported it (first lines), or the exit status. */
  detail: string;
}

/** Whether the result is what the suite expects (a pass, or a listed expected failure). */
export const asExpected = (r: ConformanceResult): boolean => r.passed === (r.case.expectedFailure === undefined);

export async function runConformance(board: string, timeoutS: number, log: (line: string) => void): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const c of conformanceCases) {
    const fw = await buildFirmware({ board, app: await conformanceApp(c), enableEval: true });
    const r = await run(fw, timeoutS);
    const passed = r.code === 0 && r.output.includes(`${RESULT_PREFIX} pass\n`);
    const detail = passed
      ? ""
      : r.timedOut
        ? `no result within ${timeoutS} s`
        : (r.output.split("\n").find((l) => l.startsWith(`${RESULT_PREFIX} FAIL `))?.slice(RESULT_PREFIX.length + 6) ??
          `exit ${r.code}: ${r.output.trim().split("\n").slice(-3).join(" / ")}`);
    const result = { case: c, passed, detail };
    results.push(result);
    log(`${c.name.padEnd(30)} ${passed ? "pass" : "FAIL"}${asExpected(result) ? "" : "  (unexpected)"}${detail ? `  ${detail}` : ""}`);
  }
  return results;
}

function run(fw: Firmware, timeoutS: number): Promise<QemuResult> {
  const common = { board: fw.board, timeoutS, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} };
  return fw.board.target.linux ? runLinux({ ...common, executable: fw.image }) : runQemu({ ...common, elf: fw.elf });
}
