/**
 * The event loop's drivers and board services (the image unit "loop", evaluated on first use of
 * timers, the clock or interrupts, and by tsmetal's board(); docs/event-loop.md).
 */
import { image } from "hal";
import { Imx6ulLoop } from "../../soc/imx6ul-loop.ts";
import { imx6ulServices } from "../../soc/imx6ul-services.ts";
import type * as Board from "./board.ts";

export const loop = new Imx6ulLoop();
loop.start();

/** The board module's instances: the firmware's own exports (unit "main"). */
const boardModule = () => image.load("main") as typeof Board;

export const services = imx6ulServices({
  name: "usbarmory-mk2",
  console: () => boardModule().soc.console,
  consoleLine: () => boardModule().soc.consoleLine,
});
