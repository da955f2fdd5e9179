// The unit step of ci/test.ts runs every *.test.ts under test/ but the boot, simulator, fixture
// and support folders; each of those tests sits at the path of the source it tests, so a file's
// test is found in one guess: test/X/Y.test.ts tests X/Y.ts (or X/Y.c, X/Y.mjs, the rules of a
// document X/Y.md, or the folder X/Y/ as a whole) and names that source, in an import or, for C
// compiled by the test or a document, in its text.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "uvu/parse";
import { repoPath } from "../../tools/lib/paths.ts";

const SOURCE_ENDINGS = [".ts", ".c", ".mjs", ".md"];

/** A TypeScript double-quoted string literal's value (the subset JSON shares: "\\." and the like). */
const literal = (quoted: string): string => JSON.parse(quoted) as string;

/** The file pattern and ignore patterns ci/test.ts gives uvu for its "unit tests" step. */
function unitStep(): { pattern: string; ignore: string[] } {
  const runner = readFileSync(repoPath("ci/test.ts"), "utf8");
  const pattern = /uvu\/bin\.js"\), dir, ("(?:[^"\\]|\\.)*")/.exec(runner);
  const step = /name: "unit tests", cmd: uvu\("test"((?:, "(?:[^"\\]|\\.)*")*)\)/.exec(runner);
  assert.ok(pattern && step, "ci/test.ts: the uvu file pattern or the \"unit tests\" step is not where this test looks for it");
  const ignore = [...step[1].matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) => literal(m[0]));
  return { pattern: literal(pattern[1]), ignore };
}

/**
 * What is wrong with the unit test at `name` (relative to test/, e.g. "io/serial.test.ts") whose
 * text is `text`, or null when it mirrors a source it names. `isFile`/`isDir` look in the repository.
 */
function layoutProblem(name: string, text: string, isFile: (p: string) => boolean, isDir: (p: string) => boolean): string | null {
  const stem = name.replace(/\\/g, "/").replace(/\.test\.ts$/i, "");
  const sources = [...SOURCE_ENDINGS.map((e) => stem + e).filter(isFile), ...(isDir(stem) ? [`${stem}/`] : [])];
  if (sources.length === 0) {
    return `test/${name}: no source ${[...SOURCE_ENDINGS.map((e) => stem + e), `${stem}/`].join(", ")}; move it to test/<source path without the extension>.test.ts`;
  }
  const named = namedPaths(`test/${stem}`, text);
  if (!sources.some((s) => named.some((n) => (s.endsWith("/") ? n.startsWith(s) : n === s)))) {
    return `test/${name}: does not name ${sources.join(" or ")}, the source at its path; import from it, or name it where the test says what it covers`;
  }
  return null;
}

/**
 * The repository paths a test's text names: its relative imports (and other "./" or "../"
 * strings) resolved from the test's folder, and paths written from the repository root
 * (repoPath("engine/src/alloc.c"), or one in a comment), which start a word.
 */
function namedPaths(testStem: string, text: string): string[] {
  const relative = [...text.matchAll(/["'`](\.{1,2}\/[^"'`\s]+)["'`]/g)].map((m) => path.posix.join(path.posix.dirname(testStem), m[1]));
  const rooted = [...text.matchAll(/(?<![\w./-])[\w-]+(?:\/[\w.-]+)+\/?/g)].map((m) => m[0]);
  return [...relative, ...rooted];
}

const isFile = (p: string): boolean => existsSync(repoPath(p)) && statSync(repoPath(p)).isFile();
const isDir = (p: string): boolean => existsSync(repoPath(p)) && statSync(repoPath(p)).isDirectory();

test("every unit test sits at the path of a source file or folder, and names that source", async () => {
  const { pattern, ignore } = unitStep();
  const { suites } = await parse("test", pattern, { cwd: repoPath(), ignore });
  const names = suites.map((s) => s.name);
  assert.ok(names.includes(path.join("ci", "test.test.ts")), `the unit step runs this file: ${names.join(" ")}`);
  assert.ok(!names.some((n) => /^(qemu|sim|fixtures|support)\//.test(n)), "boot, simulator, fixture and support files are not unit tests");
  const problems = suites.map((s) => layoutProblem(s.name, readFileSync(s.file, "utf8"), isFile, isDir)).filter((p) => p !== null);
  assert.equal(problems, []);
});

test("the check refuses a test at a placeholder path or one that does not name its source", () => {
  const files = new Set(["drivers/otp/imx-ocotp.ts", "engine/src/alloc.c", "tools/lib/options.ts"]);
  const dirs = new Set(["tools/fuzz/js"]);
  const check = (name: string, text: string) => layoutProblem(name, text, (p) => files.has(p), (p) => dirs.has(p));
  assert.is(check("drivers/otp/imx-ocotp.test.ts", 'from "../../../drivers/otp/imx-ocotp.ts"'), null);
  assert.is(check("engine/src/alloc.test.ts", 'repoPath("engine/src/alloc.c")'), null);
  assert.is(check("tools/fuzz/js.test.ts", 'from "../../../tools/fuzz/js/oracle.ts"'), null);
  assert.match(check("drivers/imx-security.test.ts", "") ?? "", /no source drivers\/imx-security\.ts, .*drivers\/imx-security\//);
  assert.match(check("tools/lib/options.test.ts", 'from "../../../tools/commands/build.ts"') ?? "", /does not name tools\/lib\/options\.ts/);
  assert.match(check("tools/fuzz/js.test.ts", 'from "../../../tools/fuzz/mutate.ts"') ?? "", /does not name tools\/fuzz\/js\//);
  // A path that only ends like the source's is another file.
  assert.match(check("drivers/otp/imx-ocotp.test.ts", 'from "../../../models/drivers/otp/imx-ocotp.ts"') ?? "", /does not name/);
  assert.match(check("engine/src/alloc.test.ts", "deps/engine/src/alloc.c") ?? "", /does not name/);
});

test.run();
