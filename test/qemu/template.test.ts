import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { boot, build, fixture } from "./boot.ts";
import { defaultApp } from "../../tools/lib/build.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { templateLines } from "../support/template-output.ts";

const test = suite("template and CLI");

const cli = (args: string[], cwd = repoPath()) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });


for (const board of ["pizero", "pi1", "pi2", "sifive_u", "microvm", "usbarmory-mk2", "usbarmory-mk2-lan", "mx6ullevk"]) {
  test(`template boots on ${board} and exits 0`, async () => {
    const r = await boot(defaultApp(), { board });
    assert.is(r.output, templateLines.join("\n") + "\n");
    assert.is(r.code, 0);
  });
}

test("npm run qemu streams the console and returns the firmware's exit code", () => {
  const r = cli(["qemu", "--app", fixture("exit-code.ts"), "--timeout", "60"]);
  assert.is(r.stdout, "exiting with 42\n");
  assert.is(r.status, 42);
});

test("an unknown board is refused with the list of boards", () => {
  const r = cli(["qemu", "--board", "pi9"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /unknown board 'pi9'.*pizero/);
});

test("a missing cross compiler is named with its Debian package", () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), "tsmetal-path-"));
  try {
    symlinkSync(process.execPath, path.join(bin, "node"));
    const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "build", "--board", "pizero"], {
      encoding: "utf8",
      env: { ...process.env, PATH: bin },
    });
    assert.is(r.status, 1);
    assert.match(r.stderr, /arm-none-eabi-gcc not found: install the Debian package gcc-arm-none-eabi/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test("a TypeScript type error stops the build with the file and line", () => {
  const r = cli(["build", "--board", "pizero", "--app", fixture("broken/type-error.ts")]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /TypeScript errors in test\/fixtures\/broken\/type-error\.ts/);
  assert.match(r.stderr, /type-error\.ts\(1,7\): error TS2322/);
});

test("rebuilding after an app change reuses the board's engine build", async () => {
  await build(fixture("exit-code.ts"));
  const again = await build(fixture("uncaught.ts"));
  assert.ok(again.engineCached, "engine was recompiled");
});

test("npm run build prints the image sizes", () => {
  const r = cli(["build", "--board", "pi1", "--app", fixture("exit-code.ts")]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /kernel\.img: \d+ B \(bytecode \d+ B\)/);
});

test("npm run boards lists the boards with arch, SoC and QEMU machine", () => {
  const r = cli(["boards"]);
  assert.is(r.status, 0);
  assert.match(r.stdout, /^pizero\s+armv6\s+BCM2835\s+raspi0\s/m);
  assert.match(r.stdout, /^pi1\s+armv6\s+BCM2835\s+raspi1ap\s/m);
  assert.match(r.stdout, /^pi2\s+armv7\s+BCM2836\s+raspi2b\s/m);
  assert.match(r.stdout, /^sifive_u\s+riscv64\s+FU540\s+sifive_u\s/m);
  assert.match(r.stdout, /^usbarmory-mk2\s+armv7\s+i\.MX6ULZ\s+mcimx6ul-evk\s/m);
  assert.match(r.stdout, /^mx6ullevk\s+armv7\s+i\.MX6ULL\s+mcimx6ul-evk\s/m);
  assert.match(r.stdout, /^microvm\s+amd64\s+microvm\s+microvm\s/m);
});

// The packed SDK installed into a project, and a project made by it built and booted there:
// test/qemu/package.test.ts.
test("npm run new makes a project that depends on this SDK, in the caller's folder", () => {
  const caller = mkdtempSync(path.join(os.tmpdir(), "tsmetal-new-"));
  try {
    // npm run starts scripts in the package's root: a relative <dir> is the caller's, from INIT_CWD.
    const made = spawnSync("npm", ["--prefix", repoPath(), "run", "--silent", "new", "--", "My Blinky"], { cwd: caller, encoding: "utf8" });
    assert.is(made.status, 0, made.stderr);
    assert.is(made.stdout, "created My Blinky: cd My Blinky && npm install, then edit src/main.ts and npm run qemu\n");
    const dir = path.join(caller, "My Blinky");
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.is(pkg.name, "my-blinky");
    // A file: spec to this checkout (relative when the two share a folder, else absolute).
    assert.match(pkg.dependencies.tsmetal, /^file:/);
    assert.is(path.resolve(dir, pkg.dependencies.tsmetal.slice("file:".length)), repoPath());
    assert.is(pkg.dependencies.typescript, JSON.parse(readFileSync(repoPath("package.json"), "utf8")).dependencies.typescript);
    for (const script of ["build", "qemu", "sim", "linux", "flash", "test", "repl"]) assert.match(pkg.scripts[script], /^(tsc -p tsconfig\.json && )?tsmetal /);
    const tsconfig = JSON.parse(readFileSync(path.join(dir, "tsconfig.json"), "utf8"));
    assert.equal(tsconfig.compilerOptions.paths, { tsmetal: ["./node_modules/tsmetal/io/index.ts"] });
    assert.ok(tsconfig.files.includes("node_modules/tsmetal/hal/hal.d.ts"));
    assert.is(readFileSync(path.join(dir, "src/main.ts"), "utf8"), readFileSync(defaultApp(), "utf8"));
    assert.match(readFileSync(path.join(dir, "README.md"), "utf8"), /^# my-blinky\n/);
    assert.is(readFileSync(path.join(dir, ".gitignore"), "utf8"), "node_modules/\nbuild/\n");
    assert.match(readFileSync(path.join(dir, ".npmrc"), "utf8"), /^ignore-scripts=true$/m);

    const again = cli(["new", dir]);
    assert.is(again.status, 1);
    assert.match(again.stderr, /already exists and is not empty/);
    assert.is(readFileSync(path.join(dir, "package.json"), "utf8"), JSON.stringify(pkg, null, 2) + "\n");
    // An empty folder is taken.
    mkdirSync(path.join(caller, "empty"));
    assert.is(cli(["new", "empty"], caller).status, 0);
    assert.ok(existsSync(path.join(caller, "empty/src/main.ts")));
  } finally {
    rmSync(caller, { recursive: true, force: true });
  }
});

test.run();
