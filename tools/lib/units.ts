/**
 * Image units loaded on demand (hal.image.load): runtime code that many firmwares never run,
 * kept out of the boot path. Each is bundled on its own (with "hal" external) and compiled into
 * the same image as the firmware.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "./paths.ts";
import type { Board } from "./boards.ts";
import { WEB_GLOBALS } from "../../runtime/web/web-globals.ts";

export interface LazyUnit {
  /** Name passed to hal.image.load(). */
  name: string;
  /** Module whose exports the namespace holds. */
  entry: string;
}

export const lazyUnits: LazyUnit[] = [
  // Node-style formatting of anything but primitives (runtime/firmware-console.ts loads it).
  { name: "format", entry: repoPath("runtime/format/format.ts") },
];

/**
 * The units of a firmware for `board`: the shared ones, and the board's "loop" unit when it has
 * one (soc/<family>/loop-unit.ts, or the board's own boards/<name>/loop.ts): its clock and
 * interrupt drivers, which the engine evaluates the first time timers, the clock or interrupts are
 * used (docs/event-loop.md).
 */
export function unitsFor(board: Board): LazyUnit[] {
  return board.loopModule ? [...lazyUnits, { name: "loop", entry: board.loopModule }] : lazyUnits;
}

/**
 * The web globals' units (runtime/web/web-globals.ts says which globals each defines):
 * engine/src/web-globals.c defines a global the first time it is looked up, from the unit's export
 * of the same name; the simulator's guest runtime (tools/sim/guest/runtime.ts) does the same.
 */
export const webUnits: readonly LazyUnit[] = Object.keys(WEB_GLOBALS).map((name) => ({ name, entry: repoPath(`runtime/web/${name}.ts`) }));

/**
 * The web units a firmware needs: those one of whose globals' names appears as a word in the
 * bundled code (`jsFiles`: the firmware and its other units). An image carries only these (about
 * 37 KB of bytecode for all three); a global whose unit is not in the image is a ReferenceError
 * naming the unit at its first use, which only a name built at run time could reach.
 */
export async function webUnitsUsed(jsFiles: readonly string[]): Promise<LazyUnit[]> {
  const texts = await Promise.all(jsFiles.map((f) => readFile(f, "utf8")));
  return webUnits.filter((u) => WEB_GLOBALS[u.name].some((g) => texts.some((t) => new RegExp(`\\b${g}\\b`).test(t))));
}

/**
 * The family's network unit (soc/<family>/network-unit.ts: the NIC driver and its discovery,
 * loaded by board().network()), for a firmware whose app bundle (`mainJs`, unit "main") names
 * `network` as a word: a firmware that never asks for the network carries none of it (bench
 * image_bytes). A name built at run time misses it, and board().network() then says the image
 * has no network unit.
 */
export async function networkUnitUsed(board: Board, mainJs: string): Promise<LazyUnit[]> {
  const entry = repoPath(path.join("soc", board.family, "network-unit.ts"));
  if (!existsSync(entry)) return [];
  return /\bnetwork\b/.test(await readFile(mainJs, "utf8")) ? [{ name: "network", entry }] : [];
}
