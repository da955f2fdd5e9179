/**
 * The BCM2836 boards' (Pi 2 B) event loop drivers and board services: the image unit "loop",
 * evaluated on first use of timers, the clock or interrupts, and by tsmetal's board()
 * (docs/event-loop.md). The per-core block routes the GPU's interrupt controller to core 0, where
 * the firmware runs.
 */
import { image } from "hal";
import { name } from "tsmetal:board";
import "../../hal/mmio-bus.ts";
import { Bcm2835Loop } from "../bcm2835/loop.ts";
import { bcm2835Services } from "../bcm2835/services.ts";
import { Bcm2836Local } from "../../drivers/irq/bcm2836-local.ts";
import { BCM2836_LOCAL_BASE, BCM2836_PERIPHERAL_BASE } from "./bcm2836.ts";
import type * as Board from "./board.ts";

export const local = new Bcm2836Local({ base: BCM2836_LOCAL_BASE });
local.init(0);
export const loop = new Bcm2835Loop(BCM2836_PERIPHERAL_BASE);
loop.start();

/** board()'s services, over the board module's SoC: the firmware's own exports (unit "main"). */
export const services = bcm2835Services(name, () => (image.load("main") as typeof Board).soc, {
  peripheralBase: BCM2836_PERIPHERAL_BASE,
  // The ARM's physical addresses seen from the GPU's bus masters (the uncached alias).
  busAlias: 0xc000_0000,
});
