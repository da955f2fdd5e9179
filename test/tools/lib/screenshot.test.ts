import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";
import { PNG_SIGNATURE, pngSize, qmpArgs, runWithScreenshot, startScreenSampler } from "../../../tools/lib/screenshot.ts";

const test = suite("screenshot");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-shot-"));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);
const haveQemu = (process.env.PATH ?? "").split(":").some((d) => existsSync(path.join(d, "qemu-system-arm")));

/** A Pi Zero halted before its first instruction (-S, no kernel): the framebuffer device exists. */
function pausedPi(socket: string): ChildProcess {
  return spawn("qemu-system-arm", ["-M", "raspi0", "-S", "-display", "none", "-monitor", "none", "-serial", "null", ...qmpArgs(socket)], {
    stdio: "ignore",
  });
}
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("pngSize reads IHDR and rejects what is not a PNG", () => {
  const ihdr = Buffer.alloc(24);
  PNG_SIGNATURE.copy(ihdr);
  ihdr.write("IHDR", 12, "latin1");
  ihdr.writeUInt32BE(640, 16);
  ihdr.writeUInt32BE(480, 20);
  assert.equal(pngSize(ihdr), { width: 640, height: 480 });
  assert.is(pngSize(Buffer.from("P6\n640 480\n255\n")), null);
});

test("with no QEMU behind the socket nothing is captured, and the reason is kept", async () => {
  const s = startScreenSampler(fresh("none.sock"), tmp, 20);
  await sleep(100);
  assert.is(await s.stop(), null);
  assert.match(s.error ?? "", /cannot connect to QEMU's QMP socket/);
});

test("runWithScreenshot refuses a missing output folder before running anything", async () => {
  let ran = false;
  try {
    await runWithScreenshot(path.join(tmp, "no/such/dir/out.png"), async () => (ran = true));
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.match((e as Error).message, /folder .* does not exist/);
  }
  assert.not.ok(ran);
});

if (haveQemu) {
  test("QMP screendump of a paused raspi0 gives a 640x480 PNG (works with -display none)", async () => {
    const socket = fresh("qmp.sock");
    const qemu = pausedPi(socket);
    try {
      const s = startScreenSampler(socket, tmp, 50);
      for (let i = 0; i < 200 && s.count < 2; i++) await sleep(50);
      const file = await s.stop();
      assert.ok(file, `no screenshot: ${s.error}`);
      const png = readFileSync(file!);
      assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
      assert.equal(pngSize(png), { width: 640, height: 480 });
    } finally {
      qemu.kill("SIGTERM");
      await exited(qemu);
    }
  });

  test("the last sample survives QEMU's exit and is copied to the requested file", async () => {
    const out = fresh("screen.png");
    const { result, screenshot, error } = await runWithScreenshot(
      out,
      async (args) => {
        const qemu = spawn("qemu-system-arm", ["-M", "raspi0", "-S", "-display", "none", "-monitor", "none", "-serial", "null", ...args], { stdio: "ignore" });
        await sleep(800);
        // As when the firmware exits: QEMU goes away mid-sampling.
        qemu.kill("SIGKILL");
        await exited(qemu);
        return 42;
      },
      50,
    );
    assert.ok(screenshot, error);
    assert.is(result, 42, "run's result is passed through");
    assert.is(screenshot!.file, out);
    assert.ok(screenshot!.samples >= 1);
    assert.equal(pngSize(readFileSync(out)), { width: 640, height: 480 });
  });

  test("a QEMU gone before the first sample is reported, not a crash", async () => {
    const out = fresh("never.png");
    const r = await runWithScreenshot(out, async () => 0);
    assert.is(r.screenshot, null);
    assert.match(r.error ?? "", /no screenshot captured \(the firmware exited before the first screen sample/);
    assert.not.ok(existsSync(out));
  });

  test("npm run qemu --screenshot saves the display of a running firmware", () => {
    const app = fresh("app.ts");
    writeFileSync(app, 'console.log("up");\nsetTimeout(() => console.log("bye"), 1000);\n');
    const out = fresh("qemu.png");
    const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--app", app, "--screenshot", out, "--timeout", "60"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, "up\nbye\n");
    assert.match(r.stderr, /screenshot: .*qemu\.png \(640x480\)/);
    assert.equal(pngSize(readFileSync(out)), { width: 640, height: 480 });
  });
} else {
  console.log("screenshot: SKIPPED the QEMU tests: qemu-system-arm missing; npm run setup installs it");
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
