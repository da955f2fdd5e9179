/**
 * The Linux boards' simulated register space (docs/boards/linux.md): a small "virt" machine that
 * `npm run linux` serves to the firmware process over pipes (tools/lib/linux-registers.ts). A
 * PL011 UART (the board's serial input; its console output is the process's standard output)
 * wired to line 57 of a BCM2835-style banked interrupt controller, the controller kind the native
 * top half drives without CPU-specific entry code (drivers/irq/bcm2835.ts). The addresses are
 * this machine's own, shared with the firmware side through soc/linux/virt-map.ts.
 */
import { MemoryBus } from "../memory-bus.ts";
import type { SimMachine } from "../machine.ts";
import { Pl011Model } from "../uart/pl011.ts";
import { Bcm2835IrqModel } from "../irq/bcm2835.ts";
import { VIRT_BLOCK_SIZE, VIRT_INTC_BASE, VIRT_UART_BASE, VIRT_UART_LINE } from "../../soc/linux/virt-map.ts";

export class LinuxVirtMachine implements SimMachine {
  readonly bus = new MemoryBus({ logLimit: 0 });
  readonly intc: Bcm2835IrqModel;
  readonly uart: Pl011Model;
  readonly mapped = [
    { base: VIRT_INTC_BASE, size: VIRT_BLOCK_SIZE },
    { base: VIRT_UART_BASE, size: VIRT_BLOCK_SIZE },
  ];

  constructor() {
    this.intc = new Bcm2835IrqModel(this.bus, VIRT_INTC_BASE);
    this.uart = new Pl011Model(this.bus, VIRT_UART_BASE, { fifoDepth: 16, onInterrupt: (level) => this.intc.setLine(VIRT_UART_LINE, level) });
  }

  /** No model here keeps time: the firmware's clock is the host's CLOCK_MONOTONIC. */
  advance(): void {}

  irqAsserted(): boolean {
    return this.intc.irq;
  }

  get console(): Pl011Model {
    return this.uart;
  }
}
