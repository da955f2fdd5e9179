import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
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

test("npm run new makes a project whose own build uses this CLI", () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "tsmetal-new-")), "blinky");
  try {
    const made = cli(["new", dir]);
    assert.is(made.status, 0, made.stderr);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.is(pkg.name, "blinky");
    const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: dir, encoding: "utf8" });
    assert.is(built.status, 0, built.stderr);
    assert.match(built.stdout, /kernel\.img/);
    const again = cli(["new", dir]);
    assert.is(again.status, 1);
    assert.match(again.stderr, /already exists/);
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test.run();
