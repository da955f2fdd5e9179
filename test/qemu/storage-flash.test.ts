/**
 * `npm run flash --files` end to end on pizero: the CLI writes the Pi's boot files and a folder's
 * tree into the FAT partition of an MBR disk image; mtools reads the tree back (checksums),
 * fsck.vfat -n finds it clean; then QEMU boots the firmware with that image as its SD card
 * (`--disk`) and the firmware reads the host's files through files().
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { RPI_FIRMWARE_FILES } from "../../tools/lib/flash/plan.ts";
import { inTempDir } from "../support/temp-dir.ts";

const test = suite("flash --files, then boot the card");
const env = { ...process.env, MTOOLS_SKIP_CHECK: "1" };

function fnv(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A 64 MiB card (QEMU's SD model takes powers of two; FAT32 needs 65,525 clusters): an MBR, partition 1 FAT32 LBA from 1 MiB, formatted by mkfs.vfat. */
function card(file: string): number {
  const start = 2048, total = 64 * 2048;
  const mbr = Buffer.alloc(512);
  mbr[0x1be + 4] = 0x0c;
  mbr.writeUInt32LE(start, 0x1be + 8);
  mbr.writeUInt32LE(total - start, 0x1be + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  writeFileSync(file, Buffer.concat([mbr, Buffer.alloc((total - 1) * 512)]));
  const r = spawnSync("mkfs.vfat", ["-F", "32", "-n", "BOOT", "--offset", String(start), file, String((total - start) / 2)], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return start * 512;
}

test("pizero: flash --files to an image, mtools and fsck check it, the firmware reads the files from the card", () =>
  inTempDir("storage-flash-", async (dir) => {
    const img = path.join(dir, "card.img");
    const offset = card(img);
    const firmware = path.join(dir, "rpi-firmware");
    mkdirSync(firmware);
    for (const f of RPI_FIRMWARE_FILES) writeFileSync(path.join(firmware, f), `stand-in ${f}\n`);
    const files = path.join(dir, "files");
    mkdirSync(path.join(files, "data", "2026"), { recursive: true });
    const settings = Buffer.from('{"interval":5}\n');
    const samples = randomBytes(70_000);
    writeFileSync(path.join(files, "settings.json"), settings);
    writeFileSync(path.join(files, "data", "2026", "samples.bin"), samples);

    const app = fixture("storage/flashed.ts");
    const cli = spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "flash", "--board", "pizero", "--app", app, "--to", img, "--firmware", firmware, "--files", files, "--yes"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.is(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /wrote 7 files to /);

    const drive = `${img}@@${offset}`;
    const mtype = (name: string) => spawnSync("mtype", ["-i", drive, `::/${name}`], { env, maxBuffer: 1 << 22 }).stdout;
    assert.is(fnv(mtype("settings.json")), fnv(settings));
    assert.is(fnv(mtype("data/2026/samples.bin")), fnv(samples));
    // fsck.vfat takes no offset: the partition is checked as a file of its own.
    const part = path.join(dir, "partition.img");
    writeFileSync(part, readFileSync(img).subarray(offset));
    const fsck = spawnSync("fsck.vfat", ["-n", part], { encoding: "utf8" });
    assert.is(fsck.status, 0, fsck.stdout + fsck.stderr);

    // The kernel.img the flash wrote is the build's (the same app, built again from the cache).
    const fw = await build(app, { board: "pizero" });
    const kernel = readFileSync(path.join(path.dirname(fw.elf), "kernel.img"));
    const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", disk: img, mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
    assert.is(r.code, 0, r.output + r.stderr);
    assert.is(r.output, [
      `sum /settings.json ${settings.length} ${fnv(settings)}`,
      `sum /data/2026/samples.bin ${samples.length} ${fnv(samples)}`,
      `sum /kernel.img ${kernel.length} ${fnv(kernel)}`,
      "root bootcode.bin,config.txt,data,fixup.dat,kernel.img,settings.json,start.elf",
      "",
    ].join("\n"));
  }));

test.run();
