/**
 * linux-amd64's event loop drivers: the image unit "loop", evaluated the first time timers, the clock
 * or interrupts are used (docs/event-loop.md). The host's monotonic clock; no interrupts, and no
 * board services yet (docs/boards/linux.md).
 */
import { startHostClock } from "../../soc/linux-host.ts";

startHostClock();
