import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard, type Board } from "../../../../tools/lib/boards.ts";
import { buildFirmware } from "../../../../tools/lib/build.ts";
import { UserError } from "../../../../tools/lib/errors.ts";
import { repoPath } from "../../../../tools/lib/paths.ts";
import { mountOf } from "../../../../tools/lib/flash/block-device.ts";
import { rpiConfigTxt } from "../../../../tools/lib/flash/config-txt.ts";
import { flash, type FlashOptions } from "../../../../tools/lib/flash/flash.ts";
import { RPI_FIRMWARE_FILES } from "../../../../tools/lib/flash/plan.ts";
import { fakeSystem } from "../../../support/fake-system.ts";

const test = suite("flash");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-flash-"));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);

/** mkfs.vfat lives in /usr/sbin, which is not on a user's PATH on Debian. */
function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin"];
  return dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
}
const mkfs = findTool("mkfs.vfat");
const haveMtools = findTool("mcopy") !== undefined && findTool("mtype") !== undefined && findTool("mdir") !== undefined;

const pizero = loadBoard("pizero");

function fakeFirmware(): string {
  const dir = fresh("rpi-firmware");
  mkdirSync(dir);
  for (const f of RPI_FIRMWARE_FILES) writeFileSync(path.join(dir, f), `dummy ${f}\n`);
  return dir;
}

/** A stand-in for the build: a random kernel.img in its own out folder. */
function fakeBuild(): { build: FlashOptions["build"]; image: Buffer; calls: () => number } {
  const outDir = fresh("out");
  mkdirSync(outDir);
  const image = randomBytes(20000);
  writeFileSync(path.join(outDir, "kernel.img"), image);
  let calls = 0;
  return {
    image,
    calls: () => calls,
    build: async () => {
      calls++;
      return { image: path.join(outDir, "kernel.img"), outDir };
    },
  };
}

const quiet = { print: () => {} };

function mkfsImage(sizeKiB = 8192): string {
  const img = fresh("sd.img");
  const r = spawnSync(mkfs!, ["-C", img, String(sizeKiB)], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return img;
}

/** A disk image with an MBR whose partition 1 (FAT32 LBA, at sector 2048) holds the filesystem. */
function partitionedImage(): { img: string; offset: number } {
  const img = fresh("card.img");
  const startLba = 2048;
  const sizeKiB = 8192;
  const mbr = Buffer.alloc(512);
  const e = 0x1be;
  mbr[e + 4] = 0x0c;
  mbr.writeUInt32LE(startLba, e + 8);
  mbr.writeUInt32LE(sizeKiB * 2, e + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  writeFileSync(img, Buffer.concat([mbr, Buffer.alloc(startLba * 512 - 512 + sizeKiB * 1024)]));
  const r = spawnSync(mkfs!, ["--offset", String(startLba), img, String(sizeKiB)], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return { img, offset: startLba * 512 };
}

const mtools = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } });
  assert.is(r.status, 0, r.stderr.toString());
  return r.stdout;
};
const fatNames = (drive: string) =>
  mtools("mdir", ["-b", "-i", drive, "::/"])
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace("::/", "").toLowerCase())
    .sort();
const fatFile = (drive: string, name: string) => mtools("mtype", ["-i", drive, `::/${name}`]);

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });

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

test("a folder target gets kernel.img, config.txt and the firmware files", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  // A copy on a case-sensitive filesystem: KERNEL.IMG is replaced, not joined by kernel.img.
  writeFileSync(path.join(dir, "KERNEL.IMG"), "old");
  const fw = fakeFirmware();
  const b = fakeBuild();
  const lines: string[] = [];
  const r = await flash({ board: pizero, to: dir, firmwareDir: fw, yes: true, build: b.build, print: (l) => lines.push(l) });
  assert.ok(r.written);
  assert.equal(readdirSync(dir).sort(), ["KERNEL.IMG", "bootcode.bin", "config.txt", "fixup.dat", "start.elf"]);
  assert.ok(readFileSync(path.join(dir, "KERNEL.IMG")).equals(b.image));
  assert.is(readFileSync(path.join(dir, "config.txt"), "utf8"), rpiConfigTxt(pizero));
  assert.is(readFileSync(path.join(dir, "start.elf"), "utf8"), "dummy start.elf\n");
  const out = lines.join("\n");
  assert.match(out, /replace\s+\S*KERNEL\.IMG\s+20000 B/);
  assert.match(out, /write\s+\S*config\.txt/);
  assert.match(out, /wrote 5 files/);
});

test("firmware files already on the target are kept without --firmware", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  for (const f of RPI_FIRMWARE_FILES) writeFileSync(path.join(dir, f), "theirs");
  const lines: string[] = [];
  await flash({ board: pizero, to: dir, yes: true, build: fakeBuild().build, print: (l) => lines.push(l) });
  for (const f of RPI_FIRMWARE_FILES) assert.is(readFileSync(path.join(dir, f), "utf8"), "theirs");
  assert.match(lines.join("\n"), /keep\s+\S*start\.elf\s+already on the target/);
});

test("without the firmware files, flash refuses before building and says where to get them", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "bootcode.bin"), "x");
  const b = fakeBuild();
  await rejects(flash({ board: pizero, to: dir, yes: true, build: b.build, ...quiet }), /lacks the Raspberry Pi boot firmware \(start\.elf, fixup\.dat\).*github\.com\/raspberrypi\/firmware.*--firmware/);
  const partial = fakeFirmware();
  rmSync(path.join(partial, "fixup.dat"));
  await rejects(flash({ board: pizero, to: dir, firmwareDir: partial, yes: true, build: b.build, ...quiet }), /--firmware .* lacks fixup\.dat/);
  await rejects(flash({ board: pizero, to: dir, firmwareDir: fresh("nowhere"), yes: true, build: b.build, ...quiet }), /is not a folder/);
  assert.is(b.calls(), 0, "built although the target was refused");
  assert.equal(readdirSync(dir), ["bootcode.bin"]);
});

test("without a terminal and without --yes nothing is written; a no at the prompt writes nothing", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  const fw = fakeFirmware();
  const b = fakeBuild();
  await rejects(flash({ board: pizero, to: dir, firmwareDir: fw, interactive: false, build: b.build, ...quiet }), /stdin is not a terminal.*--yes/);
  let asked = "";
  const confirm = async (q: string) => ((asked = q), false);
  await rejects(flash({ board: pizero, to: dir, firmwareDir: fw, interactive: true, confirm, build: b.build, ...quiet }), /not confirmed/);
  assert.match(asked, /\[y\/N\]/);
  assert.equal(readdirSync(dir), []);
  const r = await flash({ board: pizero, to: dir, firmwareDir: fw, interactive: true, confirm: async () => true, build: b.build, ...quiet });
  assert.ok(r.written);
  assert.is(readdirSync(dir).length, 5);
});

test("--dry-run prints the plan and writes nothing", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  const lines: string[] = [];
  const r = await flash({ board: pizero, to: dir, firmwareDir: fakeFirmware(), dryRun: true, interactive: false, build: fakeBuild().build, print: (l) => lines.push(l) });
  assert.not.ok(r.written);
  assert.equal(readdirSync(dir), []);
  const out = lines.join("\n");
  for (const f of ["kernel.img", "config.txt", ...RPI_FIRMWARE_FILES]) assert.match(out, new RegExp(`write\\s+\\S*${f.replace(".", "\\.")}\\s+\\d+ B`));
  assert.match(out, /dry run: nothing written/);
});

test("a board without a flash entry, a missing target and a non-FAT file are refused", async () => {
  const b = fakeBuild();
  const notFlashable: Board = { ...pizero, flash: undefined };
  await rejects(flash({ board: notFlashable, to: tmp, yes: true, build: b.build, ...quiet }), /board 'pizero' cannot be flashed: its board.json has no "flash" entry \(flashable boards: .*pizero/);
  await rejects(flash({ board: pizero, to: fresh("missing"), yes: true, build: b.build, ...quiet }), /does not exist: pass a mounted boot partition/);
  if (haveMtools) {
    const junk = fresh("junk.img");
    writeFileSync(junk, Buffer.alloc(4096));
    await rejects(flash({ board: pizero, to: junk, yes: true, build: b.build, ...quiet }), /neither a FAT filesystem nor an MBR/);
  }
  assert.is(b.calls(), 0);
});

test("an unknown board and a missing --to are CLI errors", () => {
  const r = cli(["flash", "--board", "pi9", "--to", tmp]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /unknown board 'pi9'/);
  const t = cli(["flash", "--board", "pizero"]);
  assert.is(t.status, 1);
  assert.match(t.stderr, /flash needs --to/);
});

test("an empty kernel.img from the build is refused before anything is written (exit 2)", async () => {
  const dir = fresh("boot");
  mkdirSync(dir);
  const outDir = fresh("out");
  mkdirSync(outDir);
  writeFileSync(path.join(outDir, "kernel.img"), "");
  await rejects(
    flash({ board: pizero, to: dir, firmwareDir: fakeFirmware(), yes: true, build: async () => ({ image: path.join(outDir, "kernel.img"), outDir }), ...quiet }),
    /image refused: .*kernel\.img is empty/,
  );
  assert.equal(readdirSync(dir), []);
});

if (mkfs && haveMtools) {
  const freeBytes = (img: string) => Number(/([\d ]+) bytes free/.exec(mtools("mdir", ["-i", img, "::/"]).toString())![1].replace(/ /g, ""));
  /** Leaves `clusters` 2 KiB clusters free (mkfs.vfat's cluster size for a 1 MiB image) with a filler file. */
  const fillTo = (img: string, clusters: number) => {
    const filler = fresh("filler");
    writeFileSync(filler, Buffer.alloc(freeBytes(img) - clusters * 2048));
    mtools("mcopy", ["-i", img, filler, "::/filler.bin"]);
    assert.is(freeBytes(img), clusters * 2048);
  };

  test("a FAT image too small for the files is refused before the first write, naming the sizes", async () => {
    const img = mkfsImage(1024);
    // Room for the three firmware files, not for kernel.img: mcopy wrote 3 of 5 files, then failed.
    fillTo(img, 6);
    const before = readFileSync(img);
    const b = fakeBuild();
    await rejects(
      flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), yes: true, build: b.build, ...quiet }),
      /too small for this flash: bootcode\.bin, start\.elf, fixup\.dat, kernel\.img, config\.txt need \d+ bytes \(in 2048-byte clusters, with directory entries\) but only 12288 bytes are free; nothing written/,
    );
    assert.ok(readFileSync(img).equals(before), "the image was changed");
    await rejects(flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), dryRun: true, build: b.build, ...quiet }), /too small for this flash/);
  });

  test("the clusters of a replaced kernel.img count as free", async () => {
    const img = mkfsImage(1024);
    await flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), yes: true, build: fakeBuild().build, ...quiet });
    // kernel.img (20000 B) and config.txt are replaced: 10 + 1 clusters freed, 11 needed.
    fillTo(img, 0);
    const again = fakeBuild();
    await flash({ board: pizero, to: img, yes: true, build: again.build, ...quiet });
    assert.ok(fatFile(img, "kernel.img").equals(again.image));
  });

  test("a bare FAT image gets the built kernel.img and config.txt (real build, read back with mtools)", async () => {
    const img = mkfsImage();
    let built = "";
    await flash({
      board: pizero,
      to: img,
      firmwareDir: fakeFirmware(),
      yes: true,
      build: async () => {
        const fw = await buildFirmware({ board: "pizero" });
        built = fw.image;
        return { image: fw.image, outDir: fw.outDir };
      },
      ...quiet,
    });
    assert.equal(fatNames(img), ["bootcode.bin", "config.txt", "fixup.dat", "kernel.img", "start.elf"]);
    assert.ok(fatFile(img, "kernel.img").equals(readFileSync(built)), "kernel.img differs from the built image");
    assert.is(fatFile(img, "config.txt").toString(), rpiConfigTxt(pizero));
    assert.is(fatFile(img, "fixup.dat").toString(), "dummy fixup.dat\n");
  });

  test("a partitioned image is written in its first FAT partition; the MBR is left alone", async () => {
    const { img, offset } = partitionedImage();
    const mbrBefore = readFileSync(img).subarray(0, 512);
    const b = fakeBuild();
    const lines: string[] = [];
    await flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), yes: true, build: b.build, print: (l) => lines.push(l) });
    const drive = `${img}@@${offset}`;
    assert.equal(fatNames(drive), ["bootcode.bin", "config.txt", "fixup.dat", "kernel.img", "start.elf"]);
    assert.ok(fatFile(drive, "kernel.img").equals(b.image));
    assert.is(fatFile(drive, "config.txt").toString(), rpiConfigTxt(pizero));
    assert.ok(readFileSync(img).subarray(0, 512).equals(mbrBefore));
    assert.match(lines.join("\n"), /partition 1 at byte 1048576/);
    // Flashing again replaces kernel.img and keeps the firmware files.
    const again = fakeBuild();
    const more: string[] = [];
    await flash({ board: pizero, to: img, yes: true, build: again.build, print: (l) => more.push(l) });
    assert.ok(fatFile(drive, "kernel.img").equals(again.image));
    assert.match(more.join("\n"), /keep\s+\S*bootcode\.bin/);
    assert.match(more.join("\n"), /replace\s+\S*kernel\.img/);
  });

  test("--dry-run leaves a FAT image byte for byte as it was", async () => {
    const img = mkfsImage();
    const before = readFileSync(img);
    await flash({ board: pizero, to: img, firmwareDir: fakeFirmware(), dryRun: true, build: fakeBuild().build, ...quiet });
    assert.ok(readFileSync(img).equals(before));
  });

  test("npm run flash refuses without a terminal and without --yes (nothing written)", () => {
    const img = mkfsImage();
    const before = readFileSync(img);
    const r = cli(["flash", "--board", "pizero", "--to", img, "--firmware", fakeFirmware()]);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stdout, /Flash pizero .* to FAT image/);
    assert.match(r.stderr, /refusing to write without confirmation: stdin is not a terminal/);
    assert.ok(readFileSync(img).equals(before));
  });

  test("npm run flash --yes writes the image; a missing mtools names its Debian package", () => {
    const img = mkfsImage();
    const r = cli(["flash", "--board", "pi1", "--to", img, "--firmware", fakeFirmware(), "--yes"]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote 5 files/);
    assert.match(fatFile(img, "config.txt").toString(), /board 'pi1'/);
    const bin = fresh("bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, "node"));
    const m = cli(["flash", "--board", "pi1", "--to", img, "--yes"], { ...process.env, PATH: bin });
    assert.is(m.status, 1);
    assert.match(m.stderr, /mcopy not found: install the Debian package mtools/);
  });
} else {
  console.log("flash: SKIPPED the FAT image tests: mkfs.vfat (dosfstools) or mtools missing; npm run setup installs them");
}

test("a folder target not on FAT gets a warning in the plan", async () => {
  const s = fakeSystem(fresh("sysroot"));
  const dir = fresh("boot");
  mkdirSync(dir);
  s.set("proc/mounts", `/dev/sdy2 / ext4 rw 0 0\n/dev/sdz1 ${dir} vfat rw 0 0\n`);
  assert.is(mountOf(path.join(dir, "x"), s)?.fsType, "vfat");
  const lines: string[] = [];
  await flash({ board: pizero, to: dir, firmwareDir: fakeFirmware(), dryRun: true, build: fakeBuild().build, roots: s, print: (l) => lines.push(l) });
  assert.not.match(lines.join("\n"), /warning/);
  s.set("proc/mounts", "/dev/sdy2 / ext4 rw 0 0\n");
  lines.length = 0;
  await flash({ board: pizero, to: dir, firmwareDir: fakeFirmware(), dryRun: true, build: fakeBuild().build, roots: s, print: (l) => lines.push(l) });
  assert.match(lines.join("\n"), /warning: .* is on ext4, not on a FAT boot partition/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
