/**
 * The image unit "storage": the FAT stack and the files API (stacks/fat/), loaded by "tsmetal"'s
 * files() and mount() (io/files.ts) on first use, so that a firmware that keeps no files
 * carries none of it (tools/lib/units.ts adds it only when code loads it).
 */
import type { BoardServices } from "../board-services.ts";
import type { BlockStore } from "../../stacks/fat/block-store.ts";
import { Files } from "../../stacks/fat/files.ts";

export { Files, FileHandle } from "../../stacks/fat/files.ts";
export { FsError } from "../../stacks/fat/errors.ts";

let mounted: Promise<Files> | undefined;

/** The FAT volume of the board's disk, mounted on the first call; later calls share it. */
export function files(services: BoardServices): Promise<Files> {
  if (mounted === undefined) {
    mounted = (async () => {
      if (services.disk === undefined) throw new Error(`board "${services.name}" has no disk driver (docs/storage.md lists the boards with one)`);
      return Files.mount(services.disk());
    })();
    // A failed mount is not kept: the next call tries again (a card inserted later).
    mounted.catch(() => {
      mounted = undefined;
    });
  }
  return mounted;
}

/** The FAT volume on `device` (a RAM disk, a second card). */
export function mount(device: BlockStore): Promise<Files> {
  return Files.mount(device);
}
