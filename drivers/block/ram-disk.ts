/**
 * A block device in memory: a RAM disk for firmware (scratch space, tests of the FAT stack in
 * Node over an image's bytes). Its bytes are the caller's array when one is given, so a test
 * can hand the image to mtools or fsck afterwards.
 */
import type { BlockDevice } from "./block-device.ts";
import { checkRead, checkWrite } from "./bounds.ts";

export interface RamDiskOptions {
  readonly readOnly?: boolean;
  /** Bytes per block (default 512). */
  readonly blockSize?: number;
}

export class RamDisk implements BlockDevice {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly readOnly: boolean;
  /** The disk's contents. */
  readonly bytes: Uint8Array;
  /** Requests served, counted (tests check multi-block requests with them). */
  readonly counters = { reads: 0, writes: 0, flushes: 0 };

  /** A disk of `size` bytes of zeros, or over `bytes` (not copied). */
  constructor(source: number | Uint8Array, options: RamDiskOptions = {}) {
    this.blockSize = options.blockSize ?? 512;
    if (!(this.blockSize >= 16 && (this.blockSize & (this.blockSize - 1)) === 0)) throw new RangeError(`RamDisk: block size ${this.blockSize} is not a power of two of 16 or more`);
    const bytes = typeof source === "number" ? new Uint8Array(source) : source;
    if (bytes.length % this.blockSize !== 0) throw new RangeError(`RamDisk: ${bytes.length} bytes are not a whole number of ${this.blockSize}-byte blocks`);
    this.bytes = bytes;
    this.blockCount = bytes.length / this.blockSize;
    this.readOnly = options.readOnly ?? false;
  }

  async read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array> {
    const out = checkRead(this, "RamDisk", lba, count, into);
    out.set(this.bytes.subarray(lba * this.blockSize, (lba + count) * this.blockSize));
    this.counters.reads++;
    return out;
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    checkWrite(this, "RamDisk", lba, data);
    this.bytes.set(data, lba * this.blockSize);
    this.counters.writes++;
  }

  async flush(): Promise<void> {
    this.counters.flushes++;
  }
}
