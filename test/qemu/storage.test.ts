/**
 * Storage on microvm under QEMU, as `npm run qemu -- --disk card.img` attaches it: the "tsmetal"
 * stub files() loads the units "storage" (stacks/fat, the files API) and "disk" (virtio-blk,
 * soc/pc/disk-unit.ts) and mounts a FAT16 image made by mkfs.vfat and mtools. Checksums of the
 * host's files, files the host reads back with mtools, 10 MiB written and read, directory
 * operations, fsck.vfat -n clean afterwards; without --disk, a clear error.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { fsck, mget, mkfs, mls, mmd, mput } from "../support/fat-image.ts";
import { inTempDir } from "../support/temp-dir.ts";

const test = suite("storage on microvm");
const board = "microvm";

function fnv(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193);
  return (h >>> 0).toString(16);
}

test("files(): host files read, firmware files written, 10 MiB, directories, fsck clean", () =>
  inTempDir("storage-", async (dir) => {
    const img = mkfs(path.join(dir, "card.img"), 16, 32 * 1024);
    const binary = randomBytes(100_000);
    mmd(img, "/host");
    mput(img, "/host/a.txt", "hello from the host\n", dir);
    mput(img, "/host/Long binary name.bin", binary, dir);
    const fw = await build(fixture("storage/files.ts"), { board });
    assert.equal(fw.bundles.map((b) => b.unit).filter((u) => u === "storage" || u === "disk").sort(), ["disk", "storage"]);
    const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 240, input: "", disk: img, mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
    assert.is(r.timedOut, false, r.output);
    assert.is(r.code, 0, r.output + r.stderr);
    assert.is(r.output, [
      `sum Long binary name.bin ${fnv(binary)}`,
      `sum a.txt ${fnv(Buffer.from("hello from the host\n"))}`,
      "big 10485760 bad 0",
      "fw big.bin,hello.txt,logs,moved.txt",
      "errors ENOENT EEXIST ENOTEMPTY ENOTDIR",
      "done",
      "",
    ].join("\n"));
    const verdict = fsck(img);
    assert.ok(verdict.clean, verdict.output);
    assert.is(mget(img, "/fw/hello.txt").toString(), "hello from the firmware\nsecond line\n");
    assert.is(mget(img, "/fw/logs/2026/A long log name.txt").toString(), "log");
    assert.is(mget(img, "/fw/moved.txt").toString(), "x");
    assert.equal(mls(img, "/fw"), ["big.bin", "hello.txt", "logs", "moved.txt"]);
    const big = mget(img, "/fw/big.bin");
    const expected = new Uint32Array(10 * 1024 * 1024 / 4).map((_, i) => i >>> 7); // word i is in sector i / 128
    assert.ok(big.equals(Buffer.from(expected.buffer)), "big.bin as the host reads it");
  }));

test("files() without --disk: an error naming --disk, and a firmware image without the units when unused", async () => {
  const fw = await build(fixture("storage/no-disk.ts"), { board });
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.is(r.code, 0, r.output + r.stderr);
  assert.match(r.output, /^error: board "microvm": no disk \(the boot command line announces no virtio-mmio device\): run with --disk/);
  const plain = await build(fixture("exit-code.ts"), { board });
  assert.not.ok(plain.bundles.some((b) => b.unit === "storage" || b.unit === "disk"));
});

test.run();
