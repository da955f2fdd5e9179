/**
 * The BCM2835's part of the event loop: the ARM interrupt controller and the system timer. Its
 * counter is the loop's clock and compare channel 3 its deadline (channels 0 and 2 belong to the
 * GPU; 1 stays free for the application).
 */
import { clock, irq } from "hal";
import "../../hal/mmio-bus.ts";
import { Bcm2835Irq, IRQ_SYSTIMER_3 } from "../../drivers/irq/bcm2835.ts";
import { Bcm2835SysTimer } from "../../drivers/timer/bcm2835-systimer.ts";
import { IRQ_OFFSET, PERIPHERAL_BASE, SYSTIMER_OFFSET } from "./bcm2835.ts";

export class Bcm2835Loop {
  readonly intc: Bcm2835Irq;
  readonly systimer: Bcm2835SysTimer;

  constructor(peripheralBase = PERIPHERAL_BASE) {
    this.intc = new Bcm2835Irq({ base: peripheralBase + IRQ_OFFSET });
    this.systimer = new Bcm2835SysTimer({ base: peripheralBase + SYSTIMER_OFFSET });
  }

  /** Attaches the controller and the clock to the native event loop. */
  start(): void {
    this.intc.init();
    irq.attach(this.intc.description());
    const timer = this.systimer;
    timer.init();
    irq.on(IRQ_SYSTIMER_3, () => timer.ack(3), { keepAlive: false });
    clock.attach(timer.clockSource(3));
  }
}
