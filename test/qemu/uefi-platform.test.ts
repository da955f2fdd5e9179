import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { build, fixture, type BootOptions } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import type { Board } from "../../tools/lib/boards.ts";
import { EXIT_RESET, resetTraceArgs, traceShowsReset } from "../../tools/lib/qemu-reset.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { readPng } from "./png.ts";
import { Canvas } from "../../drivers/video/graphics/canvas.ts";
import type { Surface } from "../../drivers/interfaces/display.ts";
import { drawPicture } from "../fixtures/uefi-gop-picture.ts";

// What the uefi-x64 loader takes from UEFI before ExitBootServices (docs/boards/uefi-x64.md): the
// GOP framebuffer behind board().framebuffer(), the EFI_RNG_PROTOCOL seed mixed into
// crypto.getRandomValues(), and the runtime services' ResetSystem behind board().reboot().
// OVMF takes 10 to 20 s to reach the boot option under TCG, hence the long timeouts.
const test = suite("UEFI x64: GOP, EFI_RNG_PROTOCOL, ResetSystem");
const opts: BootOptions = { board: "uefi-x64", timeoutS: 180 };

/** The board with its UEFI-only QEMU devices filtered, e.g. without the virtio-rng device. */
function without(board: Board, device: string): Board {
  const uefi = board.qemu.uefi!;
  const args = uefi.args ?? [];
  const i = args.indexOf(device);
  assert.ok(i > 0 && args[i - 1] === "-device", `board.json qemu.uefi.args has -device ${device}`);
  return { ...board, qemu: { ...board.qemu, uefi: { ...uefi, args: args.filter((_, j) => j !== i && j !== i - 1) } } };
}

/** A surface in memory, for the picture the firmware should have drawn. */
class MemorySurface implements Surface {
  readonly pixels: Uint32Array;
  constructor(readonly width: number, readonly height: number) {
    this.pixels = new Uint32Array(width * height);
  }
  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    for (let row = y; row < y + h; row++) this.pixels.fill(color, row * this.width + x, row * this.width + x + w);
  }
  setPixel(x: number, y: number, color: number): void {
    this.pixels[y * this.width + x] = color;
  }
}

test("the GOP framebuffer: a screendump equals, pixel by pixel, the picture drawn in Node", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-gop-"));
  try {
    const png = path.join(dir, "gop.png");
    const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "qemu", "--board", "uefi-x64", "--app", fixture("uefi-gop.ts"), "--screenshot", png, "--timeout", "180"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.is(r.status, 0, r.stderr);
    const drawn = /drawn (\d+)x(\d+)\n/.exec(r.stdout);
    assert.ok(drawn, r.stdout);
    assert.ok(existsSync(png), "PNG written");
    const image = readPng(readFileSync(png));
    // The whole screen is the GOP mode OVMF set (QemuVideoDxe on the std VGA).
    assert.is(`${image.width}x${image.height}`, `${drawn[1]}x${drawn[2]}`);
    const expected = new MemorySurface(image.width, image.height);
    drawPicture(new Canvas(expected));
    let wrong = 0, first = "";
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const want = expected.pixels[y * image.width + x], got = image.pixel(x, y);
        if (want !== got && wrong++ === 0) first = `(${x}, ${y}): 0x${got.toString(16)}, expected 0x${want.toString(16)}`;
      }
    }
    assert.is(wrong, 0, `${wrong} pixels differ, the first at ${first}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("EFI_RNG_PROTOCOL with RDRAND, either alone: getRandomValues works and info() names the sources; reboot() exits 6", async () => {
  const fw = await build(fixture("uefi-services.ts"), opts);
  const run = async (board: Board, extraArgs: string[] = []) => {
    const r = await runQemu({ board, elf: fw.elf, timeoutS: 180, input: "", onOutput: () => {}, extraArgs });
    // The fixture ends with board().reboot(): the board-reset line and exit 6, as on every board.
    assert.ok(r.output.endsWith("rebooting\n"), r.output);
    assert.match(r.stderr, /the board reset itself/);
    assert.is(r.code, EXIT_RESET, r.output + r.stderr);
    return r.output.split("\n")[0];
  };
  // board.json adds -device virtio-rng-pci, for which OVMF installs EFI_RNG_PROTOCOL.
  assert.is(await run(fw.board), "random rdrand+efi-rng true true true");
  assert.is(await run(without(fw.board, "virtio-rng-pci")), "random rdrand true true true");
  // The last -cpu wins: a CPU without RDRAND leaves the EFI seed alone.
  assert.is(await run(fw.board, ["-cpu", "max,rdrand=off"]), "random efi-rng true true true");
});

test("board().reboot() goes through UEFI ResetSystem (the reset is OVMF's, not the fallback's)", async () => {
  const fw = await build(fixture("uefi-services.ts"), opts);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-reset-"));
  try {
    // QEMU has one trace file, so this run's trace (its I/O writes and run states) is read here
    // rather than by runQemu, which then cannot tell the reset (the test above checks that).
    const trace = path.join(dir, "io.log");
    const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 180, input: "", onOutput: () => {}, extraArgs: [...resetTraceArgs(trace), "-trace", `memory_region_ops_write,file=${trace}`] });
    assert.is(r.output, "random rdrand+efi-rng true true true\nrebooting\n");
    const log = readFileSync(trace, "utf8");
    assert.ok(traceShowsReset(log), "QEMU's run state shows a reset");
    // Who reset it: OVMF's ResetSystem(EfiResetCold) on q35 writes 0x06 to the reset control
    // register at 0xCF9 (OvmfPkg ResetSystemLib), while the firmware's own fallback
    // (hal/arch/amd64/efi-handoff.c) writes 0x02 first. So the only write there is 0x06.
    const writes = [...log.matchAll(/addr 0xcf9 value (0x[0-9a-f]+) size 1 name 'lpc-reset-control'/g)].map((m) => m[1]);
    assert.equal(writes, ["0x6"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
