/**
 * `tsmetal docs`: regenerates the API reference (docs/api/) from the typings and the facts of
 * each board's page (docs/boards/) from board.json (tools/docs/). `--check` writes nothing and
 * exits 1 naming the stale pages; an exported symbol without a doc comment is an error either way.
 */
import { displayPath, repoPath } from "../lib/paths.ts";
import { parseOptions } from "../lib/options.ts";
import { UserError } from "../lib/errors.ts";
import { generateDocs, staleFiles, writeDocs } from "../docs/generate.ts";

export const docsOptions = {
  check: { type: "boolean", default: false },
  out: { type: "string" },
} as const;

export async function docsCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, docsOptions);
  const docsDir = values.out ?? repoPath("docs");
  const docs = await generateDocs(repoPath("docs"));
  if (docs.undocumented.length) {
    throw new UserError(`exported without a doc comment (add a /** ... */ above each):\n  ${docs.undocumented.join("\n  ")}`);
  }
  if (values.check) {
    const stale = await staleFiles(docs, docsDir);
    if (stale.length) {
      console.error(`stale in ${displayPath(docsDir)} (run npm run docs):\n  ${stale.join("\n  ")}`);
      return 1;
    }
    console.log(`${displayPath(docsDir)}: ${docs.files.size} generated pages up to date`);
    return 0;
  }
  await writeDocs(docs, docsDir);
  console.log(`${displayPath(docsDir)}: wrote ${docs.files.size} pages (api/ and the facts of boards/)`);
  return 0;
}
