/**
 * The BCM2835 boards' event loop drivers and board services: the image unit "loop", which the
 * engine evaluates the first time timers, the clock or interrupts are used, and tsmetal's board()
 * the first time it is called (docs/event-loop.md).
 */
import { image } from "hal";
import { name } from "tsmetal:board";
import { Bcm2835Loop } from "./loop.ts";
import { bcm2835Services } from "./services.ts";
import { PERIPHERAL_BASE } from "./bcm2835.ts";
import type * as Board from "./board.ts";

export const loop = new Bcm2835Loop();
loop.start();

/** board()'s services, over the board module's SoC: the firmware's own exports (unit "main"). */
export const services = bcm2835Services(name, () => (image.load("main") as typeof Board).soc, {
  peripheralBase: PERIPHERAL_BASE,
  // The ARM's physical addresses seen from the GPU's bus masters (the L2-cached alias).
  busAlias: 0x4000_0000,
});
