/**
 * Register-level model of the SiFive SPI controller (FU540-C000 Manual v1p0, chapter 19) with one
 * device: sckdiv 0x00, sckmode 0x04, csid 0x10, csdef 0x14, csmode 0x18 (AUTO 0, HOLD 2, OFF 3),
 * fmt 0x40, txdata 0x48 (bit 31 full), rxdata 0x4C (bit 31 empty, reading pops), ie 0x70. As in
 * QEMU's sifive_spi: a byte written to txdata is shifted at once and its answer queued in the
 * 8-deep receive FIFO (dropped when full), and the device is selected while csmode is not AUTO.
 */
import type { MemoryBus } from "../memory-bus.ts";

/** What sits on the bus: one byte in, one out; `selected` follows the chip select. */
export interface SpiDeviceModel {
  transfer(tx: number, selected: boolean): number;
}

export class SifiveSpiModel {
  sckdiv = 3;
  sckmode = 0;
  csmode = 0;
  csdef = 1;
  fmt = 0;
  /** Bytes shifted out, with whether the device was selected. */
  shifted = 0;
  private readonly rx: number[] = [];

  constructor(bus: MemoryBus, base: number, readonly device: SpiDeviceModel | undefined) {
    const reg = (off: number, read: () => number, write: (v: number) => void) => { bus.onRead(base + off, read); bus.onWrite(base + off, write); };
    reg(0x00, () => this.sckdiv, (v) => { this.sckdiv = v & 0xfff; });
    reg(0x04, () => this.sckmode, (v) => { this.sckmode = v & 3; });
    reg(0x10, () => 0, () => {});
    reg(0x14, () => this.csdef, (v) => { this.csdef = v; });
    reg(0x18, () => this.csmode, (v) => { this.csmode = v & 3; });
    reg(0x40, () => this.fmt, (v) => { this.fmt = v; });
    reg(0x48, () => 0, (v) => this.shift(v & 0xff));
    reg(0x4c, () => (this.rx.length ? this.rx.shift()! : 0x8000_0000), () => {});
    reg(0x70, () => 0, () => {});
  }

  get selected(): boolean { return this.csmode !== 0; }

  private shift(tx: number): void {
    this.shifted++;
    const rx = this.device ? this.device.transfer(tx, this.selected) : 0xff;
    if (this.rx.length < 8 && !(this.fmt & 8)) this.rx.push(rx);
  }
}
