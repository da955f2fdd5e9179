/**
 * The FU540's part of the event loop: the PLIC as the interrupt controller (the firmware hart's
 * M-mode context) and the CLINT's mtime as the clock, with the hart's mtimecmp as the deadline.
 * The deadline is a CPU-local interrupt that the arch's trap handler takes (hal/arch/riscv64),
 * so, unlike the BCM2835's system timer, it has no PLIC line and no JS handler.
 */
import { clock, irq } from "hal";
import "../../hal/mmio-bus.ts";
import { Plic, FU540_PLIC_SOURCES, fu540MachineContext } from "../../drivers/irq/plic.ts";
import { Clint, FU540_RTC_HZ } from "../../drivers/timer/clint.ts";
import { CLINT_BASE, FIRMWARE_HART, FU540_HARTS, PLIC_BASE } from "./fu540.ts";

export class Fu540Loop {
  readonly plic = new Plic({ base: PLIC_BASE, sources: FU540_PLIC_SOURCES, context: fu540MachineContext(FIRMWARE_HART) });
  readonly clint = new Clint({ base: CLINT_BASE, hz: FU540_RTC_HZ, harts: FU540_HARTS });

  /** Attaches the controller and the clock to the native event loop. */
  start(): void {
    this.plic.init();
    irq.attach(this.plic.description());
    clock.attach(this.clint.clockSource(FIRMWARE_HART));
  }
}
