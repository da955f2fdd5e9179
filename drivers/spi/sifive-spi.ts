/**
 * SiFive SPI controller (the FU540's QSPI0-2; QEMU's sifive_u has an SD card on SPI2, 0x10050000)
 * as a byte-wise SpiBus.
 *
 * Follows the SiFive FU540-C000 Manual v1p0, chapter 19 "Serial Peripheral Interface (SPI)":
 * register map (19.3), sckdiv (19.4: f_sck = f_in / (2 (div + 1))), sckmode (19.5: mode 0),
 * csid/csdef/csmode (19.6-19.8: HOLD keeps the select asserted, AUTO releases it at the end of
 * the frame, OFF leaves the pin at csdef), fmt (19.11: single lane, MSB first, receive on,
 * 8-bit frames), txdata (19.12: bit 31 full) and rxdata (19.13: bit 31 empty; reading pops).
 * Every byte sent clocks one in; the FIFOs are eight deep: transfer() keeps one byte in flight,
 * receive() and send() eight (a data block costs a write and a read per byte, no status poll).
 */
import { defineRegisters, ro, rw, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, pollUntil, PollTimeoutError, type PollOptions } from "../../hal/poll.ts";
import type { SpiBus } from "../interfaces/spi-bus.ts";

/** csmode (19.8). */
export enum CSMODE { AUTO = 0, HOLD = 2, OFF = 3 }
/** fmt (19.11): proto 1:0, endian 2, dir 3, len 19:16. */
export enum FMT { PROTO = 3, ENDIAN = 1 << 2, DIR = 1 << 3, LEN = 0xf << 16 }
/** txdata / rxdata flag (19.12, 19.13). */
export enum DATA { FULL_OR_EMPTY = 1 << 31, BYTE = 0xff }

export const SIFIVE_SPI_REGS = defineRegisters({
  SCKDIV: rw(0x00),
  SCKMODE: rw(0x04),
  CSID: rw(0x10),
  CSDEF: rw(0x14),
  CSMODE: rw<CSMODE>(0x18),
  FMT: rw<FMT>(0x40),
  TXDATA: rw<DATA>(0x48),
  RXDATA: ro<DATA>(0x4c),
  IE: rw(0x70),
}, { name: "SPI" });
export type SifiveSpiRegisters = ReturnType<typeof SIFIVE_SPI_REGS.at>;

export interface SifiveSpiOptions extends PolledDeviceOptions {
  /** The controller's input clock, tlclk (default 500 MHz: the FU540's coreclk / 2 at 1 GHz, 7.1). */
  readonly inputClockHz?: number;
  /** Chip select of the device (default 0). */
  readonly cs?: number;
}

export class SifiveSpi implements SpiBus {
  readonly base: number;
  readonly name: string;
  readonly registers: SifiveSpiRegisters;
  private readonly wait?: PollOptions;
  private readonly inputHz: number;
  private readonly cs: number;

  constructor(o: SifiveSpiOptions) {
    this.base = o.base;
    this.name = `SifiveSpi@0x${(o.base >>> 0).toString(16)}`;
    this.wait = pollOptions(o.maxPolls);
    if (o.inputClockHz !== undefined && !(o.inputClockHz > 0)) throw new RangeError(`SifiveSpi: inputClockHz ${o.inputClockHz} is not positive`);
    this.inputHz = o.inputClockHz ?? 500_000_000;
    this.cs = o.cs ?? 0;
    if (!(this.cs >= 0 && this.cs < 32 && this.cs === (this.cs | 0))) throw new RangeError(`SifiveSpi: chip select ${o.cs} is not 0-31`);
    this.registers = SIFIVE_SPI_REGS.at(o.base, o.bus);
  }

  /** Mode 0, 8-bit MSB-first frames with receive, interrupts off, the select released, 400 kHz. */
  init(): void {
    if (!this.base) throw new Error("SifiveSpi: invalid base address");
    const r = this.registers;
    r.IE.write(0);
    r.SCKMODE.write(0); // 19.5: CPHA 0, CPOL 0 (SD cards sample on the rising edge)
    r.CSID.write(this.cs);
    r.CSDEF.write(1 << this.cs); // inactive high
    r.CSMODE.write(CSMODE.AUTO);
    r.FMT.write(8 << 16); // 19.11: single, MSB first, dir rx, 8 bits
    this.setClock(400_000);
    for (let i = 0; i < 8 && !(r.RXDATA.read() & DATA.FULL_OR_EMPTY); i++); // drain the 8-deep receive FIFO
  }

  setClock(hz: number): void {
    const div = Math.max(0, Math.min(0xfff, Math.ceil(this.inputHz / (2 * hz)) - 1));
    this.registers.SCKDIV.write(div);
  }

  select(): void { this.registers.CSMODE.write(CSMODE.HOLD); }
  deselect(): void {
    this.registers.CSMODE.write(CSMODE.AUTO);
    this.transfer(0xff); // one byte of clocks so the card releases DO (SD Physical Layer 7.2)
  }

  idle(count: number): void {
    const r = this.registers;
    r.CSMODE.write(CSMODE.OFF); // the pin stays at csdef: deasserted
    for (let i = 0; i < count; i++) this.transfer(0xff);
    r.CSMODE.write(CSMODE.AUTO);
  }

  receive(into: Uint8Array, offset: number, count: number): void {
    this.burst(null, into, offset, count);
  }

  send(data: Uint8Array, offset: number, count: number): void {
    this.burst(data, null, offset, count);
  }

  /** Up to eight bytes into the transmit FIFO, then their answers out of the receive FIFO (both empty before: every transfer takes its answer). */
  private burst(tx: Uint8Array | null, rx: Uint8Array | null, offset: number, count: number): void {
    const r = this.registers, txd = r.TXDATA, rxd = r.RXDATA;
    for (let i = offset, end = offset + count; i < end; ) {
      const n = end - i < 8 ? end - i : 8;
      if (tx === null) for (let k = 0; k < n; k++) txd.write(0xff);
      else for (let k = 0; k < n; k++) txd.write(tx[i + k]);
      for (let k = 0; k < n; k++, i++) {
        let v = rxd.read();
        if (v & DATA.FULL_OR_EMPTY) v = this.transferWait(() => (v = rxd.read()) & DATA.FULL_OR_EMPTY, () => v, "rxdata empty");
        if (rx !== null) rx[i] = v;
      }
    }
  }

  private transferWait(probe: () => number, value: () => number, what: string): number {
    try {
      pollUntil(probe, 0, () => `${this.name} ${what}`, this.wait);
      return value() & 0xff;
    } catch (e) {
      if (e instanceof PollTimeoutError) throw new Error(`${this.name}: the controller stopped shifting: ${e.message}`);
      throw e;
    }
  }

  transfer(tx: number): number {
    const r = this.registers;
    try {
      if (r.TXDATA.read() & DATA.FULL_OR_EMPTY) pollUntil(() => r.TXDATA.read() & DATA.FULL_OR_EMPTY, 0, () => `${this.name} txdata full`, this.wait);
      r.TXDATA.write(tx & 0xff);
      let rx = r.RXDATA.read();
      if (rx & DATA.FULL_OR_EMPTY) pollUntil(() => (rx = r.RXDATA.read()) & DATA.FULL_OR_EMPTY, 0, () => `${this.name} rxdata empty`, this.wait);
      return rx & 0xff;
    } catch (e) {
      if (e instanceof PollTimeoutError) throw new Error(`${this.name}: the controller stopped shifting: ${e.message}`);
      throw e;
    }
  }
}
