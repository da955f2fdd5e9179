/**
 * The PC's part of the event loop (QEMU microvm, and the same devices on Firecracker and Cloud
 * Hypervisor): the I/O APIC routes ISA interrupts to vectors and the local APIC ends them (the
 * "vectored" controller kind); the clock is the CPU's own: the TSC as counter and the local APIC
 * timer as deadline, armed by the arch, which finds their rates (hal/arch/amd64/cpu-timer.c; counter
 * kind "cpu-timer"): from CPUID leaf 0x40000010 (Cloud Hypervisor), 0x15/0x16, or measured against
 * the PIT (microvm, Firecracker); with none of them clock.attach throws a RangeError naming what it
 * tried (docs/boards/microvm.md). The local APIC must be enabled before the clock attaches: a
 * software-disabled APIC keeps its timer masked (Intel SDM vol. 3, 11.4.7.2).
 */
import { clock, irq } from "hal";
import "../../hal/mmio-bus.ts";
import { IoApic } from "../../drivers/irq/ioapic.ts";
import { LocalApic } from "../../drivers/irq/lapic.ts";
import { IOAPIC_BASE, IRQ_COM1, LAPIC_BASE } from "./pc-legacy.ts";

/** Vector of I/O APIC input 0: above the 32 exception vectors, below the arch's APIC timer (0xf0). */
export const PC_FIRST_IRQ_VECTOR = 0x30;

export class PcLoop {
  readonly lapic = new LocalApic({ base: LAPIC_BASE });
  readonly ioapic = new IoApic({ base: IOAPIC_BASE, firstVector: PC_FIRST_IRQ_VECTOR });

  /** Attaches the controller and the clock to the native event loop. */
  start(): void {
    this.lapic.init();
    this.ioapic.init(this.lapic.id());
    // The 16550's INTR is a level (PC16550D 8.8): taken level-triggered, a request that stays
    // up while the top half has the input masked is delivered when it is unmasked. Edge-triggered,
    // the 82093AA ignores an edge on a masked input (QEMU does too), and bytes that arrive while
    // the handler drains the FIFO would never interrupt again.
    this.ioapic.configure(IRQ_COM1, "level");
    irq.attach(this.ioapic.description(this.lapic.eoiAddress()));
    clock.attach({ counter: { kind: "cpu-timer" } });
  }
}
