/**
 * The Pi Zero's event loop drivers and board services: the image unit "loop", which the engine
 * evaluates the first time timers, the clock or interrupts are used, and tsmetal's board() the
 * first time it is called (docs/event-loop.md).
 */
import { image } from "hal";
import { Bcm2835Loop } from "../../soc/bcm2835-loop.ts";
import { bcm2835Services } from "../../soc/bcm2835-services.ts";
import { PERIPHERAL_BASE } from "../../soc/bcm2835.ts";
import type * as Board from "./board.ts";

export const loop = new Bcm2835Loop();
loop.start();

/** The board module's instances: the firmware's own exports (unit "main"). */
const boardModule = () => image.load("main") as typeof Board;

export const services = bcm2835Services({
  name: "pizero",
  peripheralBase: PERIPHERAL_BASE,
  busAlias: 0x4000_0000,
  console: () => boardModule().soc.uart0,
});
