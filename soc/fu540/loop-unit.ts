/**
 * The FU540 boards' event loop drivers and board services: the image unit "loop", which the engine
 * evaluates the first time timers, the clock or interrupts are used, and tsmetal's board() the
 * first time it is called (docs/event-loop.md).
 */
import { image } from "hal";
import { name } from "tsmetal:board";
import { Fu540Loop } from "./loop.ts";
import { fu540Services } from "./services.ts";
import type * as Board from "./board.ts";

export const loop = new Fu540Loop();
loop.start();

/** board()'s services, over the board module's SoC: the firmware's own exports (unit "main"). */
export const services = fu540Services(name, () => (image.load("main") as typeof Board).soc);
