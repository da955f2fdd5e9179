/** The Pi 2's disk: the BCM2835's Arasan SDHCI at the BCM2836 peripheral base (soc/bcm2835/disk-unit.ts). */
export { openDisk } from "../bcm2835/disk-unit.ts";
