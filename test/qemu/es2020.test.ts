import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build as esbuild } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { boot, fixture } from "./boot.ts";

const test = suite("ES2020 features print what Node prints");

/** Node's output for the same app bundled the same way (ES2020, ESM), in UTC. */
async function nodeOutput(app: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-node-"));
  try {
    const out = path.join(dir, "app.mjs");
    await esbuild({ entryPoints: [app], bundle: true, format: "esm", target: "es2020", outfile: out, logLevel: "silent" });
    // The test runner may force colours on; Node's console must print plain text here.
    const { FORCE_COLOR: _force, ...env } = process.env;
    const r = spawnSync(process.execPath, [out], { encoding: "utf8", env: { ...env, TZ: "UTC", NO_COLOR: "1" } });
    assert.is(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sample = fixture("es2020.ts");
let expected: string;

test.before(async () => {
  expected = await nodeOutput(sample);
});

for (const board of ["pizero", "pi1", "pi2", "sifive_u", "microvm", "usbarmory-mk2", "usbarmory-mk2-lan", "mx6ullevk"]) {
  test(`${board} prints exactly Node's output`, async () => {
    const r = await boot(sample, { board });
    assert.fixture(r.output, expected);
    assert.is(r.code, 0);
  });
}

test.run();
