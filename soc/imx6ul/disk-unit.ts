/**
 * The i.MX6UL boards' disk: the card in uSDHC1's slot (0x02190000, IMX6ULRM memory map; the USB
 * armory Mk II's microSD, the EVK's SD slot; QEMU's mcimx6ul-evk attaches `-drive if=sd,index=0`
 * there), the image unit "disk" that board().disk() loads on first use (only in a firmware with
 * the storage unit, tools/lib/units.ts). The card moves data by ADMA2 (QEMU's and the i.MX6UL's
 * uSDHC offer it) through a bounce buffer in hal.dma.
 */
import { barrier, dma } from "hal";
import "../../hal/mmio-bus.ts";
import { ImxUsdhc } from "../../drivers/sd/imx-usdhc.ts";
import { SdCard } from "../../drivers/sd/sd-card.ts";

export const IMX6UL_USDHC1_BASE = 0x0219_0000;

/** Brings up the card and returns it; a BlockDeviceError (ENOMEDIUM: no card) otherwise. */
export function openDisk(): SdCard {
  const card = new SdCard({ host: new ImxUsdhc({ base: IMX6UL_USDHC1_BASE, dma, barrier: barrier.dsb }) });
  card.init();
  return card;
}
