/**
 * What the FAT stack needs of a disk: drivers/block/block-device.ts's BlockDevice, restated
 * structurally because stacks/ import no driver (docs/architecture.md); every BlockDevice is one.
 */
export interface BlockStore {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly readOnly: boolean;
  read(lba: number, count: number, into?: Uint8Array): Promise<Uint8Array>;
  write(lba: number, data: Uint8Array): Promise<void>;
  flush(): Promise<void>;
}
