import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard } from "../../../../tools/lib/boards.ts";
import { repoPath } from "../../../../tools/lib/paths.ts";
import { flashImx, IMX_IVT_OFFSET, type ImxFlashOptions } from "../../../../tools/lib/flash/imx.ts";

const test = suite("flash i.MX");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-imx-flash-"));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);
const board = loadBoard("usbarmory-mk2");
const imx = fresh("firmware.imx");
const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 1) & 0xff));
writeFileSync(imx, payload);

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected an error matching ${re}`);
}

function run(o: Partial<ImxFlashOptions>) {
  const printed: string[] = [];
  let built = 0;
  const p = flashImx({ board, build: async () => (built++, { imxImage: imx }), print: (t) => printed.push(t), interactive: false, ...o });
  return { p, printed, built: () => built };
}

/** An MBR whose partition 1 starts at sector `lba`. */
function mbrImage(file: string, lba: number, type = 0x0c): void {
  const b = Buffer.alloc(lba * 512 + 4096);
  b[0x1be + 4] = type;
  b.writeUInt32LE(lba, 0x1be + 8);
  b.writeUInt32LE(8, 0x1be + 12);
  b[510] = 0x55;
  b[511] = 0xaa;
  writeFileSync(file, b);
}

test("a new disk image gets the boot image at 1 KiB, zeros before it", async () => {
  const to = fresh("card.img");
  const { p, printed } = run({ to, yes: true });
  assert.is((await p).written, true);
  const out = readFileSync(to);
  assert.is(out.length, IMX_IVT_OFFSET + payload.length);
  assert.ok(out.subarray(0, IMX_IVT_OFFSET).every((b) => b === 0));
  assert.ok(out.subarray(IMX_IVT_OFFSET).equals(payload));
  assert.match(printed[0], /new disk image .*card\.img/);
  assert.match(printed[0], /at byte 1024, where the boot ROM reads the IVT/);
});

test("an MBR image keeps its partition table and its partition; a partition in the way is refused", async () => {
  const ok = fresh("mbr.img");
  mbrImage(ok, 2048);
  const before = readFileSync(ok);
  await run({ to: ok, yes: true }).p;
  const after = readFileSync(ok);
  assert.ok(after.subarray(0, 512).equals(before.subarray(0, 512)), "MBR untouched");
  assert.ok(after.subarray(IMX_IVT_OFFSET, IMX_IVT_OFFSET + payload.length).equals(payload));
  const bad = fresh("tight.img");
  mbrImage(bad, 4);
  await rejects(run({ to: bad, yes: true }).p, /partition 1 starts at byte 2048, inside the i\.MX image/);
  const gpt = fresh("gpt.img");
  mbrImage(gpt, 1, 0xee);
  await rejects(run({ to: gpt, yes: true }).p, /GPT/);
});

test("a bare FAT image is refused; nothing is written", async () => {
  const fat = fresh("fat.img");
  const b = Buffer.alloc(8192);
  b[0] = 0xeb; b.writeUInt16LE(512, 11); b[13] = 4; b[16] = 2; b[510] = 0x55; b[511] = 0xaa;
  writeFileSync(fat, b);
  await rejects(run({ to: fat, yes: true }).p, /FAT filesystem/);
  assert.ok(readFileSync(fat).equals(b));
});

test("--dry-run prints the plan and writes nothing; without a terminal or --yes it refuses", async () => {
  const to = fresh("dry.img");
  const dry = run({ to, dryRun: true });
  assert.is((await dry.p).written, false);
  assert.ok(dry.printed.includes("dry run: nothing written"));
  assert.not.ok(existsSync(to));
  await rejects(run({ to }).p, /stdin is not a terminal/);
  assert.not.ok(existsSync(to));
  await rejects(run({ to, interactive: true, confirm: async () => false }).p, /not confirmed/);
  assert.not.ok(existsSync(to));
});

test("--usb hands the image to the loader after confirmation; --usb with --to, or neither, is refused before building", async () => {
  const loaded: string[] = [];
  const usb = run({ usb: true, yes: true, loadOverUsb: async (f) => void loaded.push(f) });
  await usb.p;
  assert.equal(loaded, [imx]);
  assert.match(usb.printed[0], /over USB serial download/);
  const both = run({ usb: true, to: fresh("x.img"), yes: true });
  await rejects(both.p, /exactly one of --usb .* or --to/);
  assert.is(both.built(), 0);
  await rejects(run({ yes: true }).p, /exactly one of/);
  await rejects(run({ to: "/nonexistent-dir/card.img", yes: true }).p, /does not exist/);
});

test("CLI: an i.MX board needs --usb or --to, --usb is refused for the Pi, --firmware for i.MX; exit 1 before building", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "flash", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const none = cli(["--board", "usbarmory-mk2"]);
  assert.is(none.status, 1);
  assert.match(none.stderr, /exactly one of --usb .* or --to/);
  assert.not.match(none.stderr, /firmware\.elf/, "refused before building");
  const pi = cli(["--board", "pizero", "--usb"]);
  assert.is(pi.status, 1);
  assert.match(pi.stderr, /--usb is for i\.MX boards/);
  const fw = cli(["--board", "mx6ullevk", "--usb", "--firmware", tmp]);
  assert.is(fw.status, 1);
  assert.match(fw.stderr, /--firmware is the Raspberry Pi's/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
