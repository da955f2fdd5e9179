import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { buildFirmware } from "../../../tools/lib/build.ts";
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

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
