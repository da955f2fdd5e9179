/**
 * linux-arm's event loop drivers and board services: the image unit "loop", evaluated the first
 * time timers, the clock or interrupts are used, and by tsmetal's board() (docs/event-loop.md).
 * The host's monotonic clock; serial input on the simulated register space (docs/boards/linux.md).
 */
import { startHostClock } from "../../soc/linux-host.ts";
import { linuxServices } from "../../soc/linux-services.ts";

startHostClock();

export const services = linuxServices("linux-arm");
