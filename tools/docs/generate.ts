/**
 * Everything `npm run docs` generates, as file → content under docs/: the API reference
 * (docs/api/, tools/docs/api.ts) and the facts section of each board's page (docs/boards/,
 * tools/docs/boards.ts). `staleFiles` compares it with what is on disk.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readPublicTypings } from "./declarations.ts";
import { renderApiPages, undocumented } from "./api.ts";
import { renderBoardPages } from "./boards.ts";

export interface GeneratedDocs {
  /** Paths relative to the docs folder (api/serial.md, boards/pizero.md) → content. */
  readonly files: ReadonlyMap<string, string>;
  /** Exported symbols without a doc comment ("module: name (source)"). */
  readonly undocumented: readonly string[];
}

/** Renders every generated page; board pages keep what `docsDir`'s copy has outside its facts. */
export async function generateDocs(docsDir: string): Promise<GeneratedDocs> {
  const typings = await readPublicTypings();
  const files = new Map<string, string>();
  for (const [f, text] of renderApiPages(typings)) files.set(`api/${f}`, text);
  for (const [f, text] of renderBoardPages(docsDir)) files.set(`boards/${f}`, text);
  return { files, undocumented: undocumented(typings) };
}

/** The generated files whose copy under `docsDir` differs or is missing, and api/ pages no longer generated. */
export async function staleFiles(docs: GeneratedDocs, docsDir: string): Promise<string[]> {
  const stale = [...docs.files].filter(([f, text]) => !existsSync(path.join(docsDir, f)) || readFileSync(path.join(docsDir, f), "utf8") !== text).map(([f]) => f);
  const apiDir = path.join(docsDir, "api");
  const extra = existsSync(apiDir) ? (await readdir(apiDir)).map((f) => `api/${f}`).filter((f) => !docs.files.has(f)) : [];
  return [...stale, ...extra].sort();
}

/** Writes the generated files under `docsDir`; api/ holds exactly the generated pages. */
export async function writeDocs(docs: GeneratedDocs, docsDir: string): Promise<void> {
  await rm(path.join(docsDir, "api"), { recursive: true, force: true });
  for (const [f, text] of docs.files) {
    await mkdir(path.dirname(path.join(docsDir, f)), { recursive: true });
    await writeFile(path.join(docsDir, f), text);
  }
}
