import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { buildFirmware, defaultOutDir } from "../../../tools/lib/build.ts";
import { UserError } from "../../../tools/lib/errors.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-build-"));

test("buildFirmware itself refuses an out-of-range limit and a non-module --app before compiling", async () => {
  const pizero = loadBoard("pizero");
  for (const [opts, re] of [
    [{ memoryLimit: 2 ** 32 + 2 ** 20 }, /--memory-limit 4296015872 is out of range for board 'pizero'/],
    [{ app: "/etc/passwd" }, /--app \/etc\/passwd: not a TypeScript or JavaScript module/],
  ] as const) {
    try {
      await buildFirmware({ board: pizero.name, out: path.join(tmp, "never"), ...opts });
      assert.unreachable("built");
    } catch (e) {
      assert.instance(e, UserError, String(e));
      assert.match((e as Error).message, re);
    }
  }
});

test("builds of one app with different defines or limits go to different folders; the plain build keeps its folder", () => {
  const app = "examples/fetch/main.ts";
  const plain = defaultOutDir("microvm", app);
  assert.is(defaultOutDir("microvm", app, { defines: {}, memoryLimit: undefined, enableEval: false }), plain);
  const a = defaultOutDir("microvm", app, { defines: { FETCH_URL: "http://10.0.2.2:1/" } });
  const b = defaultOutDir("microvm", app, { defines: { FETCH_URL: "http://10.0.2.2:2/" } });
  assert.is.not(a, plain);
  assert.is.not(a, b);
  assert.is(defaultOutDir("microvm", app, { defines: { X: "1", Y: "2" } }), defaultOutDir("microvm", app, { defines: { Y: "2", X: "1" } }));
  assert.is.not(defaultOutDir("microvm", app, { memoryLimit: 1 << 24 }), plain);
  assert.match(a, /microvm-main-[0-9a-f]{8}$/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
