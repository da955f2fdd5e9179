/**
 * The BCM2835/BCM2836 boards' disk: the SD card on the Arasan SDHCI ("EMMC", peripheral base +
 * 0x300000), the image unit "disk" that board().disk() loads on first use (only in a firmware with
 * the storage unit, tools/lib/units.ts). QEMU's raspi machines attach `-drive if=sd` to this
 * controller while GPIO 48-53 are inputs (their reset state) and move it to the SDHOST when the
 * pins are ALT0 (hw/gpio/bcm2835_gpio.c); on the real boards the pins select the SDHOST too, so
 * the card is routed to the Arasan by ALT3 on GPIO 48-53 (BCM2835 ARM Peripherals 6.2, the
 * alternate function table: SD1_CLK/CMD/DAT0-3), which QEMU leaves as it is (docs/storage.md).
 * The driver is given DMA memory and uses the controller's DMA if its Capabilities register offers
 * it (QEMU's raspi machines say "no DMA", 0x052134b4: PIO there), with the VideoCore bus alias the
 * mailbox uses, as the Arasan masters the VideoCore bus.
 */
import { barrier, dma } from "hal";
import "../../hal/mmio-bus.ts";
import { Bcm2835Gpio } from "../../drivers/gpio/bcm2835.ts";
import { Sdhci } from "../../drivers/sd/sdhci.ts";
import { SdCard } from "../../drivers/sd/sd-card.ts";

const EMMC_OFFSET = 0x30_0000;
const GPIO_OFFSET = 0x20_0000;

/** Routes the card to the Arasan, brings it up and returns it; a BlockDeviceError (ENOMEDIUM: no card) otherwise. */
export function openDisk(peripheralBase: number, busAlias: number): SdCard {
  const gpio = new Bcm2835Gpio({ base: peripheralBase + GPIO_OFFSET });
  for (let pin = 48; pin <= 53; pin++) gpio.setFunction(pin, "alt3");
  const host = new Sdhci({ base: peripheralBase + EMMC_OFFSET, dma, dmaBusAlias: busAlias, barrier: barrier.dsb });
  const card = new SdCard({ host });
  card.init();
  return card;
}
