/**
 * SiFive UART (FU540-C000 Manual v1p0, chapter 13): 8N1 with 8-entry TX and RX FIFOs.
 * Registers (13.3): txdata 0x00 (bit 31 full), rxdata 0x04 (bit 31 empty), txctrl 0x08 (txen,
 * nstop, txcnt watermark), rxctrl 0x0C (rxen, rxcnt), ie 0x10 / ip 0x14 (txwm, rxwm), div 0x18
 * (baud = tlclk / (div + 1), 13.8).
 */
import { defineRegisters, ro, rw, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, type PollOptions } from "../../hal/poll.ts";
import { writeUtf8 } from "../../runtime/utf8.ts";
import type { SerialPort, SerialRxErrors } from "../interfaces/serial-port.ts";

/** txdata (13.4): writing queues DATA; reading returns FULL, set while the TX FIFO is full. */
export enum TXDATA { DATA = 0xff, FULL = 1 << 31 }
/** rxdata (13.5): reading pops DATA, or returns EMPTY set when the RX FIFO is empty. */
export enum RXDATA { DATA = 0xff, EMPTY = 1 << 31 }
/** txctrl (13.6): enable, stop bits, watermark. */
export enum TXCTRL { TXEN = 1 << 0, NSTOP = 1 << 1, TXCNT = 7 << 16 }
/** rxctrl (13.6): enable, watermark. */
export enum RXCTRL { RXEN = 1 << 0, RXCNT = 7 << 16 }
/**
 * ie / ip (13.7). RXWM is pending while the RX FIFO holds more than rxctrl.rxcnt bytes (init: 0),
 * TXWM while the TX FIFO holds fewer than txctrl.txcnt.
 */
export enum IP { TXWM = 1 << 0, RXWM = 1 << 1 }

export const SIFIVE_UART_REGS = defineRegisters({
  TXDATA: rw<TXDATA>(0x00),
  RXDATA: ro<RXDATA>(0x04),
  TXCTRL: rw<TXCTRL>(0x08),
  RXCTRL: rw<RXCTRL>(0x0c),
  IE: rw<IP>(0x10),
  IP: ro<IP>(0x14),
  /** baud = tlclk / (div + 1) (13.8). */
  DIV: rw(0x18),
}, { name: "SiFive UART" });

export type SifiveUartRegisters = ReturnType<typeof SIFIVE_UART_REGS.at>;

/** `maxPolls` limits the waits on txdata (TX FIFO full). */
export interface SifiveUartOptions extends PolledDeviceOptions {
  /** The peripheral clock the baud rate is divided from (tlclk). */
  readonly clockHz: number;
}

/**
 * The UART reports no receive errors (no parity, no framing or overrun flags, 13.1), so
 * `rxErrors` stays zero: a byte that arrives with the RX FIFO full is lost unseen.
 */
export class SifiveUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  readonly rxErrors: SerialRxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  readonly registers: SifiveUartRegisters;
  private readonly wait?: PollOptions;
  private readonly txdata: Register<TXDATA, "rw">;
  /** Set by init(): nothing to undo on a UART never programmed. */
  private initialized = false;

  constructor(options: SifiveUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = SIFIVE_UART_REGS.at(options.base, options.bus));
    this.txdata = r.TXDATA;
  }

  /** Baud divisor (13.8: div = tlclk / baud - 1, rounded), one stop bit, TX and RX enabled, interrupts off. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("SifiveUart: invalid base address");
    const div = sifiveUartDivisor(this.clockHz, baud);
    const r = this.registers;
    r.IE.write(0);
    r.DIV.write(div);
    r.TXCTRL.write(TXCTRL.TXEN); // one stop bit, watermark 0
    r.RXCTRL.write(RXCTRL.RXEN); // watermark 0: interrupt while any byte waits
    this.initialized = true;
  }

  writeByte(b: number): void {
    const tx = this.txdata;
    if (tx.read() & TXDATA.FULL) this.waitTransmitter();
    tx.write(b & TXDATA.DATA);
  }

  private waitTransmitter(): void {
    try {
      this.txdata.waitUntil(TXDATA.FULL, 0, this.wait);
    } catch (e) {
      throw new Error(`SifiveUart: TX FIFO stayed full (${(e as Error).message})`);
    }
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when the RX FIFO is empty. Never waits. */
  readByte(): number {
    const v = this.registers.RXDATA.read();
    return v & RXDATA.EMPTY ? -1 : v & RXDATA.DATA;
  }

  /** Interrupt while any received byte waits (ie.rxwm with rxcnt 0, 13.7). */
  enableReceiveInterrupts(): void {
    if (!this.initialized) throw new Error("SifiveUart: init() before enableReceiveInterrupts()");
    this.registers.IE.set(IP.RXWM);
  }

  disableReceiveInterrupts(): void {
    if (this.initialized) this.registers.IE.clear(IP.RXWM);
  }

  /** Nothing to clear: ip.rxwm falls by itself once the FIFO is read empty. */
  acknowledgeReceive(): void {}
}

/** div for `baud` from `clockHz` (13.8), refusing what the 16-bit divisor cannot do. */
export function sifiveUartDivisor(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`SifiveUart: clock ${clockHz} Hz and baud ${baud} must be positive`);
  const div = ((clockHz + (baud >> 1)) / baud - 1) | 0;
  if (div < 1 || div > 0xffff) throw new RangeError(`SifiveUart: ${baud} baud cannot be divided from ${clockHz} Hz`);
  return div;
}
