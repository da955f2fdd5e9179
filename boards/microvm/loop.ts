/**
 * microvm's event loop drivers and board services: the image unit "loop", which the engine
 * evaluates the first time timers, the clock or interrupts are used, and tsmetal's board() the
 * first time it is called (docs/event-loop.md).
 */
import { image } from "hal";
import { PcLoop } from "../../soc/pc-loop.ts";
import { pcServices } from "../../soc/pc-services.ts";
import type * as Board from "./board.ts";

export const loop = new PcLoop();
loop.start();

/** The board module's instances: the firmware's own exports (unit "main"). */
const boardModule = () => image.load("main") as typeof Board;

export const services = pcServices({
  name: "microvm",
  console: () => boardModule().soc.com1,
});
