/**
 * stacks/fat/files.ts (with the whole FAT stack under it) against dosfstools and mtools:
 * images made by mkfs.vfat as FAT12, FAT16 and FAT32, files put there by mcopy read back, files
 * written here read back by mtype, fsck.vfat -n clean after every test that writes. All in
 * process: the image's bytes are a RamDisk (drivers/block/ram-disk.ts).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import path from "node:path";
import { RamDisk } from "../../../drivers/block/ram-disk.ts";
import { Files } from "../../../stacks/fat/files.ts";
import { FsError } from "../../../stacks/fat/errors.ts";
import { bytesOf, fsck, mget, mkfs, mls, mmd, mput, save } from "../../support/fat-image.ts";
import { inTempDir } from "../../support/temp-dir.ts";

const TYPES = [
  { type: 12, kib: 1024 },
  { type: 16, kib: 16384 },
  { type: 32, kib: 40960 },
] as const;

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const pattern = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, FsError);
    assert.instance(e, Error);
    return (e as FsError).code;
  }
  return "no error";
}

/** Mounts `image` over a RamDisk; after `fn`, writes the bytes back and checks fsck. */
async function withImage(image: string, fn: (files: Files, disk: RamDisk) => Promise<void>, options: { readOnly?: boolean } = {}): Promise<void> {
  const disk = new RamDisk(bytesOf(image), options);
  await fn(await Files.mount(disk), disk);
  save(image, disk.bytes);
  const verdict = fsck(image);
  assert.ok(verdict.clean, verdict.output);
}

for (const { type, kib } of TYPES) {
  test(`FAT${type}: reads what mtools put there, long names and subdirectories included`, () =>
    inTempDir("fat-read-", async (dir) => {
      const img = mkfs(path.join(dir, "card.img"), type, kib);
      const big = pattern(70_000, type);
      mput(img, "/README.TXT", "short name\n", dir);
      mmd(img, "/Some Folder");
      mput(img, "/Some Folder/A rather long file name.bin", big, dir);
      mput(img, "/lower.txt", "lower", dir);
      await withImage(img, async (files) => {
        assert.equal((await files.readdir("/")).sort(), ["README.TXT", "Some Folder", "lower.txt"]);
        assert.equal(await files.readFile("/README.TXT", "utf8"), "short name\n");
        assert.equal(await files.readFile("/lower.txt", { encoding: "utf8" }), "lower");
        const read = await files.readFile("/Some Folder/A rather long file name.bin");
        assert.is(sha(read), sha(big));
        // FAT names are case-insensitive.
        assert.is(sha(await files.readFile("/some folder/A RATHER LONG FILE NAME.BIN")), sha(big));
        const st = await files.stat("/Some Folder/A rather long file name.bin");
        assert.is(st.size, 70_000);
        assert.ok(st.isFile());
        assert.ok((await files.stat("/Some Folder")).isDirectory());
        const dirents = await files.readdir("/Some Folder", { withFileTypes: true });
        assert.equal(dirents.map((d) => [d.name, d.isFile()]), [["A rather long file name.bin", true]]);
        assert.is(await code(files.readFile("/missing.txt")), "ENOENT");
        assert.is(await code(files.readFile("/Some Folder")), "EISDIR");
        assert.is(await code(files.readdir("/README.TXT")), "ENOTDIR");
      });
    }));

  test(`FAT${type}: what it writes mtools reads back, and fsck.vfat -n finds it clean`, () =>
    inTempDir("fat-write-", async (dir) => {
      const img = mkfs(path.join(dir, "card.img"), type, kib);
      mput(img, "/keep.txt", "keep me", dir);
      const big = pattern(300_000, 7);
      await withImage(img, async (files) => {
        await files.writeFile("/notes.txt", "written by the firmware\n");
        await files.appendFile("/notes.txt", "and appended\n");
        await files.mkdir("/logs/2026/december", { recursive: true });
        await files.writeFile("/logs/2026/december/A long name, with spaces.log", big);
        await files.writeFile("/UPPER.TXT", "upper");
        for (let i = 0; i < 40; i++) await files.writeFile(`/logs/entry number ${i}.txt`, `entry ${i}`); // grows the directory past a cluster
        const h = await files.open("/handle.bin", "w+");
        await h.write(pattern(1000, 3));
        await h.write(new Uint8Array([1, 2, 3]), 5000); // past the end: a gap of zeros
        await h.sync();
        const back = new Uint8Array(5003);
        assert.is((await h.read(back, 0, 5003, 0)).bytesRead, 5003);
        assert.equal([...back.subarray(1000, 1004)], [0, 0, 0, 0]);
        await h.close();
        assert.is(await code(h.write("x")), "EBADF");
      });
      assert.is(mget(img, "/notes.txt").toString(), "written by the firmware\nand appended\n");
      assert.is(sha(mget(img, "/logs/2026/december/A long name, with spaces.log")), sha(big));
      assert.is(mget(img, "/UPPER.TXT").toString(), "upper");
      assert.is(mget(img, "/keep.txt").toString(), "keep me");
      assert.is(mget(img, "/logs/entry number 39.txt").toString(), "entry 39");
      assert.is(mls(img, "/logs").length, 41);
      const handle = mget(img, "/handle.bin");
      assert.is(handle.length, 5003);
      assert.equal([...handle.subarray(5000)], [1, 2, 3]);
    }));

  test(`FAT${type}: directory operations: rename, move, rm, rmdir and their errors`, () =>
    inTempDir("fat-dirs-", async (dir) => {
      const img = mkfs(path.join(dir, "card.img"), type, kib);
      await withImage(img, async (files) => {
        await files.mkdir("/a");
        await files.mkdir("/b");
        await files.writeFile("/a/one.txt", "1");
        await files.writeFile("/a/two.txt", "2");
        assert.is(await code(files.mkdir("/a")), "EEXIST");
        assert.is(await code(files.mkdir("/x/y")), "ENOENT");
        assert.is(await code(files.mkdir("/a/one.txt/z")), "ENOTDIR");
        assert.is(await code(files.open("/a/one.txt", "wx")), "EEXIST");
        assert.is(await code(files.rmdir("/a")), "ENOTEMPTY");
        assert.is(await code(files.rm("/a")), "EISDIR");
        assert.is(await code(files.rm("/nothing")), "ENOENT");
        await files.rm("/nothing", { force: true });
        assert.is(await code(files.writeFile("/a/bad:name", "")), "EINVAL");
        await files.rename("/a/one.txt", "/b/One renamed.txt");
        await files.rename("/a/two.txt", "/b/One renamed.txt"); // replaces it
        assert.is(await files.readFile("/b/One renamed.txt", "utf8"), "2");
        await files.writeFile("/a/three.txt", "3");
        await files.rename("/a", "/b/a moved"); // a directory to another parent: its ".." follows
        assert.is(await code(files.rename("/b", "/b/a moved/inner")), "EINVAL");
        assert.equal((await files.readdir("/b")).sort(), ["One renamed.txt", "a moved"]);
        assert.is(await files.readFile("/b/a moved/three.txt", "utf8"), "3");
        // The moved directory's ".." entry (its second, fatgen103 6.6) names its new parent.
        const b = (await files.dir(files.volume.rootCluster)).find("b");
        const moved = b && (await files.dir(b.cluster)).find("a moved");
        assert.ok(b && moved);
        const g = files.volume.g;
        const first = await files.volume.dev.read(g.dataStart + (moved.cluster - 2) * g.sectorsPerCluster, 1);
        assert.is(first[32 + 26] | (first[32 + 27] << 8) | ((first[32 + 20] | (first[32 + 21] << 8)) << 16), b.cluster);
        await files.mkdir("/empty");
        await files.rmdir("/empty");
        await files.writeFile("/b/a moved/deeper.txt", "d");
        await files.rm("/b", { recursive: true });
        assert.equal(await files.readdir("/"), []);
      });
      assert.equal(mls(img, "/"), []);
    }));

  test(`FAT${type}: a full disk is ENOSPC and leaves every other file as it was`, () =>
    inTempDir("fat-full-", async (dir) => {
      const img = mkfs(path.join(dir, "card.img"), type, kib);
      const keep = pattern(10_000, 9);
      mput(img, "/keep.bin", keep, dir);
      await withImage(img, async (files) => {
        assert.is(await code(files.writeFile("/huge.bin", new Uint8Array(kib * 1024))), "ENOSPC");
        assert.is((await files.stat("/huge.bin")).size, 0);
        // Fill it up in pieces, then one more append fails and the file keeps what it had.
        let written = 0;
        const chunk = pattern((kib * 1024) / 32, 1);
        for (;;) {
          const c = await code(files.appendFile("/fill.bin", chunk));
          if (c === "ENOSPC") break;
          assert.is(c, "no error");
          written += chunk.length;
        }
        assert.is((await files.stat("/fill.bin")).size, written);
        assert.is(sha(await files.readFile("/keep.bin")), sha(keep));
      });
      assert.is(sha(mget(img, "/keep.bin")), sha(keep));
    }));
}

test("FAT16's fixed root directory full: ENOSPC, and the files made before it stay; an open file cannot be removed", () =>
  inTempDir("fat-root-", async (dir) => {
    const img = mkfs(path.join(dir, "card.img"), 16, 16384, ["-r", "16"]);
    await withImage(img, async (files) => {
      let made = 0;
      for (;;) {
        const c = await code(files.writeFile(`/file number ${made}.txt`, `${made}`));
        if (c === "ENOSPC") break;
        assert.is(c, "no error");
        made++;
      }
      // mkfs.vfat rounds -r up (to align the data region): the boot sector says how many. Each
      // file takes three: two long-name entries ("file number N.txt" is 17 or 18 units) and its short one.
      const boot = bytesOf(img);
      assert.is(made, Math.floor((boot[17] | (boot[18] << 8)) / 3));
      assert.is(await files.readFile("/file number 7.txt", "utf8"), "7");
      const h = await files.open("/file number 0.txt", "r+");
      assert.is(await code(files.rm("/file number 0.txt")), "EBUSY");
      assert.is(await code(files.rename("/file number 0.txt", "/x.txt")), "EBUSY");
      await h.close();
      await files.rm("/file number 0.txt");
      assert.is((await files.readdir("/")).length, made - 1);
    });
  }));

test("a read-only disk: reading works, writing is EROFS", () =>
  inTempDir("fat-ro-", async (dir) => {
    const img = mkfs(path.join(dir, "card.img"), 16, 16384);
    mput(img, "/a.txt", "a", dir);
    await withImage(img, async (files) => {
      assert.is(await files.readFile("/a.txt", "utf8"), "a");
      assert.is(await code(files.writeFile("/b.txt", "b")), "EROFS");
      assert.is(await code(files.mkdir("/d")), "EROFS");
      assert.is(await code(files.rm("/a.txt")), "EROFS");
    }, { readOnly: true });
  }));

test("a FAT volume inside an MBR partition is found and written", () =>
  inTempDir("fat-mbr-", async (dir) => {
    const vol = mkfs(path.join(dir, "vol.img"), 16, 16384);
    mput(vol, "/in-partition.txt", "inside", dir);
    const volBytes = bytesOf(vol);
    const start = 2048;
    const disk = new Uint8Array(start * 512 + volBytes.length);
    disk.set(volBytes, start * 512);
    const e = 446; // partition entry 1: type 0x0e (FAT16 LBA), start, size
    disk[e + 4] = 0x0e;
    new DataView(disk.buffer).setUint32(e + 8, start, true);
    new DataView(disk.buffer).setUint32(e + 12, volBytes.length / 512, true);
    disk[510] = 0x55;
    disk[511] = 0xaa;
    const files = await Files.mount(new RamDisk(disk));
    assert.is(await files.readFile("/in-partition.txt", "utf8"), "inside");
    await files.writeFile("/from-firmware.txt", "ok");
    save(vol, disk.subarray(start * 512));
    assert.ok(fsck(vol).clean);
    assert.is(mget(vol, "/from-firmware.txt").toString(), "ok");
  }));

for (const { type, kib } of TYPES) {
  test(`FAT${type}: a reset while a handle has unsynced writes leaves a clean volume, whatever ran in between`, () =>
    inTempDir("fat-reset-", async (dir) => {
      const img = mkfs(path.join(dir, "card.img"), type, kib);
      const first = pattern(10_000, 1), second = pattern(9_000, 2);
      const disk = new RamDisk(bytesOf(img));
      const files = await Files.mount(disk);
      // The disk's bytes at a reset: what the device holds then, nothing of the cache.
      const resetNow = (name: string) => {
        const copy = path.join(dir, name);
        save(copy, disk.bytes.slice());
        return copy;
      };
      const h = await files.open("/log.bin", "w");
      await h.write(first);
      const quiet = resetNow("quiet.img"); // nothing flushed the FAT: the clusters are still free
      // Another file's write flushes the FAT, with log.bin's new clusters in it: log.bin's
      // directory entry must be written with them, or they are lost clusters.
      await files.writeFile("/other.txt", "synced");
      await h.write(second);
      const between = resetNow("between.img");
      for (const [copy, log] of [[quiet, new Uint8Array(0)], [between, first]] as const) {
        const verdict = fsck(copy);
        assert.ok(verdict.clean, `${path.basename(copy)}: ${verdict.output}`);
        const after = await Files.mount(new RamDisk(bytesOf(copy)));
        assert.is(sha(await after.readFile("/log.bin")), sha(log), path.basename(copy));
      }
      assert.is(mget(between, "/other.txt").toString(), "synced");
      await h.close();
      save(img, disk.bytes);
      assert.ok(fsck(img).clean);
      assert.is(sha(mget(img, "/log.bin")), sha(new Uint8Array([...first, ...second])));
    }));
}

test("corrupt volumes are clear EIO errors: a FAT loop, a cluster out of range, a bad boot sector", () =>
  inTempDir("fat-corrupt-", async (dir) => {
    const img = mkfs(path.join(dir, "card.img"), 16, 16384);
    mput(img, "/chain.bin", pattern(20_000, 4), dir);
    const bytes = bytesOf(img);
    const files = await Files.mount(new RamDisk(bytes.slice()));
    const st = await files.stat("/chain.bin");
    assert.is(st.size, 20_000);
    // The FAT16 layout from the boot sector: reserved sectors, then the FAT.
    const fatAt = (bytes[14] | (bytes[15] << 8)) * 512;
    const firstFileCluster = (() => {
      for (let n = 2; n < 10000; n++) if ((bytes[fatAt + 2 * n] | (bytes[fatAt + 2 * n + 1] << 8)) !== 0) return n;
      throw new Error("no chain");
    })();
    // A loop: the second cluster links back to the first (in both FAT copies).
    const loop = bytes.slice();
    const fatSize = (bytes[22] | (bytes[23] << 8)) * 512;
    for (const at of [fatAt, fatAt + fatSize]) {
      loop[at + 2 * (firstFileCluster + 1)] = firstFileCluster & 0xff;
      loop[at + 2 * (firstFileCluster + 1) + 1] = firstFileCluster >> 8;
    }
    const looped = await Files.mount(new RamDisk(loop));
    const err = await looped.readFile("/chain.bin").then(() => undefined, (e: unknown) => e as FsError);
    assert.is(err?.code, "EIO");
    assert.match(err?.message ?? "", /loops/);
    // A link past the last cluster.
    const wild = bytes.slice();
    wild[fatAt + 2 * firstFileCluster] = 0xf0;
    wild[fatAt + 2 * firstFileCluster + 1] = 0xff;
    const wildErr = await (await Files.mount(new RamDisk(wild))).readFile("/chain.bin").then(() => undefined, (e: unknown) => e as FsError);
    assert.is(wildErr?.code, "EIO");
    assert.match(wildErr?.message ?? "", /outside 2 to/);
    // A boot sector with 0 sectors per FAT, and a disk with no signature at all.
    const badBoot = bytes.slice();
    badBoot[22] = 0;
    badBoot[23] = 0;
    assert.is(await code(Files.mount(new RamDisk(badBoot))), "EIO");
    assert.is(await code(Files.mount(new RamDisk(new Uint8Array(1 << 20)))), "EIO");
  }));

test.run();
