/** A device of fixed-size blocks (SD card, virtio-blk, RAM disk). Reads and writes are whole blocks. */
export interface BlockDevice {
  /** Bytes per block (512 for every device here). */
  readonly blockSize: number;
  /** Number of blocks. */
  readonly blockCount: number;
  readonly readOnly: boolean;
  /** Reads `count` blocks from `lba` into `into` (length count*blockSize) or a new array. Throws a BlockDeviceError naming the command and status. */
  read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Writes data.length/blockSize blocks at `lba`. */
  write(lba: number, data: Uint8Array): Promise<void>;
  /** Makes every completed write durable (a cache flush where the device has one). */
  flush(): Promise<void>;
}
export class BlockDeviceError extends Error { constructor(message: string, readonly code: "EIO" | "ETIMEDOUT" | "ENOMEDIUM" | "EROFS" | "EINVAL") { super(message); this.name = "BlockDeviceError"; } }
