// The card side of the update agent (io/update/keep.ts) over an mkfs.vfat image in a RAM disk: a
// kept unit and its version record read back (also by mtools), a second keep replacing both, the
// new file taken when a reset left only it, a damaged record refused, fsck clean.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { RamDisk } from "../../../drivers/block/ram-disk.ts";
import { Files } from "../../../stacks/fat/files.ts";
import { decodeVersionRecord, encodeVersionRecord, keepOnCard, KEPT_UNIT, KEPT_UNIT_NEW, readCard, VERSION_RECORD } from "../../../io/update/keep.ts";
import { bytesOf, fsck, mget, mkfs, save } from "../../support/fat-image.ts";
import { inTempDir } from "../../support/temp-dir.ts";

const test = suite("io/update/keep");
const unit = (n: number, fill: number) => new Uint8Array(n).fill(fill);

test("the version record: a round trip, and damage refused", () => {
  assert.is(decodeVersionRecord(encodeVersionRecord(0x12345678)), 0x12345678);
  const r = encodeVersionRecord(3);
  r[4] = 9;
  assert.throws(() => decodeVersionRecord(r), /APP\.VER is damaged/);
  assert.throws(() => decodeVersionRecord(r.subarray(0, 12)), /damaged/);
});

test("kept, replaced, read back by mtools; a lone APP.NEW is taken; fsck clean", () =>
  inTempDir("keep-", async (dir) => {
    const img = mkfs(path.join(dir, "card.img"), 12, 2048);
    const disk = new RamDisk(bytesOf(img));
    const fs = await Files.mount(disk);
    assert.equal(await readCard(fs), { floor: 0 });
    await keepOnCard(fs, unit(3000, 2), 2);
    await keepOnCard(fs, unit(2500, 5), 5);
    const state = await readCard(fs);
    assert.is(state.floor, 5);
    assert.equal([...(state.unit ?? [])], [...unit(2500, 5)]);
    save(img, disk.bytes);
    assert.equal(new Uint8Array(mget(img, KEPT_UNIT)), unit(2500, 5));
    assert.is(decodeVersionRecord(new Uint8Array(mget(img, VERSION_RECORD))), 5);
    assert.ok(fsck(img).clean, fsck(img).output);
    // A reset inside the rename (FAT removes the old name first) leaves only the new file.
    await fs.rename(KEPT_UNIT, KEPT_UNIT_NEW);
    assert.equal([...((await readCard(fs)).unit ?? [])], [...unit(2500, 5)]);
    await fs.writeFile(VERSION_RECORD, new Uint8Array(16));
    const refused = await readCard(fs).then(() => "", (e: Error) => e.message);
    assert.match(refused, /APP\.VER is damaged/);
  }),
);

test.run();
