// The generated docs are committed and must match their sources: tools/docs/generate.ts renders
// the API reference from the typings and the board pages' facts from board.json into a temporary
// folder, and every page must equal the one in docs/ (else: run npm run docs). Every exported
// symbol of the public modules needs a doc comment.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateDocs, staleFiles, writeDocs } from "../../../tools/docs/generate.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { boardNames } from "../../../tools/lib/boards.ts";
import { inTempDir } from "../../support/temp-dir.ts";

const test = suite("npm run docs: generated pages up to date");

const docs = generateDocs(repoPath("docs"));
docs.catch(() => undefined);

test("docs/api/ and the facts of docs/boards/ are what npm run docs generates now (run it after changing a typing or a board.json)", async () => {
  const stale = await staleFiles(await docs, repoPath("docs"));
  assert.equal(stale, [], `stale or missing under docs/ (npm run docs rewrites them): ${stale.join(", ")}`);
});

test("every exported symbol of \"tsmetal\", \"hal\", hal/register.ts and the globals has a doc comment", async () => {
  assert.equal((await docs).undocumented, []);
});

test("the reference has its pages: board(), Serial, Digital, the line reader, Canvas, watchdog, hal, register API, network, globals", async () => {
  const files = [...(await docs).files.keys()];
  for (const page of ["README", "board", "serial", "digital", "line-reader", "canvas", "watchdog", "hal", "register-api", "network", "globals"]) {
    assert.ok(files.includes(`api/${page}.md`), `api/${page}.md`);
  }
  for (const board of boardNames()) assert.ok(files.includes(`boards/${board}.md`), `boards/${board}.md`);
});

test("regenerated into a temporary folder, the pages are the committed ones byte for byte", () =>
  inTempDir("tsmetal-docs-", async (dir) => {
    const d = await docs;
    await writeDocs(d, dir);
    for (const f of d.files.keys()) assert.is(readFileSync(path.join(dir, f), "utf8"), readFileSync(repoPath("docs", f), "utf8"), f);
  }));

test.run();
