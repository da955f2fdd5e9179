import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { boot, fixture } from "./boot.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { readPng } from "./png.ts";

const test = suite("Raspberry Pi services");

// QEMU's board revisions and the ARM's share of RAM (raspi0: 512 MiB, raspi2b: 1 GiB, 64 MiB to the GPU).
for (const [board, revision, memory] of [["pizero", "920092", "1c000000"], ["pi2", "a21041", "3c000000"]] as const) {
  test(`${board}: mailbox facts, RNG, GPIO, and a watchdog reboot that ends QEMU`, async () => {
    const r = await boot(fixture("pi-services.ts"), { board });
    assert.is(
      r.output,
      `board ${board} revision ${revision} memory ${memory}\nrandom true true true\ngpio 1 0\npin taken: Error\nrebooting\n`,
    );
    // A reset, told apart from an exit 0 (tools/lib/qemu-reset.ts).
    assert.match(r.stderr, /the board reset itself/);
    assert.is(r.code, 6);
  });
}

test("npm run qemu --screenshot saves the framebuffer example as a PNG", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-shot-"));
  try {
    const png = path.join(dir, "fb.png");
    const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--board", "pizero", "--app", repoPath("examples/framebuffer/main.ts"), "--screenshot", png, "--timeout", "60"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /drawn/);
    assert.ok(existsSync(png), "PNG written");
    const bytes = readFileSync(png);
    assert.equal([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
    const image = readPng(bytes);
    assert.is(image.width, 640);
    assert.is(image.height, 480);
    // What examples/framebuffer/main.ts draws: background, then red, green and blue boxes.
    const hex = (v: number) => v.toString(16).padStart(6, "0");
    assert.is(hex(image.pixel(5, 5)), "101830", "background RGB(16, 24, 48)");
    assert.is(hex(image.pixel(100, 90)), "dc3c3c", "red box RGB(220, 60, 60)");
    assert.is(hex(image.pixel(300, 90)), "3cb45a", "green box RGB(60, 180, 90)");
    assert.is(hex(image.pixel(500, 90)), "3c78e6", "blue box RGB(60, 120, 230)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
