/**
 * The image unit "network" (soc/<family>/network-unit.ts), which the build includes only for an
 * app whose code names `network` (tools/lib/units.ts): each family's board().network() loads it
 * here on first use, so nothing of it runs or is kept before.
 */
import { image } from "hal";

export function loadNetworkUnit<Unit>(): Unit {
  try {
    return image.load("network") as Unit;
  } catch (e) {
    throw new Error(`board().network(): this firmware image has no network unit (the build adds it when the app's code names \`network\`): ${e instanceof Error ? e.message : String(e)}`);
  }
}
