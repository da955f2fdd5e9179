/**
 * The Pi 1's event loop drivers: the image unit "loop", which the engine evaluates the first
 * time timers, the clock or interrupts are used (docs/event-loop.md).
 */
import { Bcm2835Loop } from "../../soc/bcm2835-loop.ts";

export const loop = new Bcm2835Loop();
loop.start();
