// npm run flash --files (tools/lib/flash/files.ts through flash() and flashImx()): a folder's tree
// copied into a FAT image's boot partition (Pi) or the first FAT partition after the boot image
// (i.MX), read back with mtools (checksums) and fsck.vfat -n clean; names FAT cannot hold, case
// clashes, links, the flash's own names, a missing folder and a folder that does not fit are
// refused before anything is built or written.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard } from "../../../../tools/lib/boards.ts";
import { repoPath } from "../../../../tools/lib/paths.ts";
import { UserError } from "../../../../tools/lib/errors.ts";
import { collectFiles } from "../../../../tools/lib/flash/files.ts";
import { flash, type FlashOptions } from "../../../../tools/lib/flash/flash.ts";
import { flashImx, IMX_IVT_OFFSET } from "../../../../tools/lib/flash/imx.ts";
import { RPI_FIRMWARE_FILES } from "../../../../tools/lib/flash/plan.ts";

const test = suite("flash --files");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-flash-files-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);
const pizero = loadBoard("pizero");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const env = { ...process.env, MTOOLS_SKIP_CHECK: "1" };
/** mkfs.vfat and fsck.vfat live in /usr/sbin (dosfstools, ci/apt-packages.json). */
const sbin = (name: string) => [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin"].map((d) => path.join(d, name)).find((p) => existsSync(p)) ?? name;

function fakeFirmware(): string {
  const dir = fresh("rpi-firmware");
  mkdirSync(dir);
  for (const f of RPI_FIRMWARE_FILES) writeFileSync(path.join(dir, f), `dummy ${f}\n`);
  return dir;
}

function fakeBuild(): FlashOptions["build"] {
  const outDir = fresh("out");
  mkdirSync(outDir);
  writeFileSync(path.join(outDir, "kernel.img"), randomBytes(20000));
  return async () => ({ image: path.join(outDir, "kernel.img"), outDir });
}

function image(kib: number): string {
  const img = fresh("card.img");
  const r = spawnSync(sbin("mkfs.vfat"), ["-C", img, String(kib)], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return img;
}

/** A tree with a subfolder two deep, a long name with spaces and a binary file. */
function tree(): { dir: string; files: Record<string, Buffer> } {
  const dir = fresh("files");
  const files: Record<string, Buffer> = {
    "settings.json": Buffer.from('{"interval":5}\n'),
    "certs/Device Certificate.pem": Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
    "data/2026/samples.bin": randomBytes(50_000),
  };
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  mkdirSync(path.join(dir, "empty"));
  return { dir, files };
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, UserError, String(e));
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a UserError matching ${re}`);
}

test("the tree lands in the image beside the boot files: mtools reads the same bytes, fsck.vfat -n is clean", async () => {
  const img = image(8192);
  const { dir, files } = tree();
  const lines: string[] = [];
  await flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), files: dir, yes: true, build: fakeBuild(), print: (l) => lines.push(l) });
  for (const [name, bytes] of Object.entries(files)) {
    const r = spawnSync("mtype", ["-i", img, `::/${name}`], { env, maxBuffer: 1 << 20 });
    assert.is(r.status, 0, r.stderr.toString());
    assert.is(sha(r.stdout), sha(bytes), name);
  }
  const dirs = spawnSync("mdir", ["-/", "-b", "-i", img, "::/"], { env, encoding: "utf8" }).stdout;
  assert.match(dirs, /^::\/empty\/$/m);
  const out = lines.join("\n");
  assert.match(out, /mkdir\s+\S+::\/data\/2026\s/);
  assert.match(out, /write\s+\S+::\/data\/2026\/samples\.bin\s+50000 B/);
  assert.match(out, /wrote 8 files/); // three of the tree's, three firmware files, kernel.img, config.txt
  const fsck = spawnSync(sbin("fsck.vfat"), ["-n", img], { encoding: "utf8" });
  assert.is(fsck.status, 0, fsck.stdout + fsck.stderr);

  // Again over what is there: the tree's files are replaced, its folders kept.
  writeFileSync(path.join(dir, "settings.json"), '{"interval":7}\n');
  const again: string[] = [];
  await flash({ board: pizero, to: img, files: dir, yes: true, build: fakeBuild(), print: (l) => again.push(l) });
  assert.match(again.join("\n"), /replace\s+\S+::\/settings\.json/);
  assert.match(again.join("\n"), /keep\s+\S+::\/data\s+folder already on the target/);
  assert.is(spawnSync("mtype", ["-i", img, "::/settings.json"], { env, encoding: "utf8" }).stdout, '{"interval":7}\n');
  assert.is(spawnSync(sbin("fsck.vfat"), ["-n", img]).status, 0);
});

test("a folder target (a mounted boot partition) gets the tree too, folders matched without case", async () => {
  const boot = fresh("boot");
  mkdirSync(path.join(boot, "DATA"), { recursive: true });
  const { dir, files } = tree();
  await flash({ board: pizero, to: boot, firmwareDir: fakeFirmware(), files: dir, yes: true, build: fakeBuild(), print: () => {} });
  for (const [name, bytes] of Object.entries(files)) {
    const onCard = path.join(boot, name.replace(/^data\//, "DATA/"));
    assert.is(sha(readFileSync(onCard)), sha(bytes), name);
  }
  assert.ok(existsSync(path.join(boot, "empty")));
});

test("a folder that does not fit is refused before the first write, naming the sizes", async () => {
  const img = image(1024);
  const dir = fresh("big");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "huge.bin"), Buffer.alloc(2 << 20));
  const before = readFileSync(img);
  let built = 0;
  await rejects(
    flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), files: dir, yes: true, build: async () => (built++, fakeBuild()()), print: () => {} }),
    /too small for this flash: huge\.bin, bootcode\.bin.* need \d+ bytes .* but only \d+ bytes are free; nothing written/,
  );
  assert.ok(readFileSync(img).equals(before), "the image is unchanged");
  assert.is(built, 1); // the kernel's size is needed for the check
});

test("refused before the build: a missing folder, a file, a name FAT cannot hold, a case clash, a link, the flash's own names", async () => {
  const img = image(2048);
  const refuses = async (setup: (dir: string) => string, re: RegExp) => {
    const dir = fresh("bad");
    mkdirSync(dir);
    const files = setup(dir);
    let built = 0;
    await rejects(flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), files, yes: true, build: async () => (built++, fakeBuild()()), print: () => {} }), re);
    assert.is(built, 0, `not built for ${re}`);
  };
  await refuses((d) => path.join(d, "nope"), /--files .*nope: no such folder; nothing built or written/);
  await refuses((d) => (writeFileSync(path.join(d, "f"), "x"), path.join(d, "f")), /--files .*f: not a folder/);
  await refuses((d) => (mkdirSync(path.join(d, "sub")), writeFileSync(path.join(d, "sub", "a:b.txt"), "x"), d), /sub\/a:b\.txt: FAT cannot hold the name "a:b\.txt"/);
  await refuses((d) => (writeFileSync(path.join(d, "ends in a dot."), "x"), d), /FAT cannot hold the name "ends in a dot\."/);
  await refuses((d) => (writeFileSync(path.join(d, "Notes.txt"), "a"), writeFileSync(path.join(d, "notes.TXT"), "b"), d), /"notes\.TXT" and "Notes\.txt" are the same name on FAT/);
  await refuses((d) => (writeFileSync(path.join(d, "real"), "a"), symlinkSync("real", path.join(d, "link")), d), /link: a symbolic link/);
  await refuses((d) => (writeFileSync(path.join(d, "KERNEL.IMG"), "a"), d), /"KERNEL\.IMG" is a file the flash writes itself/);
});

test("i.MX: the tree goes into the card's FAT partition after the boot image; the image at 1 KiB, the MBR untouched", async () => {
  // A 16 MiB card: MBR, partition 1 FAT16 (0x0e) from 4 MiB, as docs/flashing.md says to make one.
  const img = fresh("imx-card.img");
  const start = 8192, total = 16 * 2048;
  const mbr = Buffer.alloc(512);
  mbr[0x1be + 4] = 0x0e;
  mbr.writeUInt32LE(start, 0x1be + 8);
  mbr.writeUInt32LE(total - start, 0x1be + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  writeFileSync(img, Buffer.concat([mbr, Buffer.alloc((total - 1) * 512)]));
  const mk = spawnSync(sbin("mkfs.vfat"), ["-F", "16", "--offset", String(start), img, String((total - start) / 2)], { encoding: "utf8" });
  assert.is(mk.status, 0, mk.stderr);
  const bootImage = fresh("firmware.imx");
  const boot = randomBytes(300_000);
  writeFileSync(bootImage, boot);
  const { dir, files } = tree();
  const imx = loadBoard("usbarmory-mk2");
  const lines: string[] = [];
  await flashImx({ board: imx, to: img, files: dir, yes: true, build: async () => ({ imxImage: bootImage }), print: (l) => lines.push(l) });
  assert.match(lines.join("\n"), /and the files into FAT image .* \(partition 1 at byte 4194304\):/);
  const out = readFileSync(img);
  assert.ok(out.subarray(0, 512).equals(mbr), "the MBR");
  assert.ok(out.subarray(IMX_IVT_OFFSET, IMX_IVT_OFFSET + boot.length).equals(boot), "the boot image");
  for (const [name, bytes] of Object.entries(files)) {
    const r = spawnSync("mtype", ["-i", `${img}@@${start * 512}`, `::/${name}`], { env, maxBuffer: 1 << 20 });
    assert.is(sha(r.stdout), sha(bytes), name);
  }
  const part = fresh("partition.img");
  writeFileSync(part, out.subarray(start * 512));
  const fsck = spawnSync(sbin("fsck.vfat"), ["-n", part], { encoding: "utf8" });
  assert.is(fsck.status, 0, fsck.stdout + fsck.stderr);

  // No place for files: USB download, a new image, a card with no FAT partition. Nothing built.
  let built = 0;
  const build = async () => (built++, { imxImage: bootImage });
  await rejects(flashImx({ board: imx, usb: true, files: dir, yes: true, build, loadOverUsb: async () => {}, print: () => {} }), /--files needs --to/);
  await rejects(flashImx({ board: imx, to: fresh("new.img"), files: dir, yes: true, build, print: () => {} }), /does not exist yet, so it has no FAT partition/);
  const bare = fresh("bare.img");
  writeFileSync(bare, Buffer.concat([Buffer.from(mbr.map((b, i) => (i >= 0x1be && i < 0x1ce ? 0 : b))), Buffer.alloc(1 << 20)]));
  await rejects(flashImx({ board: imx, to: bare, files: dir, yes: true, build, print: () => {} }), /has no FAT partition/);
  assert.is(built, 0);
});

test("npm run flash --files on a board whose card files() does not read (uefi-x64): refused before the build", () => {
  const r = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "flash", "--board", "uefi-x64", "--to", fresh("disk.img"), "--files", tmp, "--yes"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /--files: board 'uefi-x64' \(flash kind uefi\) has no card files\(\) reads; the Raspberry Pi and i\.MX boards take --files/);
});

test("collectFiles: folders parents first, files with their sizes; the flash's names are fine below the root", () => {
  const dir = fresh("t");
  mkdirSync(path.join(dir, "a", "b"), { recursive: true });
  writeFileSync(path.join(dir, "a", "b", "kernel.img"), "12345");
  writeFileSync(path.join(dir, "top.txt"), "");
  const t = collectFiles(dir, ["kernel.img"]);
  assert.equal(t.dirs, ["a", "a/b"]);
  assert.equal(t.files.map((f) => [f.name, f.bytes]), [["a/b/kernel.img", 5], ["top.txt", 0]]);
});

test.run();
