/**
 * engine/src/rejections.c in the patched QuickJS on the host (test/engine/src/rejections_harness.c):
 * rejections are tracked without a cap, each removed when a handler arrives (in any order),
 * every remaining one reported with its reason in order, and running out of memory while
 * tracking is exit 3, not a forgotten rejection.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";
import { engineId, patchedSourceDir } from "../../../tools/lib/engine.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-rejections-"));
const bin = path.join(dir, "rejections_harness");

test.before(async () => {
  const src = await patchedSourceDir();
  const quickjs = ["quickjs.c", "libregexp.c", "libunicode.c", "cutils.c", "libbf.c"].map((f) => path.join(src, f));
  const ours = ["engine/src/rejections.c", "engine/src/report.c", "engine/src/dtoa.c", "engine/src/dtoa-radix.c", "test/engine/src/rejections_harness.c"].map((f) => repoPath(f));
  const defines = ['-DCONFIG_VERSION="2021-03-27"', "-DCONFIG_BIGNUM", "-DTSM_NO_ATOMICS", "-DTSM_EXACT_DTOA", "-D_GNU_SOURCE", `-DTSM_ENGINE_ID="${await engineId()}"`];
  execFileSync("cc", ["-O0", "-w", "-fno-strict-aliasing", ...defines, `-I${src}`, `-I${repoPath("engine/include")}`, `-I${repoPath("engine/src")}`, ...quickjs, ...ours, "-lm", "-o", bin]);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(bin, args, { encoding: "utf8" });

test("5,000 rejections handled after all were rejected, in a scrambled order: none left, exit 0", () => {
  const r = run("handled", "5000");
  assert.is(r.stdout, "");
  assert.is(r.status, 0);
});

test("17 and 40 at a time (the old table's cap was 16)", () => {
  for (const n of ["17", "40"]) {
    const r = run("handled", n);
    assert.is(r.stdout, "", n);
    assert.is(r.status, 0, n);
  }
});

test("1,000 unhandled rejections among handled ones: each reported with its reason, in order, exit 1", () => {
  const r = run("unhandled", "1000");
  const reasons = [...r.stdout.matchAll(/^Uncaught \(in promise\) Error: (.*)$/gm)].map((m) => m[1]);
  assert.equal(reasons, Array.from({ length: 1000 }, (_, i) => `reason ${i}`));
  assert.is(r.status, 1);
});

test("running out of memory while tracking is reported as out of memory, exit 3", () => {
  const r = run("oom");
  assert.match(r.stdout, /^Uncaught InternalError: out of memory \(tracking unhandled promise rejections\)\n$/);
  assert.is(r.status, 3);
});

test.run();
