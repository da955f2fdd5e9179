/**
 * The Linux boards' event loop drivers and board services: the image unit "loop", evaluated the
 * first time timers, the clock or interrupts are used, and by tsmetal's board()
 * (docs/event-loop.md). The host's monotonic clock; serial input on the simulated register space
 * (docs/boards/linux.md).
 */
import { name } from "tsmetal:board";
import { startHostClock } from "./host.ts";
import { linuxServices } from "./services.ts";

startHostClock();

export const services = linuxServices(name);
