/**
 * The driver-facing interface of a GPIO port, which the ECMA-419 Digital class (io/digital.ts)
 * drives (drivers/gpio/bcm2835.ts is one). Pins are grouped in
 * banks of 32: pin p is bit p & 31 of bank p >>> 5. Methods throw RangeError for pins the port
 * does not have.
 */
export interface DigitalPort {
  setFunction(pin: number, fn: "input" | "output"): void;
  /** Sets the output level (kept while the pin is an input, and driven once it is an output). */
  write(pin: number, value: 0 | 1 | boolean): void;
  /** The pin's level; for an output, the level it drives. */
  read(pin: number): 0 | 1;
  setPull(pin: number, pull: "none" | "down" | "up"): void;
  /** Enables (true) or disables (false or absent) the pin's rising and falling edge events. */
  setEdge(pin: number, edges: { readonly rising?: boolean; readonly falling?: boolean }): void;
  /** The bank's pending events, one bit per pin, and clears exactly those. */
  takeEvents(bank: number): number;
  /** Clears the bank's pending events in `bits`. */
  clearEvents(bank: number, bits: number): void;
  /** The interrupt line the pin's events raise, as numbered by the board's interrupt controller. */
  interruptLine(pin: number): number;
}
