import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkEfiImage, makeEfiDisk, makeEsp, ESP_BYTES } from "../../../tools/lib/efi-image.ts";
import { tinyPe } from "../../support/tiny-efi.ts";

// The boot image checks and the ESP/disk makers of tools/lib/efi-image.ts; the image the board's
// build links is checked with objdump and booted in test/qemu/uefi.test.ts.
const test = suite("EFI image");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-efi-"));

test("an EFI application passes; a PE of another subsystem, an ELF or a truncated file is refused", () => {
  checkEfiImage(tinyPe(tmp, "app.efi"));
  assert.throws(() => checkEfiImage(tinyPe(tmp, "console.exe", 3)), /is not a PE32\+ EFI application for x86-64/);
  const elf = path.join(tmp, "tool.elf");
  copyFileSync(process.execPath, elf);
  assert.throws(() => checkEfiImage(elf), /is not a PE32\+ EFI application/);
  const short = path.join(tmp, "short.efi");
  writeFileSync(short, readFileSync(path.join(tmp, "app.efi")).subarray(0, 100));
  assert.throws(() => checkEfiImage(short), /is not a PE32\+ EFI application/);
  assert.throws(() => checkEfiImage(path.join(tmp, "missing.efi")), /cannot read the boot image/);
});

test("the ESP is a FAT file system holding EFI/BOOT/BOOTX64.EFI (read back with mtools)", async () => {
  const efi = tinyPe(tmp, "boot.efi");
  const esp = path.join(tmp, "esp.img");
  await makeEsp(efi, esp);
  assert.is(readFileSync(esp).length, ESP_BYTES);
  const back = path.join(tmp, "back.efi");
  execFileSync("mcopy", ["-i", esp, "::/EFI/BOOT/BOOTX64.EFI", back]);
  assert.ok(readFileSync(back).equals(readFileSync(efi)));
});

test("the disk's first partition is that ESP (mtools at the partition's offset)", async () => {
  const efi = tinyPe(tmp, "disk.efi");
  const disk = path.join(tmp, "disk.img");
  await makeEfiDisk(efi, disk);
  const back = path.join(tmp, "disk-back.efi");
  execFileSync("mcopy", ["-i", `${disk}@@1M`, "::/EFI/BOOT/BOOTX64.EFI", back]);
  assert.ok(readFileSync(back).equals(readFileSync(efi)));
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
