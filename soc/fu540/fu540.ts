/**
 * SiFive FU540-C000 (QEMU sifive_u): the E51 monitor core, four U54 cores (QEMU: one by default),
 * and the peripherals at the addresses of the FU540-C000 Manual v1p0, chapter 5 (memory map).
 * The console UART's baud divisor comes from tlclk as the PRCI reports it.
 */
import "../../hal/mmio-bus.ts";
import { SifiveUart } from "../../drivers/uart/sifive.ts";
import { FU540_HFCLK_HZ, SifivePrci } from "../../drivers/clock/sifive-prci.ts";

export const CLINT_BASE = 0x0200_0000;
export const PLIC_BASE = 0x0c00_0000;
export const PRCI_BASE = 0x1000_0000;
export const UART0_BASE = 0x1001_0000;
export const OTP_BASE = 0x1007_0000;
/** The Cadence GEM Ethernet MAC (chapter 5) and its PHY's MDIO address (QEMU sifive_u: 0). */
export const GEM_BASE = 0x1009_0000;
export const GEM_PHY_ADDRESS = 0;
/** PLIC sources (FU540 Manual 10.1, Table 47). */
export const IRQ_UART0 = 4;
export const IRQ_UART1 = 5;
export const IRQ_GEM = 53;
/** The hart tsmetal runs on: the first U54 (hal/arch/riscv64/start.S). */
export const FIRMWARE_HART = 1;
/** Harts: the E51 and four U54s. */
export const FU540_HARTS = 5;

export class Fu540 {
  readonly prci = new SifivePrci({ base: PRCI_BASE, refHz: FU540_HFCLK_HZ });
  readonly uart0 = new SifiveUart({ base: UART0_BASE, clockHz: this.prci.tlclkHz() });
}
