import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../../../tools/lib/paths.ts";
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

test.run();
