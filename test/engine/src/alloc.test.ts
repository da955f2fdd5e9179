import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-alloc-"));
const bin = path.join(dir, "alloc_harness");

test.before(() => {
  execFileSync("cc", ["-O1", "-g", "-Wall", "-Werror", `-I${repoPath("engine/src")}`, repoPath("engine/src/alloc.c"), repoPath("test/engine/src/alloc_harness.c"), "-o", bin]);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(bin, args, { encoding: "utf8" });

test("random malloc/realloc/free keeps data and heap invariants, and coalesces back to one block", () => {
  const r = run("0x800000", "200000");
  assert.is(r.status, 0, r.stdout);
  const [, ops, peak, failures] = r.stdout.trim().split(" ");
  assert.is(ops, "200000");
  assert.ok(Number(peak) > 0);
  assert.is(failures, "0", "an 8 MiB heap should satisfy every request of this workload");
});

test("a small heap runs out cleanly (NULL, no corruption) and recovers", () => {
  const r = run("0x40000", "100000");
  assert.is(r.status, 0, r.stdout);
  const failures = Number(r.stdout.trim().split(" ")[3]);
  assert.ok(failures > 0, "expected some allocations to fail in 256 KiB");
});

test.run();
