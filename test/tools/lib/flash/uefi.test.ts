import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard } from "../../../../tools/lib/boards.ts";
import { flashUefi, type UefiFlashOptions } from "../../../../tools/lib/flash/uefi.ts";
import { tinyPe } from "../../../support/tiny-efi.ts";

const test = suite("flash UEFI");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-uefi-flash-"));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);
const board = loadBoard("uefi-x64");
const efi = tinyPe(tmp, "BOOTX64.EFI");

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected an error matching ${re}`);
}

function run(o: Partial<UefiFlashOptions> & { to: string }) {
  const printed: string[] = [];
  let built = 0;
  const p = flashUefi({ board, build: async () => (built++, { image: efi, outDir: tmp }), print: (t) => printed.push(t), interactive: false, ...o });
  return { p, printed, built: () => built };
}

test("a new disk image: a GPT that sfdisk verifies, the ESP at 1 MiB holding BOOTX64.EFI", async () => {
  const to = fresh("usb.img");
  const { p, printed } = run({ to, yes: true });
  assert.is((await p).written, true);
  assert.match(printed[0], /new disk image .*usb\.img/);
  assert.match(printed[0], /holding EFI\/BOOT\/BOOTX64\.EFI/);
  const dump = execFileSync("sfdisk", ["--dump", to], { encoding: "utf8" });
  assert.match(dump, /start= +2048, size= +16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B/);
  assert.match(execFileSync("sfdisk", ["--verify", to], { encoding: "utf8" }), /No errors detected/);
  const back = fresh("back.efi");
  execFileSync("mcopy", ["-i", `${to}@@1M`, "::/EFI/BOOT/BOOTX64.EFI", back]);
  assert.ok(readFileSync(back).equals(readFileSync(efi)));
  // Flashing the same image again replaces it: it is a disk this flasher wrote.
  await run({ to, yes: true }).p;
  assert.is(spawnSync("sfdisk", ["--verify", to]).status, 0);
});

test("an existing file that is not such a disk is refused; nothing is written", async () => {
  const to = fresh("photos.img");
  const data = Buffer.alloc(4 * 1024 * 1024, 0x42);
  writeFileSync(to, data);
  await rejects(run({ to, yes: true }).p, /is not a disk npm run flash wrote for a UEFI board: not overwriting it/);
  assert.ok(readFileSync(to).equals(data));
});

test("--dry-run prints the plan and writes nothing; without --yes and a terminal it refuses", async () => {
  const to = fresh("dry.img");
  const dry = run({ to, dryRun: true });
  assert.is((await dry.p).written, false);
  assert.is(dry.printed.at(-1), "dry run: nothing written");
  assert.not.ok(existsSync(to));
  await rejects(run({ to }).p, /refusing to write without confirmation/);
  assert.not.ok(existsSync(to));
  await rejects(run({ to, interactive: true, confirm: async () => false }).p, /not confirmed: nothing written/);
  assert.not.ok(existsSync(to));
});

test("a target in a folder that does not exist, or a folder, is refused before building", async () => {
  const missing = run({ to: path.join(tmp, "no-such-dir", "x.img"), yes: true });
  await rejects(missing.p, /does not exist/);
  assert.is(missing.built(), 0);
  const dir = run({ to: tmp, yes: true });
  await rejects(dir.p, /neither a block device nor a disk image file/);
  assert.is(dir.built(), 0);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
