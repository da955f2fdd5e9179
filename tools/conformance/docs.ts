/**
 * docs/compatibility.md's results table: one row per conformance case, one column per board.
 * `npm run conformance -- --board <b> --update-docs` rewrites that board's column and keeps the
 * others; the expected failures and their reasons are listed under the table.
 */
import { readFile, writeFile } from "node:fs/promises";
import { repoPath } from "../lib/paths.ts";
import { conformanceCases } from "./files.ts";
import type { ConformanceResult } from "./run.ts";

const DOC = repoPath("docs/compatibility.md");
const START = "<!-- conformance-table:start (npm run conformance -- --board <b> --update-docs) -->";
const END = "<!-- conformance-table:end -->";

type Table = Map<string, Map<string, string>>; // board -> case -> cell

function parse(section: string): Table {
  const rows = section.split("\n").filter((l) => l.startsWith("|"));
  const table: Table = new Map();
  if (rows.length < 2) return table;
  const cells = (l: string) => l.split("|").slice(1, -1).map((c) => c.trim());
  const boards = cells(rows[0]).slice(1).map((b) => b.replace(/`/g, ""));
  for (const b of boards) table.set(b, new Map());
  for (const row of rows.slice(2)) {
    const [name, ...values] = cells(row);
    values.forEach((v, i) => table.get(boards[i])?.set(name.replace(/`/g, ""), v));
  }
  return table;
}

function render(table: Table): string {
  const boards = [...table.keys()];
  const head = `| case | ${boards.map((b) => `\`${b}\``).join(" | ")} |`;
  const rule = `| --- | ${boards.map(() => "---").join(" | ")} |`;
  const rows = conformanceCases.map((c) => `| \`${c.name}\` | ${boards.map((b) => table.get(b)?.get(c.name) ?? "not run").join(" | ")} |`);
  const reasons = conformanceCases
    .filter((c) => c.expectedFailure)
    .map((c) => `- \`${c.name}\` fails by design: ${c.expectedFailure}.`);
  return [head, rule, ...rows, "", ...reasons].join("\n");
}

export async function updateCompatibilityDoc(board: string, results: ConformanceResult[]): Promise<void> {
  await writeFile(DOC, withBoardColumn(await readFile(DOC, "utf8"), board, results));
}

/** `doc` with `board`'s column of the results table set from `results` (other columns kept). */
export function withBoardColumn(doc: string, board: string, results: ConformanceResult[]): string {
  const a = doc.indexOf(START), z = doc.indexOf(END);
  if (a < 0 || z < a) throw new Error("docs/compatibility.md: the conformance table markers are missing");
  const table = parse(doc.slice(a + START.length, z));
  const column = new Map<string, string>();
  for (const r of results) column.set(r.case.name, r.passed ? "pass" : r.case.expectedFailure ? "fails (expected)" : `**FAIL**: ${r.detail.replace(/\|/g, "\\|")}`);
  table.set(board, column);
  return doc.slice(0, a + START.length) + "\n" + render(table) + "\n" + doc.slice(z);
}
