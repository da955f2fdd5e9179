/** What Node prints for an app: the reference the firmware's output is compared with. */
import { build as esbuild } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Node's output for the same app bundled the same way (ES2020, ESM), in UTC. */
export async function nodeOutput(app: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-node-"));
  try {
    const out = path.join(dir, "app.mjs");
    await esbuild({ entryPoints: [app], bundle: true, format: "esm", target: "es2020", outfile: out, logLevel: "silent" });
    // The test runner may force colours on; Node's console must print plain text here.
    const { FORCE_COLOR: _force, ...env } = process.env;
    const r = spawnSync(process.execPath, [out], { encoding: "utf8", env: { ...env, TZ: "UTC", NO_COLOR: "1" } });
    if (r.status !== 0) throw new Error(`node failed on ${app}: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

