/**
 * Image units loaded on demand (hal.image.load): runtime code that many firmwares never run,
 * kept out of the boot path. Each is bundled on its own (with "hal" external) and compiled into
 * the same image as the firmware.
 */
import { repoPath } from "./paths.ts";
import type { Board } from "./boards.ts";

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

/**
 * The units of a firmware for `board`: the shared ones, and the board's "loop" unit
 * (boards/<name>/loop.ts) when it has one: its clock and interrupt drivers, which the engine
 * evaluates the first time timers, the clock or interrupts are used (docs/event-loop.md).
 */
export function unitsFor(board: Board): LazyUnit[] {
  return board.loopModule ? [...lazyUnits, { name: "loop", entry: board.loopModule }] : lazyUnits;
}
