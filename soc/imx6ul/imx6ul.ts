/**
 * NXP i.MX6UL / i.MX6ULL / i.MX6ULZ: one Cortex-A7 with its GIC-400-style interrupt controller
 * (distributor and CPU interface in the A7 MPCore block at 0x00A00000), the peripherals on AIPS-1
 * to AIPS-3 (0x02000000-0x022FFFFF) and DDR at 0x80000000. Addresses and interrupt numbers from
 * the i.MX6UL / i.MX6ULL Reference Manuals, chapters "Memory Maps" (System memory map) and
 * "Interrupts and DMA Events" (ARM domain interrupt summary): interrupt n there is GIC ID 32 + n.
 */
import { mmio } from "hal";
import "../../hal/mmio-bus.ts";
import { ImxUart } from "../../drivers/uart/imx-uart.ts";

export const IMX6UL_GIC_DISTRIBUTOR = 0x00a0_1000;
export const IMX6UL_GIC_CPU_INTERFACE = 0x00a0_2000;
/** UART1..UART8 (index 0 is UART1). */
export const IMX6UL_UART_BASES = [0x0202_0000, 0x021e_8000, 0x021e_c000, 0x021f_0000, 0x021f_4000, 0x021f_c000, 0x0201_8000, 0x0202_4000] as const;
export const IMX6UL_GPIO_BASES = [0x0209_c000, 0x020a_0000, 0x020a_4000, 0x020a_8000, 0x020a_c000] as const;
export const IMX6UL_GPT1_BASE = 0x0209_8000;
/**
 * The peripheral clock (ipg_clk) GPT and EPIT count, as U-Boot configures it (AHB 132 MHz / 2).
 * It follows the CCM: at the RM's reset dividers, which QEMU models, it is 49.5 MHz.
 */
export const IMX6UL_IPG_HZ = 66_000_000;
export const IMX6UL_EPIT1_BASE = 0x020d_0000;
/** WDOG's Miscellaneous Control Register, 16-bit (RM, WDOG memory map). */
const WDOG_WMCR = 0x08;
/** WDOG1..WDOG3. */
export const IMX6UL_WDOG_BASES = [0x020b_c000, 0x020c_0000, 0x021e_4000] as const;
export const IMX6UL_SNVS_HP_BASE = 0x020c_c000;
export const IMX6UL_OCOTP_BASE = 0x021b_c000;
/** The system counter's control frame (SCTR, CNTControlBase) feeding the generic timer. */
export const IMX6UL_SYS_CNT_BASE = 0x021d_c000;
/**
 * The system counter's frequency on hardware: the 24 MHz oscillator / 3, what U-Boot (and TamaGo)
 * program. QEMU's generic timer runs at 62.5 MHz and says so in CNTFRQ.
 */
export const IMX6UL_SYS_CNT_HZ = 8_000_000;
export const IMX6UL_CAAM_BASE = 0x0214_0000;
/** i.MX6ULL / ULZ only (i.MX6ULL RM, memory map: RNGB). */
export const IMX6ULL_RNGB_BASE = 0x0228_4000;
/** USB_ANALOG_DIGPROG (RM, chapter "Clock Controller Module", analog): the chip's identity. */
const ANALOG_DIGPROG = 0x020c_8260;

/** Shared peripheral interrupts: GIC IDs (32 + the RM's interrupt number). */
const spi = (n: number): number => 32 + n;
/** UART1..UART8's interrupts (index 0 is UART1). */
export const IRQ_UARTS = [26, 27, 28, 29, 30, 17, 39, 40].map(spi);
export const IRQ_GPT1 = spi(55);
export const IRQ_EPIT1 = spi(56);
/** GPIOn's combined interrupts for pins 0-15 and 16-31. */
export const IRQ_GPIO_LOW = [66, 68, 70, 72, 74].map(spi);
export const IRQ_GPIO_HIGH = [67, 69, 71, 73, 75].map(spi);
export const IRQ_WDOG1 = spi(80);
/** GIC interrupt IDs implemented: 32 private plus the SoC's 128 shared ones. */
export const IMX6UL_GIC_LINES = 160;

/**
 * DIGPROG's major (bits 23:16): 0x64 on the i.MX6UL, 0x65 on the i.MX6ULL and ULZ. QEMU's
 * mcimx6ul-evk is an i.MX6UL (0x640000).
 */
export function imx6ulDigprog(): number {
  return mmio.read32(ANALOG_DIGPROG);
}
export const isImx6ull = (digprog: number): boolean => ((digprog >>> 16) & 0xff) === 0x65;

export interface Imx6ulOptions {
  /** The console UART's number (1-8): UART1 on the EVK, UART2 on the USB armory. */
  readonly consoleUart: number;
}

export class Imx6ul {
  readonly console: ImxUart;
  /** The console UART's interrupt line (GIC ID). */
  readonly consoleLine: number;

  constructor(options: Imx6ulOptions) {
    const i = options.consoleUart - 1;
    if (!(Number.isInteger(i) && i >= 0 && i < IMX6UL_UART_BASES.length)) throw new RangeError(`Imx6ul: there is no UART${options.consoleUart} (1-8)`);
    this.console = new ImxUart({ base: IMX6UL_UART_BASES[i] });
    this.consoleLine = IRQ_UARTS[i];
    // Each WDOG's power-down counter resets the SoC 16 s after power-on unless cleared (RM,
    // WDOG "Power-down counter event"): the boot ROM leaves it running. A plain 16-bit write of
    // WMCR rather than the WDOG driver (drivers/watchdog/imx-wdog.ts), whose evaluation and 16-bit
    // register block cost 215,000 boot instructions and 8 KB of heap (npm run bench).
    for (const base of IMX6UL_WDOG_BASES) mmio.write16(base + WDOG_WMCR, 0);
  }
}
