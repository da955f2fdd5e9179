/**
 * The i.MX6UL's part of the event loop: the Cortex-A7's GIC as the interrupt controller and the
 * ARM generic timer as the clock (docs/boards/usbarmory-mk2.md says why not the GPT). The timer's
 * deadline interrupt is masked by the arch on IRQ entry (hal/arch/arm/vectors.S); its PPI only
 * has to be enabled at the GIC, so it gets a handler that does nothing and keeps nothing alive.
 */
import { clock, irq } from "hal";
import "../../hal/mmio-bus.ts";
import { GicV2 } from "../../drivers/irq/arm-gicv2.ts";
import { ArmGenericTimer } from "../../drivers/timer/arm-generic-timer.ts";
import { ArmSystemCounter } from "../../drivers/timer/arm-system-counter.ts";
import { IMX6UL_GIC_CPU_INTERFACE, IMX6UL_GIC_DISTRIBUTOR, IMX6UL_GIC_LINES, IMX6UL_SYS_CNT_BASE, IMX6UL_SYS_CNT_HZ } from "./imx6ul.ts";

export class Imx6ulLoop {
  readonly gic = new GicV2({ distributor: IMX6UL_GIC_DISTRIBUTOR, cpuInterface: IMX6UL_GIC_CPU_INTERFACE, lines: IMX6UL_GIC_LINES });
  // CNTFRQ when boot firmware set it (QEMU: 62.5 MHz), else the frequency the SCTR is started at.
  readonly timer = new ArmGenericTimer({ fallbackHz: IMX6UL_SYS_CNT_HZ });
  readonly systemCounter = new ArmSystemCounter({ base: IMX6UL_SYS_CNT_BASE });

  /** Attaches the controller and the clock to the native event loop. */
  start(): void {
    // Nothing starts the system counter before the ROM hands over; QEMU ignores this (its counter
    // always runs).
    this.systemCounter.start(IMX6UL_SYS_CNT_HZ);
    this.gic.init();
    irq.attach(this.gic.description());
    clock.attach(this.timer.clockSource());
    irq.on(this.timer.line, () => {}, { keepAlive: false });
  }
}
