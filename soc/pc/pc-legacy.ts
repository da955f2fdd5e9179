/**
 * The PC-compatible devices every x86 VMM here (QEMU microvm, Firecracker, Cloud Hypervisor)
 * gives a PVH guest at the same places: a 16550 UART on COM1 (I/O port 0x3f8, ISA IRQ 4), the
 * I/O APIC at 0xfec00000 and the local APIC at 0xfee00000 (Intel SDM vol. 3, 12.4.1; 82093AA
 * datasheet 3.0). The event loop's drivers for the APICs come with phase 2 of the AMD64 port.
 */
import "../../hal/mmio-bus.ts";
import { portIoBus } from "../../hal/port-io-bus.ts";
import { Ns16550 } from "../../drivers/uart/ns16550.ts";

export const COM1_PORT = 0x3f8;
export const IOAPIC_BASE = 0xfec0_0000;
export const LAPIC_BASE = 0xfee0_0000;
/** ISA IRQ of COM1, an I/O APIC input on all three VMMs. */
export const IRQ_COM1 = 4;

export class PcLegacy {
  readonly com1 = new Ns16550({ base: COM1_PORT, bus: portIoBus });
}
