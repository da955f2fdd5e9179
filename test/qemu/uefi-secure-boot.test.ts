import { suite } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { build, fixture } from "./boot.ts";
import { runQemu, type QemuResult } from "../../tools/lib/qemu.ts";
import type { Board } from "../../tools/lib/boards.ts";
import { EFI_DISK_NAME, makeEfiDisk } from "../../tools/lib/efi-image.ts";
import { PASSPHRASE_ENV } from "../../tools/lib/efi-sign.ts";
import { repoPath } from "../../tools/lib/paths.ts";

// UEFI Secure Boot on uefi-x64 (docs/boards/uefi-x64.md, "Secure Boot"): Debian's OVMF built with
// Secure Boot (OVMF_CODE_4M.secboot.fd, which needs SMM) and a variable store whose db holds the
// "snakeoil" test key (OVMF_VARS_4M.snakeoil.fd, key and certificate beside it). `npm run flash
// --sign-key --sign-cert` signs BOOTX64.EFI with sbsign; the firmware starts it, and refuses the
// unsigned image and a signed one changed afterwards ("Access Denied": the load fails with
// EFI_SECURITY_VIOLATION, UEFI 2.10, 32.4.2) before any of its code runs.
const test = suite("UEFI Secure Boot (OVMF secboot, snakeoil keys)");
const OVMF = "/usr/share/OVMF";
const KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key";
const CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem";
// OVMF's boot manager names a refused boot option so (BdsDxe), then goes on to the next one.
const REFUSED = /BdsDxe: failed to load Boot\d+ .*: Access Denied/;
// Long enough for OVMF (with SMM, under TCG) to reach and refuse the disk's boot option.
const REFUSED_TIMEOUT_S = 120;

/** Boots `disk` on the Secure Boot OVMF, with a copy of the snakeoil variable store. */
async function secureBoot(board: Board, elf: string, disk: string, dir: string): Promise<QemuResult> {
  // runQemu boots the disk beside the ELF (tools/lib/qemu.ts).
  const runDir = mkdtempSync(path.join(dir, "run-"));
  copyFileSync(elf, path.join(runDir, "firmware.elf"));
  copyFileSync(disk, path.join(runDir, EFI_DISK_NAME));
  const vars = path.join(runDir, "OVMF_VARS_4M.snakeoil.fd");
  copyFileSync(path.join(OVMF, "OVMF_VARS_4M.snakeoil.fd"), vars);
  const uefi = { ...board.qemu.uefi!, code: path.join(OVMF, "OVMF_CODE_4M.secboot.fd"), vars };
  // A refused image leaves OVMF going through its other boot options (its shell, which waits for
  // a key): such a run ends at the timeout, with OVMF's console text as the output.
  return runQemu({
    board: { ...board, qemu: { ...board.qemu, uefi } },
    elf: path.join(runDir, "firmware.elf"),
    timeoutS: REFUSED_TIMEOUT_S,
    input: "",
    onOutput: () => {},
    // The secboot build keeps its variables in SMM (OvmfPkg README, "SMM support").
    extraArgs: ["-machine", "smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on"],
  });
}

test("a signed image boots; the unsigned one and a tampered signed one are refused by the firmware", async () => {
  const fw = await build(fixture("exit-code.ts"), { board: "uefi-x64" });
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-secboot-"));
  try {
    const signedDisk = path.join(dir, "signed.img");
    // The snakeoil key is encrypted; its passphrase is in Debian's README.Debian of ovmf.
    const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "flash", "--board", "uefi-x64", "--app", fixture("exit-code.ts"), "--to", signedDisk, "--yes", "--sign-key", KEY, "--sign-cert", CERT], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, [PASSPHRASE_ENV]: "snakeoil" },
      timeout: 600_000,
    });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /signed for Secure Boot with /);

    const signed = await secureBoot(fw.board, fw.elf, signedDisk, dir);
    assert.is(signed.output, "exiting with 42\n");
    assert.is(signed.code, 42);

    const unsigned = await secureBoot(fw.board, fw.elf, path.join(fw.outDir, EFI_DISK_NAME), dir);
    assert.match(unsigned.output, REFUSED);
    assert.not.match(unsigned.output, /exiting with 42/);
    assert.ok(unsigned.timedOut, "still in OVMF after the refusal");

    // One byte of the signed image's payload changed: the Authenticode hash no longer matches.
    const tamperedEfi = path.join(dir, "BOOTX64.EFI");
    const copy = spawnSync("mcopy", ["-i", `${signedDisk}@@1M`, "::/EFI/BOOT/BOOTX64.EFI", tamperedEfi], { encoding: "utf8" });
    assert.is(copy.status, 0, copy.stderr);
    const image = readFileSync(tamperedEfi);
    const at = image.length >> 1;
    image[at] ^= 0x01;
    writeFileSync(tamperedEfi, image);
    const tamperedDisk = path.join(dir, "tampered.img");
    await makeEfiDisk(tamperedEfi, tamperedDisk);
    const tampered = await secureBoot(fw.board, fw.elf, tamperedDisk, dir);
    assert.match(tampered.output, REFUSED);
    assert.not.match(tampered.output, /exiting with 42/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("signing refuses half the options, other boards, and an encrypted key without its passphrase, never waiting for a terminal", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-secboot-"));
  try {
    const env = { ...process.env };
    delete env[PASSPHRASE_ENV];
    const flash = (...args: string[]) => spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "flash", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env, timeout: 600_000 });
    const half = flash("--board", "uefi-x64", "--to", path.join(dir, "x.img"), "--sign-key", KEY);
    assert.is(half.status, 1, half.stderr);
    assert.match(half.stderr, /--sign-key and --sign-cert go together/);
    const pi = flash("--board", "pizero", "--to", path.join(dir, "x.img"), "--sign-key", KEY, "--sign-cert", CERT);
    assert.is(pi.status, 1, pi.stderr);
    assert.match(pi.stderr, /board 'pizero' has no boot image signing here/);
    const locked = flash("--board", "uefi-x64", "--app", fixture("exit-code.ts"), "--to", path.join(dir, "x.img"), "--yes", "--sign-key", KEY, "--sign-cert", CERT);
    assert.is(locked.status, 1, locked.stderr);
    assert.match(locked.stderr, /PkKek-1-snakeoil\.key is encrypted: put its passphrase in the environment variable TSMETAL_SIGN_PASSPHRASE/);
    assert.not.ok(existsSync(path.join(dir, "x.img")), "nothing written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
