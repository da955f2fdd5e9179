/**
 * BCM2836 (Raspberry Pi 2 B): four Cortex-A7 cores around the BCM2835's peripherals, which the ARM
 * sees at 0x3F000000, plus the per-core interrupt and timer block at 0x40000000.
 */
import { Bcm2835 } from "../bcm2835/bcm2835.ts";

export const BCM2836_PERIPHERAL_BASE = 0x3f00_0000;
export const BCM2836_LOCAL_BASE = 0x4000_0000;

export class Bcm2836 extends Bcm2835 {
  constructor() {
    super(BCM2836_PERIPHERAL_BASE);
  }
}
