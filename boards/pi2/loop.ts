/**
 * The Pi 2's event loop drivers and board services: the image unit "loop", evaluated on first use
 * of timers, the clock or interrupts, and by tsmetal's board() (docs/event-loop.md). The per-core
 * block routes the GPU's interrupt controller to core 0, where the firmware runs.
 */
import { image } from "hal";
import "../../hal/mmio-bus.ts";
import { Bcm2835Loop } from "../../soc/bcm2835-loop.ts";
import { bcm2835Services } from "../../soc/bcm2835-services.ts";
import { Bcm2836Local } from "../../drivers/irq/bcm2836-local.ts";
import { BCM2836_LOCAL_BASE, BCM2836_PERIPHERAL_BASE } from "../../soc/bcm2836.ts";
import type * as Board from "./board.ts";

export const local = new Bcm2836Local({ base: BCM2836_LOCAL_BASE });
local.init(0);
export const loop = new Bcm2835Loop(BCM2836_PERIPHERAL_BASE);
loop.start();

const boardModule = () => image.load("main") as typeof Board;

export const services = bcm2835Services({
  name: "pi2",
  peripheralBase: BCM2836_PERIPHERAL_BASE,
  busAlias: 0xc000_0000,
  console: () => boardModule().soc.uart0,
});
