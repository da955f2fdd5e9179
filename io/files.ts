/**
 * Files as "tsmetal" offers them (docs/storage.md): files() mounts the board's disk and returns
 * the API after Node's fs/promises; mount(device) does it for any block device. Both are stubs
 * that load the image unit "storage" (io/storage/unit.ts) on first use, so that a firmware that
 * never calls them carries neither it nor the board's "disk" unit, and pays nothing at boot.
 */
import { image } from "hal";
import { board } from "./index.ts";
import type * as StorageUnit from "./storage/unit.ts";
import type { BlockStore } from "../stacks/fat/block-store.ts";

export type { Dirent, FileData, OpenFlags, ReadResult, Stats, WriteResult } from "../stacks/fat/files.ts";
export type { FsErrorCode } from "../stacks/fat/errors.ts";
export type { BlockStore } from "../stacks/fat/block-store.ts";
/** The files API of a mounted FAT volume (stacks/fat/files.ts). */
export type Files = StorageUnit.Files;
/** An open file (stacks/fat/files.ts). */
export type FileHandle = StorageUnit.FileHandle;

function unit(): typeof StorageUnit {
  return image.load("storage") as typeof StorageUnit;
}

/** The FAT volume of the board's disk (its card; virtio-blk on microvm), mounted on first use. */
export function files(): Promise<Files> {
  return unit().files(board());
}

/** The FAT volume on `device`, a block device of your own (an MBR's first FAT partition or a bare volume). */
export function mount(device: BlockStore): Promise<Files> {
  return unit().mount(device);
}
