/**
 * The BCM2836 (Raspberry Pi 2): the BCM2835's peripherals at 0x3F000000 with the per-core block at
 * 0x40000000 between the GPU interrupt controller and the cores. The simulator's machine for pi2.
 */
import { Bcm2835Machine } from "./bcm2835.ts";
import { Bcm2836LocalModel } from "../irq/bcm2836-local.ts";

const PERIPHERAL_BASE = 0x3f00_0000, LOCAL_BASE = 0x4000_0000, LOCAL_SIZE = 0x100;

export class Bcm2836Machine extends Bcm2835Machine {
  readonly local: Bcm2836LocalModel;

  /** `disk`: the SD card's bytes (npm run sim --disk). */
  constructor(disk?: Uint8Array) {
    // What QEMU raspi2b's firmware answers: 1 GiB, 64 MiB of it the GPU's (test/qemu/pi.test.ts).
    super(PERIPHERAL_BASE, 0xc000_0000, {
      boardRevision: 0xa21041,
      armMemory: { base: 0, size: 0x3c00_0000 },
      vcMemory: { base: 0x3c00_0000, size: 0x0400_0000 },
    }, disk);
    this.local = new Bcm2836LocalModel(this.bus, LOCAL_BASE, { gpuIrq: () => this.intc.irq });
    this.mapped.push({ base: LOCAL_BASE, size: LOCAL_SIZE });
  }

  /** The firmware runs on core 0. */
  override irqAsserted(): boolean {
    return this.local.irq(0);
  }
}
