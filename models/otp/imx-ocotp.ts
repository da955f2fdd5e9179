/**
 * Register-level model of the i.MX OCOTP shadow registers (i.MX6UL RM, "On-Chip OTP Controller"):
 * word n at 0x400 + 0x10 * n, CTRL at 0x00 with ERROR (bit 9). Offsets written out from the manual.
 */
import type { MemoryBus } from "../memory-bus.ts";

export class ImxOcotpModel {
  error = false;
  private readonly words = new Map<number, number>();

  constructor(bus: MemoryBus, base: number) {
    bus.onRead(base, () => (this.error ? 1 << 9 : 0));
    bus.onWrite(base, () => {});
    for (let n = 0; n < 128; n++) {
      bus.onRead(base + 0x400 + 0x10 * n, () => this.words.get(n) ?? 0);
      bus.onWrite(base + 0x400 + 0x10 * n, () => {});
    }
  }

  /** Blows fuse word `n` (the shadow shows it). */
  fuse(n: number, value: number): void {
    this.words.set(n, value >>> 0);
  }
}
