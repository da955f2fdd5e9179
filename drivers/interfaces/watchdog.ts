/**
 * The driver-facing interface of a hardware watchdog (drivers/watchdog/*.ts): it resets the board
 * unless fed within its timeout. Boards offer it to apps as board().watchdog.
 */
export interface Watchdog {
  /** Starts (or restarts) it with a timeout in milliseconds. */
  start(ms: number): void;
  /** Reloads the timeout. */
  feed(): void;
  stop(): void;
  /** Resets the board now (under QEMU with -no-reboot, QEMU exits). */
  reboot(): void;
}
