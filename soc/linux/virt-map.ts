/**
 * Where the Linux boards' simulated peripherals are (models/soc/linux-virt.ts serves them,
 * soc/linux/host.ts drives them; docs/boards/linux.md). Any addresses would do: the register
 * space is the host's, never the process's memory. Kept clear of the executables' own ranges
 * anyway, so an address in a report is unambiguous.
 */
/** The banked interrupt controller (BCM2835 ARM Peripherals 7.5 layout, drivers/irq/bcm2835.ts). */
export const VIRT_INTC_BASE = 0x1000_0000;
/** The PL011 UART (drivers/uart/pl011.ts). */
export const VIRT_UART_BASE = 0x1000_1000;
/** Its interrupt line on the controller: GPU line 57, as UART0's on BCM2835. */
export const VIRT_UART_LINE = 57;
/** Each device's register window. */
export const VIRT_BLOCK_SIZE = 0x1000;
/** The PL011's reference clock (only the baud divisor depends on it: the model has no baud rate). */
export const VIRT_UART_CLOCK_HZ = 48_000_000;
