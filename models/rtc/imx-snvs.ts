/**
 * Register-level model of the i.MX SNVS parts the driver uses (i.MX6UL RM, chapter "SNVS"):
 * HPSR 0x14 (SSM_STATE 11:8), LPCR 0x38 (SRTC_ENV bit 0), LPSRTCMR 0x50 / LPSRTCLR 0x54 (a 47-bit
 * counter at 32768 Hz). While it runs, each read of LPSRTCLR advances it by one tick as long as
 * `advancesLeft` allows, so a driver reading the halves once could see them from different moments.
 */
import type { MemoryBus } from "../memory-bus.ts";

export class ImxSnvsModel {
  ticks = 0;
  ssmState = 0xb;
  advancesLeft = 0;
  private lpcr = 0;

  constructor(bus: MemoryBus, base: number) {
    bus.onRead(base + 0x14, () => this.ssmState << 8);
    bus.onWrite(base + 0x14, () => {});
    bus.onRead(base + 0x38, () => this.lpcr);
    bus.onWrite(base + 0x38, (v) => { this.lpcr = v; });
    bus.onRead(base + 0x50, () => Math.floor(this.ticks / 2 ** 32) & 0x7fff);
    bus.onWrite(base + 0x50, () => {});
    bus.onRead(base + 0x54, () => {
      const lo = this.ticks >>> 0;
      if (this.lpcr & 1 && this.advancesLeft > 0) {
        this.ticks++;
        this.advancesLeft--;
      }
      return lo;
    });
    bus.onWrite(base + 0x54, () => {});
  }
}
