import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import path from "node:path";
import { esbuildDefines, parseDefines } from "../../../tools/lib/defines.ts";
import { bundle } from "../../../tools/lib/bundle.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { firmwareOptions } from "../../../tools/commands/build.ts";
import { UserError } from "../../../tools/lib/errors.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("--define NAME=VALUE: the value is everything after the first '=', empty included", () => {
  assert.equal(parseDefines(["FETCH_URL=http://10.0.2.2:8080/a?b=c", "EMPTY=", "N2_X=1"]), { FETCH_URL: "http://10.0.2.2:8080/a?b=c", EMPTY: "", N2_X: "1" });
  assert.equal(parseDefines([]), {});
  assert.equal(esbuildDefines({ A: 'say "hi"\n' }), { A: '"say \\"hi\\"\\n"' });
  assert.equal(esbuildDefines(undefined), {});
});

test("--define: no '=', a name that is not an upper-case identifier, a name twice: refused", () => {
  for (const bad of ["FETCH_URL", "=x", "fetch_url=x", "console=x", "1A=x", "A-B=x", "A.B=x", " A=x"]) {
    try {
      parseDefines([bad]);
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, UserError, bad);
      assert.match((e as Error).message, /expected NAME=VALUE with NAME an upper-case identifier/);
    }
  }
  assert.throws(() => parseDefines(["A=1", "A=2"]), (e: Error) => e instanceof UserError && /A is defined more than once/.test(e.message));
  assert.equal(firmwareOptions("microvm", { define: ["A=1"] }).defines, { A: "1" });
  assert.throws(() => firmwareOptions("microvm", { define: ["a=1"] }), /--define a=1/);
});

test("a define becomes a string literal in the app's bundle, typeof included", () =>
  inTempDir("tsmetal-define-", async (dir) => {
    const app = writeIn(dir, "app.ts", 'declare const FETCH_URL: string;\nconsole.log(typeof FETCH_URL === "undefined" ? "none" : FETCH_URL);\n');
    const board = loadBoard("microvm");
    const js = readFileSync((await bundle(board, path.resolve(app), dir, { FETCH_URL: "http://h/\"x\"" })).js, "utf8");
    // typeof of a string literal is folded to false; the value keeps its quotes, escaped.
    assert.match(js, /console\.log\(false \? "none" : 'http:\/\/h\/"x"'\)/);
    assert.not.match(js, /FETCH_URL/);
    // Without the define the name stays, and typeof tells the app so.
    const plain = readFileSync((await bundle(board, path.resolve(app), dir)).js, "utf8");
    assert.match(plain, /typeof FETCH_URL === "undefined"/);
  }));

test.run();
