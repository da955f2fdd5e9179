/**
 * BCM2835 (Raspberry Pi Zero, 1 A+/B+). Instantiates the SoC's drivers at their physical
 * addresses: the ARM sees the peripheral bus 0x7E000000 at 0x20000000 (BCM2835 ARM Peripherals,
 * section 1.2.3).
 */
import { clock, irq } from "hal";
import "../hal/mmio-bus.ts";
import { Pl011 } from "../drivers/uart/pl011.ts";
import { Bcm2835Irq, IRQ_SYSTIMER_3 } from "../drivers/irq/bcm2835.ts";
import { Bcm2835SysTimer } from "../drivers/timer/bcm2835-systimer.ts";

export const PERIPHERAL_BASE = 0x2000_0000;

/** UART0 is a PL011 clocked at 48 MHz by the firmware's default init_uart_clock. */
export const UART0_BASE = PERIPHERAL_BASE + 0x20_1000;
export const UART0_CLOCK_HZ = 48_000_000;
/** The ARM interrupt controller (chapter 7) and the system timer (chapter 12). */
export const IRQ_BASE = PERIPHERAL_BASE + 0xb200;
export const SYSTIMER_BASE = PERIPHERAL_BASE + 0x3000;

export class Bcm2835 {
  readonly uart0 = new Pl011({ base: UART0_BASE, clockHz: UART0_CLOCK_HZ });
  readonly intc = new Bcm2835Irq({ base: IRQ_BASE });
  readonly systimer = new Bcm2835SysTimer({ base: SYSTIMER_BASE });

  /**
   * Gives the event loop its interrupt controller and clock: the system timer's counter, with
   * compare channel 3 as the loop's deadline (channels 0 and 2 belong to the GPU; 1 stays free
   * for the application).
   */
  startEventLoop(): void {
    this.intc.init();
    irq.attach(this.intc.description());
    const timer = this.systimer;
    timer.init();
    irq.on(IRQ_SYSTIMER_3, () => timer.ack(3), { keepAlive: false });
    clock.attach(timer.clockSource(3));
  }
}
