import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { packageName, tsmetalSpec } from "../../../tools/lib/new-project.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test("a project's package name is its folder's, made a valid npm name", () => {
  assert.is(packageName("/x/My Blinky"), "my-blinky");
  assert.is(packageName("/x/_fw.v2"), "fw.v2");
  assert.is(packageName("/x/!!!"), "firmware");
});

/** An SDK folder with a package.json of `version` at `dir`. */
function sdkAt(dir: string, version = "1.2.3"): string {
  mkdirSync(dir, { recursive: true });
  writeIn(dir, "package.json", JSON.stringify({ name: "tsmetal", version }));
  return dir;
}

test("a checkout is named by a file: spec, relative when the two share a folder", () =>
  inTempDir("tsmetal-spec-", (tmp) => {
    const sdk = sdkAt(path.join(tmp, "sdk"));
    assert.is(tsmetalSpec(path.join(tmp, "work", "fw"), sdk), "file:../../sdk");
    assert.is(tsmetalSpec(path.join(sdk, "examples", "fw"), sdk), "file:../..");
  }));

test("an installed SDK repeats its project's spec, a relative file: path rebased onto the new project", () =>
  inTempDir("tsmetal-spec-", (tmp) => {
    const app = path.join(tmp, "app");
    const sdk = sdkAt(path.join(app, "node_modules", "tsmetal"));
    const installer = (spec?: string) => writeIn(app, "package.json", JSON.stringify({ name: "app", dependencies: spec ? { tsmetal: spec } : {} }));
    installer("file:../pk/tsmetal-1.2.3.tgz");
    assert.is(tsmetalSpec(path.join(app, "fw"), sdk), "file:../../pk/tsmetal-1.2.3.tgz");
    installer("^1.2.0");
    assert.is(tsmetalSpec(path.join(app, "fw"), sdk), "^1.2.0");
    installer(undefined);
    assert.is(tsmetalSpec(path.join(app, "fw"), sdk), "^1.2.3");
  }));

test.run();
