/**
 * BCM2835 (Raspberry Pi Zero, 1 A+/B+). Instantiates the SoC's drivers at their physical
 * addresses: the ARM sees the peripheral bus 0x7E000000 at 0x20000000 (BCM2835 ARM Peripherals,
 * section 1.2.3). What every firmware needs at boot (the console UART) is here; the event
 * loop's drivers are in soc/bcm2835/loop.ts, which boards load only when timers or interrupts
 * are first used.
 */
import "../../hal/mmio-bus.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";

/** Where the ARM sees the peripherals: BCM2835 (Pi Zero, Pi 1); the BCM2836 (Pi 2) has them at 0x3F000000. */
export const PERIPHERAL_BASE = 0x2000_0000;

// Offsets from the peripheral base.
/** UART0 is a PL011 clocked at 48 MHz by the firmware's default init_uart_clock. */
export const UART0_OFFSET = 0x20_1000;
export const UART0_CLOCK_HZ = 48_000_000;
/** The ARM interrupt controller (chapter 7) and the system timer (chapter 12). */
export const IRQ_OFFSET = 0xb200;
export const SYSTIMER_OFFSET = 0x3000;

export class Bcm2835 {
  readonly uart0: Pl011;

  constructor(readonly peripheralBase = PERIPHERAL_BASE) {
    this.uart0 = new Pl011({ base: peripheralBase + UART0_OFFSET, clockHz: UART0_CLOCK_HZ });
  }
}
