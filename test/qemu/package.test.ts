/**
 * tsmetal as an npm dependency: `npm pack` this checkout, install the tarball into an empty
 * project with no network (test/support/offline-install.ts), `npx tsmetal new fw`, install fw,
 * type-check it with its own tsc, and build and boot it under QEMU with its own `npm test`.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";
import { inTempDir } from "../support/temp-dir.ts";
import { installOffline, npm } from "../support/offline-install.ts";
import { templateLines } from "../support/template-output.ts";

const test = suite("npm package");

/** What `npm pack --json` says of the tarball. */
interface Packed {
  filename: string;
  files: Array<{ path: string }>;
}

const ok = (what: string, r: { status: number | null; error?: Error; stdout: string; stderr: string }) =>
  assert.is(r.status, 0, `${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);

test("the packed SDK installs offline into an empty project whose new firmware type-checks, builds and boots", async () => {
  await inTempDir("tsmetal-pack-", (tmp) => {
    // The package: what a project needs to build, and none of the checkout's tests, CI or builds.
    const pack = npm(repoPath(), ["pack", "--json", "--pack-destination", tmp], 120);
    ok("npm pack", pack);
    const [packed] = JSON.parse(pack.stdout) as Packed[];
    const files = packed.files.map((f) => f.path);
    const stray = files.filter((f) => /^(test|ci|\.ci|build|node_modules)\//.test(f) || f.endsWith(".test.ts"));
    assert.equal(stray, [], "tests, CI or build output in the package");
    for (const needed of ["bin/tsmetal.mjs", "tools/cli.ts", "engine/patches/0001-freestanding-config-and-exact-dtoa.patch", "hal/hal.d.ts", "firmware-template/src/main.ts", "tsconfig.base.json"]) {
      assert.ok(files.includes(needed), `${needed} missing from the package`);
    }

    // An empty project that installs the tarball and typescript, as `npm install <tgz> typescript` would.
    const app = path.join(tmp, "app");
    mkdirSync(app);
    ok("npm init", npm(app, ["init", "-y"], 60));
    const appPkg = path.join(app, "package.json");
    const sdkTypescript = (JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies.typescript;
    const pkg = JSON.parse(readFileSync(appPkg, "utf8")) as Record<string, unknown>;
    pkg.dependencies = { tsmetal: `file:../${packed.filename}`, typescript: sdkTypescript };
    writeFileSync(appPkg, JSON.stringify(pkg, null, 2));
    ok("npm ci --offline (app)", installOffline(app));

    // npx tsmetal new: a relative folder, from the caller's working directory.
    ok("npx tsmetal new fw", npm(app, ["exec", "--offline", "--", "tsmetal", "new", "fw"], 120));
    const fw = path.join(app, "fw");
    const fwPkg = JSON.parse(readFileSync(path.join(fw, "package.json"), "utf8")) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    assert.is(fwPkg.dependencies.tsmetal, `file:../../${packed.filename}`);
    assert.is(fwPkg.dependencies.typescript, sdkTypescript);
    for (const s of ["build", "qemu", "sim", "linux", "flash", "test", "repl"]) assert.ok(fwPkg.scripts[s]?.length, `no ${s} script`);
    ok("npm ci --offline (fw)", installOffline(fw));

    // Its own tsc sees "tsmetal", "hal" and "tsmetal:board" through node_modules, and catches an error.
    const tsc = path.join(fw, "node_modules/.bin/tsc");
    writeFileSync(path.join(fw, "src/uses.ts"), `import { board } from "tsmetal";\nimport { mem } from "hal";\nimport { name } from "tsmetal:board";\nexport const all = [board, mem.stats, name.length];\n`);
    ok("tsc", spawnSync(tsc, ["-p", "tsconfig.json", "--pretty", "false"], { cwd: fw, encoding: "utf8", timeout: 120_000 }));
    writeFileSync(path.join(fw, "src/uses.ts"), `import { name } from "tsmetal:board";\nexport const n: number = name;\n`);
    const bad = spawnSync(tsc, ["-p", "tsconfig.json", "--pretty", "false"], { cwd: fw, encoding: "utf8", timeout: 120_000 });
    assert.is.not(bad.status, 0);
    assert.match(bad.stdout, /src\/uses\.ts\(2,14\): error TS2322/);
    writeFileSync(path.join(fw, "src/uses.ts"), "export {};\n");

    // The project's own test: type check, then a QEMU boot of the app (pizero) with a timeout.
    const run = npm(fw, ["test", "--silent"], 900);
    ok("npm test (fw)", run);
    assert.is(run.stdout, templateLines.join("\n") + "\n");
    // Builds land in the project's build/, not in the installed SDK.
    assert.ok(existsSync(path.join(fw, "build/out")), "no build/out in the project");
    assert.not.ok(existsSync(path.join(fw, "node_modules/tsmetal/build")), "the build wrote into node_modules/tsmetal");
  });
});

test.run();
