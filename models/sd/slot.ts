/**
 * The card in a simulated machine's SD slot (`npm run sim --disk card.img`): the image's bytes as
 * an SdCardModel, standard capacity up to 2 GiB and high capacity above, as QEMU 7.2 makes the
 * card for `-drive if=sd` (hw/sd/sd.c sd_set_csd: SDSC_MAX_CAPACITY), so the firmware sees the same
 * card as under QEMU. No image is an empty slot: the controller reports no card.
 */
import { SdCardModel } from "./sd-card.ts";

const SDSC_MAX_CAPACITY = 2 * 1024 ** 3;

export function cardInSlot(image: Uint8Array | undefined): SdCardModel | undefined {
  return image === undefined ? undefined : new SdCardModel(image, { sdhc: image.length > SDSC_MAX_CAPACITY });
}
