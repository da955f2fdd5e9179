// tscScript reads the project root from the working directory when loaded: each case runs it in a
// child process started in a scratch project.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

const tscFrom = (cwd: string) =>
  spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), "-e", `import(${JSON.stringify(repoPath("tools/lib/packages.ts"))}).then((m) => console.log(m.tscScript()))`], {
    cwd,
    encoding: "utf8",
  });

test("tsc is the project's own typescript when it has one, found from a subfolder", () =>
  inTempDir("tsmetal-tsc-", (tmp) => {
    const project = realpathSync(tmp);
    writeIn(project, "package.json", JSON.stringify({ name: "fw", dependencies: { typescript: "5.0.0" } }));
    const ts = path.join(project, "node_modules", "typescript");
    mkdirSync(path.join(ts, "bin"), { recursive: true });
    writeIn(ts, "package.json", JSON.stringify({ name: "typescript", version: "5.0.0", bin: { tsc: "./bin/tsc" } }));
    mkdirSync(path.join(project, "src"));
    const r = tscFrom(path.join(project, "src"));
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), path.join(ts, "bin", "tsc"));
  }));

test("without one it is the typescript tsmetal depends on, resolved from the SDK", () =>
  inTempDir("tsmetal-tsc-", (tmp) => {
    writeIn(tmp, "package.json", JSON.stringify({ name: "fw" }));
    const r = tscFrom(tmp);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), realpathSync(repoPath("node_modules/typescript/bin/tsc")));
  }));

test.run();
