/**
 * sifive_u's event loop drivers and board services: the image unit "loop", which the engine
 * evaluates the first time timers, the clock or interrupts are used, and tsmetal's board() the
 * first time it is called (docs/event-loop.md).
 */
import { image } from "hal";
import { Fu540Loop } from "../../soc/fu540-loop.ts";
import { fu540Services } from "../../soc/fu540-services.ts";
import type * as Board from "./board.ts";

export const loop = new Fu540Loop();
loop.start();

/** The board module's instances: the firmware's own exports (unit "main"). */
const boardModule = () => image.load("main") as typeof Board;

export const services = fu540Services({
  name: "sifive_u",
  console: () => boardModule().soc.uart0,
  prci: () => boardModule().soc.prci,
});
