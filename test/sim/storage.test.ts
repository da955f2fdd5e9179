/**
 * `npm run sim --disk` (tools/sim/disk.ts): the image in the simulated machine's card slot, the
 * SD controller models on pizero and usbarmory-mk2 (models/sd/), virtio-blk on microvm
 * (models/block/virtio-blk.ts, announced on the boot command line). A storage app prints the same
 * as under QEMU with --disk, what it writes is in the image file afterwards (mtools), fsck.vfat -n
 * finds it clean. A board with no slot in the simulator, a missing image and no disk are clear
 * errors.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runSim } from "../../tools/sim/run.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { build, fixture } from "../qemu/boot.ts";
import { fsck, mget, mkfs, mmd, mput } from "../support/fat-image.ts";
import { inTempDir } from "../support/temp-dir.ts";

const test = suite("npm run sim --disk");

function fnv(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

const hostData = new Uint8Array(30_000).map((_, i) => (i * 31 + 5) & 0xff);
const expected = [
  `host data.bin 30000 ${fnv(hostData)}`,
  "big.bin 200000 read back",
  "fw big.bin,logs",
  "missing ENOENT",
  "",
].join("\n");

/** A 16 MiB FAT16 card (a power of two, as QEMU's SD model wants) with /host/data.bin. */
function card(dir: string, name: string): string {
  const img = mkfs(path.join(dir, name), 16, 16384);
  mmd(img, "/host");
  mput(img, "/host/data.bin", hostData, dir);
  return img;
}

function checkImage(img: string): void {
  const verdict = fsck(img);
  assert.ok(verdict.clean, verdict.output);
  assert.is(mget(img, "/fw/logs/A long log name.txt").toString(), "first line\nsecond line\n");
  assert.is(fnv(mget(img, "/fw/big.bin")), fnv(new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff)));
}

for (const board of ["pizero", "usbarmory-mk2", "microvm"]) {
  test(`${board}: a storage app prints what it prints under QEMU; the image holds what it wrote, fsck clean`, () =>
    inTempDir("sim-disk-", async (dir) => {
      const img = card(dir, "sim.img");
      const qemuImg = path.join(dir, "qemu.img");
      copyFileSync(img, qemuImg);
      const r = await runSim({ board, app: fixture("storage/roundtrip.ts"), timeoutS: 120, disk: img, onOutput: () => {} });
      assert.is(r.output, expected, r.stderr);
      assert.is(r.code, 0);
      checkImage(img);
      const fw = await build(fixture("storage/roundtrip.ts"), { board });
      const q = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 120, input: "", disk: qemuImg, mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
      assert.is(q.output, r.output, q.stderr);
      assert.is(q.code, r.code);
      checkImage(qemuImg);
    }));
}

test("no disk: files() fails as under QEMU with an empty slot; --disk is refused clearly where the simulator has no slot or no image", () =>
  inTempDir("sim-disk-", async (dir) => {
    const r = await runSim({ board: "pizero", app: fixture("storage/roundtrip.ts"), timeoutS: 60, onOutput: () => {} });
    assert.match(r.output, /^files error ENOMEDIUM: Sdhci@0x20300000: no card/);
    assert.is(r.code, 3);
    const cli = (args: string[]) => spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), "sim", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const img = path.join(dir, "card.img");
    writeFileSync(img, new Uint8Array(1 << 20));
    let c = cli(["--board", "sifive_u", "--app", fixture("storage/roundtrip.ts"), "--disk", img]);
    assert.match(c.stderr, /--disk: board 'sifive_u' has no card slot in the simulator/);
    assert.is(c.status, 1);
    c = cli(["--board", "pizero", "--app", fixture("storage/roundtrip.ts"), "--disk", path.join(dir, "nope.img")]);
    assert.match(c.stderr, /--disk .*nope\.img: no such image file/);
    assert.is(c.status, 1);
    writeFileSync(img, new Uint8Array(1000));
    c = cli(["--board", "microvm", "--app", fixture("storage/roundtrip.ts"), "--disk", img]);
    assert.match(c.stderr, /1000 bytes is not a whole number of 512-byte blocks/);
  }));

test.run();
