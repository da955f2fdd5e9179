/** drivers/block/ram-disk.ts and the bounds every driver shares (drivers/block/bounds.ts). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";
import { RamDisk } from "../../../drivers/block/ram-disk.ts";

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, BlockDeviceError);
    return (e as BlockDeviceError).code;
  }
  return "no error";
}

test("reads and writes whole blocks over the caller's bytes", async () => {
  const bytes = new Uint8Array(8 * 512);
  const disk = new RamDisk(bytes);
  assert.is(disk.blockCount, 8);
  await disk.write(2, new Uint8Array(1024).fill(7));
  assert.is(bytes[2 * 512], 7);
  assert.is(bytes[4 * 512 - 1], 7);
  assert.is(bytes[4 * 512], 0);
  assert.equal(await disk.read(2, 2), new Uint8Array(1024).fill(7));
  const into = new Uint8Array(512);
  assert.is(await disk.read(3, 1, into), into);
});

test("out of range, partial blocks, wrong buffers: EINVAL; read-only: EROFS", async () => {
  const disk = new RamDisk(4 * 512);
  assert.is(await code(disk.read(4, 1)), "EINVAL");
  assert.is(await code(disk.read(3, 2)), "EINVAL");
  assert.is(await code(disk.read(0, 0)), "EINVAL");
  assert.is(await code(disk.read(1.5, 1)), "EINVAL");
  assert.is(await code(disk.read(0, 1, new Uint8Array(100))), "EINVAL");
  assert.is(await code(disk.write(0, new Uint8Array(511))), "EINVAL");
  assert.is(await code(disk.write(3, new Uint8Array(1024))), "EINVAL");
  assert.is(await code(new RamDisk(512, { readOnly: true }).write(0, new Uint8Array(512))), "EROFS");
  assert.throws(() => new RamDisk(1000), /whole number/);
});

test.run();
