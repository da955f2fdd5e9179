/**
 * The image unit "disk" (soc/<family>/disk-unit.ts), which the build includes only for a
 * firmware that has the storage unit (tools/lib/units.ts, "tsmetal"'s files()): each family's
 * board().disk() loads it here on first use, so nothing of it runs or is kept before.
 */
import { image } from "hal";

export function loadDiskUnit<Unit>(): Unit {
  try {
    return image.load("disk") as Unit;
  } catch (e) {
    throw new Error(`board().disk(): no disk unit in this image (files() adds it): ${e instanceof Error ? e.message : String(e)}`);
  }
}
