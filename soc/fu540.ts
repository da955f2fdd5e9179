/**
 * SiFive FU540-C000 (QEMU sifive_u): the E51 monitor core, four U54 cores (QEMU: one by default),
 * and the peripherals at the addresses of the FU540-C000 Manual v1p0, chapter 5 (memory map).
 */
import "../hal/mmio-bus.ts";
import { SifiveUart } from "../drivers/uart/sifive.ts";

export const UART0_BASE = 0x1001_0000;
/** tlclk: the core clock (1 GHz after the PRCI's PLL setup on hardware) halved. */
export const TLCLK_HZ = 500_000_000;

export class Fu540 {
  readonly uart0 = new SifiveUart({ base: UART0_BASE, clockHz: TLCLK_HZ });
}
