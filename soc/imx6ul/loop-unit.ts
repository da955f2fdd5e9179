/**
 * The i.MX6UL boards' event loop drivers and board services (the image unit "loop", evaluated on
 * first use of timers, the clock or interrupts, and by tsmetal's board(); docs/event-loop.md).
 */
import { image } from "hal";
import { name } from "tsmetal:board";
import { Imx6ulLoop } from "./loop.ts";
import { imx6ulServices } from "./services.ts";
import type * as Board from "./board.ts";

export const loop = new Imx6ulLoop();
loop.start();

/** board()'s services, over the board module's SoC: the firmware's own exports (unit "main"). */
export const services = imx6ulServices(name, () => (image.load("main") as typeof Board).soc);
