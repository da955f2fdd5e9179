/**
 * Image units loaded on demand (hal.image.load): runtime code that many firmwares never run,
 * kept out of the boot path. Each is bundled on its own (with "hal" external) and compiled into
 * the same image as the firmware.
 */
import { repoPath } from "./paths.ts";

export interface LazyUnit {
  /** Name passed to hal.image.load(). */
  name: string;
  /** Module whose exports the namespace holds. */
  entry: string;
}

export const lazyUnits: LazyUnit[] = [
  // Node-style formatting of anything but primitives (hal/firmware-console.ts loads it).
  { name: "format", entry: repoPath("hal/format.ts") },
];
