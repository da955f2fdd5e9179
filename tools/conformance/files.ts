/**
 * The conformance suite: QuickJS's own test files, shipped with the engine source we build from
 * (node_modules/qjsc/deps/quickjs_2021_03_27/tests/). Each is an ordinary (sloppy-mode) script
 * that throws on the first failed assertion.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "../lib/paths.ts";

export const CONFORMANCE_DIR = repoPath("node_modules/qjsc/deps/quickjs_2021_03_27/tests");

export interface ConformanceCase {
  /** Name in reports and docs/compatibility.md. */
  name: string;
  file: string;
  /** Why this case is expected to fail on every target (listed in the docs, never hidden). */
  expectedFailure?: string;
  /** Derives the script from the file's text (a documented subset). */
  derive?: (source: string) => string;
}

/** Cuts the functions testing QuickJS's BigFloat and BigDecimal extensions, and their calls. */
function withoutBigFloat(source: string): string {
  const start = source.indexOf("function test_bigfloat()");
  const calls = source.indexOf("test_bigint1();");
  if (start < 0 || calls < start) throw new Error("test_bignum.js: layout changed; update tools/conformance/files.ts");
  return source.slice(0, start) + source.slice(calls).replace("test_bigfloat();", "").replace("test_bigdecimal();", "");
}

export const conformanceCases: ConformanceCase[] = [
  { name: "test_language.js", file: "test_language.js" },
  { name: "test_builtin.js", file: "test_builtin.js" },
  { name: "test_closure.js", file: "test_closure.js" },
  { name: "test_loop.js", file: "test_loop.js" },
  {
    name: "test_bignum.js",
    file: "test_bignum.js",
    expectedFailure:
      "uses QuickJS's BigFloat and BigDecimal extensions (literals such as `2l` and `1.5m`, BigFloatEnv), which are not ECMAScript and not compiled into tsmetal's engine; the file fails to parse",
  },
  { name: "test_bignum.js (BigInt part)", file: "test_bignum.js", derive: withoutBigFloat },
];

export async function caseSource(c: ConformanceCase): Promise<string> {
  const text = await readFile(path.join(CONFORMANCE_DIR, c.file), "utf8");
  return c.derive ? c.derive(text) : text;
}
