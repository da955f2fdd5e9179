/**
 * sifive_u's disk: the SD card in SPI mode on the FU540's QSPI2 (0x10050000, FU540-C000 manual
 * memory map), where QEMU's sifive_u wires its ssi-sd and `-drive if=sd` (hw/riscv/sifive_u.c);
 * the image unit "disk" that board().disk() loads on first use (only in a firmware with the
 * storage unit, tools/lib/units.ts).
 */
import "../../hal/mmio-bus.ts";
import { SifiveSpi } from "../../drivers/spi/sifive-spi.ts";
import { SdSpiCard } from "../../drivers/sd/sd-spi.ts";

export const FU540_QSPI2_BASE = 0x1005_0000;

/** Brings up the card at `tlclkHz` (the SPI controller's input clock) and returns it; a BlockDeviceError (ENOMEDIUM: no card) otherwise. */
export function openDisk(tlclkHz: number): SdSpiCard {
  const spi = new SifiveSpi({ base: FU540_QSPI2_BASE, inputClockHz: tlclkHz });
  spi.init();
  const card = new SdSpiCard({ spi });
  card.init();
  return card;
}
