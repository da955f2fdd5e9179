/**
 * npm run conformance -- --board <name> [--timeout <s>] [--update-docs]: QuickJS's test files on
 * a board (tools/conformance/). Exits 1 if any case did not do what docs/compatibility.md expects.
 */
import { runConformance, asExpected } from "../conformance/run.ts";
import { updateCompatibilityDoc } from "../conformance/docs.ts";
import { loadBoard, DEFAULT_BOARD } from "../lib/boards.ts";
import { parseOptions, parseTimeout } from "../lib/options.ts";

export const conformanceOptions = {
  board: { type: "string", default: DEFAULT_BOARD },
  timeout: { type: "string", default: "180" },
  "update-docs": { type: "boolean" },
} as const;

export async function conformanceCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, conformanceOptions);
  const timeoutS = parseTimeout(values.timeout);
  loadBoard(values.board);
  const results = await runConformance(values.board, timeoutS, (line) => console.log(line));
  if (values["update-docs"]) await updateCompatibilityDoc(values.board, results);
  const unexpected = results.filter((r) => !asExpected(r));
  console.log(`${results.length - unexpected.length}/${results.length} as expected on ${values.board}`);
  return unexpected.length ? 1 : 0;
}
