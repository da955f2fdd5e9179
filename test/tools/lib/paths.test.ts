import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { findProjectRoot, projectPath } from "../../../tools/lib/paths.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("the project root is the nearest folder with a package.json at or above the working directory", () =>
  inTempDir("tsmetal-root-", (tmp) => {
    const sub = path.join(tmp, "fw", "src", "lib");
    mkdirSync(sub, { recursive: true });
    writeIn(path.join(tmp, "fw"), "package.json", "{}");
    assert.is(findProjectRoot(sub), path.join(tmp, "fw"));
    assert.is(findProjectRoot(path.join(tmp, "fw")), path.join(tmp, "fw"));
  }));

test("with no package.json above, it is the working directory itself", () =>
  inTempDir("tsmetal-root-", (tmp) => {
    assert.is(findProjectRoot(tmp), tmp);
  }));

test("trace paths: project-relative, the SDK as node_modules/tsmetal when linked there, else absolute", () =>
  inTempDir("tsmetal-trace-", (tmp) => {
    const project = path.join(tmp, "fw");
    const sdk = path.join(tmp, "sdk");
    mkdirSync(path.join(project, "node_modules"), { recursive: true });
    mkdirSync(sdk);
    assert.is(projectPath(path.join(project, "src", "main.ts"), project, sdk), path.join("src", "main.ts"));
    const outside = path.join(tmp, "elsewhere", "app.ts");
    assert.is(projectPath(outside, project, sdk), outside, "never a ../ path");
    const runtime = path.join(sdk, "runtime", "console.ts");
    assert.is(projectPath(runtime, project, sdk), runtime, "an SDK the project does not link stays absolute");
    symlinkSync(sdk, path.join(project, "node_modules", "tsmetal"));
    assert.is(projectPath(runtime, project, sdk), path.join("node_modules", "tsmetal", "runtime", "console.ts"));
  }));

test.run();
