/**
 * The checks every block driver makes before it touches the device (drivers/block/): whole
 * blocks, in range, buffers of the right length. Shared so that no driver can forget one; each
 * throws a BlockDeviceError with code EINVAL (or EROFS) naming the driver and the request.
 */
import { BlockDeviceError, type BlockDevice } from "./block-device.ts";

type Geometry = Pick<BlockDevice, "blockSize" | "blockCount" | "readOnly">;

function range(dev: Geometry, name: string, op: string, lba: number, count: number): void {
  if (!Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 1) {
    throw new BlockDeviceError(`${name}: ${op} of ${count} blocks at ${lba}: the block number and count must be integers, the count at least 1`, "EINVAL");
  }
  if (lba + count > dev.blockCount) {
    throw new BlockDeviceError(`${name}: ${op} of ${count} blocks at ${lba} runs past the last block (${dev.blockCount - 1})`, "EINVAL");
  }
}

/** Checks a read request; returns the buffer to fill (`into`, checked, or a new one). */
export function checkRead(dev: Geometry, name: string, lba: number, count: number, into?: Uint8Array): Uint8Array {
  range(dev, name, "read", lba, count);
  const bytes = count * dev.blockSize;
  if (into === undefined) return new Uint8Array(bytes);
  if (into.length !== bytes) throw new BlockDeviceError(`${name}: read of ${count} blocks at ${lba} into a buffer of ${into.length} bytes, not ${bytes}`, "EINVAL");
  return into;
}

/** Checks a write request; returns the number of blocks. */
export function checkWrite(dev: Geometry, name: string, lba: number, data: Uint8Array): number {
  if (dev.readOnly) throw new BlockDeviceError(`${name}: write at ${lba}: the device is read-only`, "EROFS");
  if (data.length === 0 || data.length % dev.blockSize !== 0) {
    throw new BlockDeviceError(`${name}: write of ${data.length} bytes at ${lba}: not a whole number of ${dev.blockSize}-byte blocks`, "EINVAL");
  }
  const count = data.length / dev.blockSize;
  range(dev, name, "write", lba, count);
  return count;
}
