/**
 * `npm run sim --disk card.img`: the image in the simulated machine's card slot, as `npm run qemu
 * --disk` attaches it (tools/lib/disk.ts): the SD card models on the Raspberry Pi and i.MX boards
 * (models/sd/), virtio-blk over virtio-mmio on the PC family (models/block/virtio-blk.ts). The
 * image is read whole, used in memory and written back when the run ends, however it ends, so
 * what the firmware wrote is in the file afterwards, as under QEMU. Checked before anything is
 * built: a missing file, one that is not whole 512-byte blocks, a board whose machine has no slot.
 */
import { existsSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Board } from "../lib/boards.ts";
import { UserError } from "../lib/errors.ts";
import { SIM_DISK_FAMILIES } from "../../models/machines.ts";

/** The most a simulated disk may hold: it lives in the host's memory for the run. */
export const SIM_DISK_MAX = 2 ** 31;

export interface SimDisk {
  readonly bytes: Uint8Array;
  /** Writes the bytes back to the file. */
  save(): Promise<void>;
}

export function checkSimDisk(board: Board, file: string): string {
  const config = (board.config ?? {}) as Record<string, unknown>;
  const slot = SIM_DISK_FAMILIES.includes(board.family) && !(board.family === "pc" && config.noNetwork !== undefined);
  if (!slot) {
    throw new UserError(`--disk: board '${board.name}' has no card slot in the simulator (models of one: the Raspberry Pi and i.MX boards' SD controllers, microvm's and firecracker's virtio-blk); npm run qemu --disk may have one (docs/storage.md)`);
  }
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UserError(`--disk ${file}: no such image file (make one with npm run disk -- --from <dir> --out ${file})`);
  const size = statSync(abs).size;
  if (size === 0 || size % 512 !== 0) throw new UserError(`--disk ${file}: ${size} bytes is not a whole number of 512-byte blocks`);
  if (size > SIM_DISK_MAX) throw new UserError(`--disk ${file}: ${size} bytes; the simulator holds a disk in memory, up to ${SIM_DISK_MAX} bytes (use npm run qemu --disk)`);
  return abs;
}

export async function loadSimDisk(board: Board, file: string): Promise<SimDisk> {
  const abs = checkSimDisk(board, file);
  const bytes = new Uint8Array(await readFile(abs));
  return { bytes, save: () => writeFile(abs, bytes) };
}
