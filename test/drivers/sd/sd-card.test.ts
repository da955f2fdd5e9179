import { test } from "uvu";
import * as assert from "uvu/assert";
import { csdBlocks } from "../../../drivers/sd/sd-card.ts";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";

/** The CSD as the host's response registers hold it: CSD bit n at word (n - 8) >> 5, bit (n - 8) & 31. */
function csd(fields: Array<[hi: number, lo: number, value: number]>): number[] {
  const w = [0, 0, 0, 0];
  for (const [hi, lo, v] of fields) for (let n = lo; n <= hi; n++) if (Math.floor(v / 2 ** (n - lo)) % 2) w[(n - 8) >> 5] = (w[(n - 8) >> 5] | (1 << ((n - 8) & 31))) >>> 0;
  return w;
}

test("CSD 2.0 (5.3.3): (C_SIZE + 1) x 512 KiB; a 32 GiB card has C_SIZE 65535", () => {
  assert.equal(csdBlocks(csd([[127, 126, 1], [69, 48, 65535]])), { version: 1, blocks: 65536 * 1024 });
  assert.equal(csdBlocks(csd([[127, 126, 1], [69, 48, 7]])), { version: 1, blocks: 8192 });
});

test("CSD 1.0 (5.3.2): (C_SIZE + 1) x 2^(C_SIZE_MULT + 2) x 2^READ_BL_LEN; the spec's 2 GB example with READ_BL_LEN 10", () => {
  // C_SIZE 4095, C_SIZE_MULT 7, READ_BL_LEN 10: 4096 x 512 x 1024 = 2 GiB = 4,194,304 blocks.
  assert.equal(csdBlocks(csd([[73, 62, 4095], [49, 47, 7], [83, 80, 10]])), { version: 0, blocks: 4_194_304 });
  assert.equal(csdBlocks(csd([[73, 62, 3], [49, 47, 7], [83, 80, 9]])), { version: 0, blocks: 2048 });
});

test("reserved CSD structures and block lengths are EIO", () => {
  assert.throws(() => csdBlocks(csd([[127, 126, 2]])), (e: unknown) => e instanceof BlockDeviceError && e.code === "EIO" && /CSD_STRUCTURE 2/.test(e.message));
  assert.throws(() => csdBlocks(csd([[83, 80, 12]])), /READ_BL_LEN 12/);
});

test.run();
