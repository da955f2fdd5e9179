// The checks before writing to a block device, against a fake sysfs/procfs.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkBlockDevice } from "../../../../tools/lib/flash/block-device.ts";
import { fakeSystem } from "../../../support/fake-system.ts";

const test = suite("flash: block device");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-block-device-"));
let n = 0;
const fresh = (name: string) => path.join(tmp, `${n++}-${name}`);

test("block device: a removable, unmounted card passes with its partitions and sector size", () => {
  const s = fakeSystem(fresh("sysroot"));
  const d = checkBlockDevice("/dev/sdz", "sdz", s);
  assert.equal(d.partitions, ["sdz1", "sdz2"]);
  assert.is(d.sectorSize, 512);
  assert.is(d.bytes, 31116288 * 512);
});

test("block device: refuses a non-removable disk, a read-only card and an empty reader", () => {
  let s = fakeSystem(fresh("sysroot"));
  s.set("removable", "0\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /refusing to write to \/dev\/sdz: the kernel does not report it as removable.*mount the card's boot partition/);
  s = fakeSystem(fresh("sysroot"));
  s.set("ro", "1\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /read-only/);
  s = fakeSystem(fresh("sysroot"));
  s.set("size", "0\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /no medium/);
});

test("block device: refuses when it or a partition is mounted, swapped on or held", () => {
  let s = fakeSystem(fresh("sysroot"));
  s.set("proc/mounts", "/dev/sdy2 / ext4 rw 0 0\n/dev/sdz1 /media/me/boot\\040fs vfat rw 0 0\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /refusing to write to \/dev\/sdz: it is mounted \(\/dev\/sdz1 on \/media\/me\/boot fs\).*umount/);
  s = fakeSystem(fresh("sysroot"));
  s.set("proc/mounts", "/dev/sdz /mnt vfat rw 0 0\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /it is mounted \(\/dev\/sdz on \/mnt\)/);
  s = fakeSystem(fresh("sysroot"));
  s.set("proc/swaps", "Filename Type Size Used Priority\n/dev/sdz2 partition 1024 0 -2\n");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /\/dev\/sdz2 is in use as swap/);
  s = fakeSystem(fresh("sysroot"));
  s.set("sdz2/holders/dm-0", "");
  assert.throws(() => checkBlockDevice("/dev/sdz", "sdz", s), /\/dev\/sdz2 is in use by dm-0/);
  s = fakeSystem(fresh("sysroot"));
  s.set("proc/mounts", "/dev/sdy2 / ext4 rw 0 0\n/dev/sdzz1 /mnt vfat rw 0 0\n");
  assert.ok(checkBlockDevice("/dev/sdz", "sdz", s), "another disk's mount is not ours");
});

test("block device: a partition points to its disk, an unknown name is refused", () => {
  const s = fakeSystem(fresh("sysroot"));
  assert.throws(() => checkBlockDevice("/dev/sdz1", "sdz1", s), /\/dev\/sdz1 is a partition: pass the whole card \(\/dev\/sdz\)/);
  assert.throws(() => checkBlockDevice("/dev/sdq", "sdq", s), /not a disk the kernel knows/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
