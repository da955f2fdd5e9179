/**
 * SiFive UART (FU540-C000 Manual v1p0, chapter 13): 8N1 with 8-entry TX and RX FIFOs.
 * Registers (13.3): txdata 0x00 (bit 31 full), rxdata 0x04 (bit 31 empty), txctrl 0x08 (txen,
 * nstop, txcnt watermark), rxctrl 0x0C (rxen, rxcnt), ie 0x10 / ip 0x14 (txwm, rxwm), div 0x18
 * (baud = tlclk / (div + 1), 13.8).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";
import { writeUtf8 } from "../../hal/utf8.ts";
import type { SerialPort } from "../../hal/io/serial.ts";

export const SIFIVE_UART_REGS = defineRegisters({
  TXDATA: register(0x00, { DATA: field(0, 8), FULL: field(31) }),
  RXDATA: register(0x04, { DATA: field(0, 8), EMPTY: field(31) }),
  TXCTRL: register(0x08, { TXEN: field(0), NSTOP: field(1), TXCNT: field(16, 3) }),
  RXCTRL: register(0x0c, { RXEN: field(0), RXCNT: field(16, 3) }),
  IE: register(0x10, { TXWM: field(0), RXWM: field(1) }),
  IP: register(0x14, { TXWM: field(0), RXWM: field(1) }),
  DIV: register(0x18, { DIV: field(0, 16) }),
}, { name: "SiFive UART" });

export type SifiveUartRegisters = ReturnType<typeof SIFIVE_UART_REGS.at>;

const TXDATA_FULL = 0x8000_0000;
/** ie/ip.rxwm (13.7): pending while the RX FIFO holds more than rxctrl.rxcnt bytes (init: 0). */
const IE_RXWM = 1 << 1;
const RXDATA_EMPTY = 0x8000_0000;
/** Bounded waits: a UART that never drains must not hang the console. */
const DEFAULT_MAX_POLLS = 1_000_000;

export interface SifiveUartOptions {
  readonly base: number;
  /** The peripheral clock the baud rate is divided from (tlclk). */
  readonly clockHz: number;
  readonly bus?: RegisterBus;
  readonly maxPolls?: number;
}

/**
 * The UART reports no receive errors (no parity, no framing or overrun flags, 13.1), so
 * `rxErrors` stays zero: a byte that arrives with the RX FIFO full is lost unseen.
 */
export class SifiveUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  readonly rxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  private regs!: SifiveUartRegisters;
  private txdata!: SifiveUartRegisters["TXDATA"];

  constructor(options: SifiveUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.bus = options.bus;
    this.maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
  }

  get registers(): SifiveUartRegisters {
    return this.regs;
  }

  /** Baud divisor (13.8: div = tlclk / baud - 1, rounded), one stop bit, TX and RX enabled, interrupts off. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("SifiveUart: invalid base address");
    const div = sifiveUartDivisor(this.clockHz, baud);
    const r = (this.regs = SIFIVE_UART_REGS.at(this.base, this.bus));
    this.txdata = r.TXDATA;
    r.IE.write(0);
    r.DIV.write(div);
    r.TXCTRL.write(1); // txen, one stop bit, watermark 0
    r.RXCTRL.write(1); // rxen, watermark 0: interrupt while any byte waits
  }

  writeByte(b: number): void {
    const tx = this.txdata;
    for (let n = 0; tx.read() & TXDATA_FULL; n++) {
      if (n >= this.maxPolls) throw new Error("SifiveUart: TX FIFO stayed full");
    }
    tx.write(b & 0xff);
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when the RX FIFO is empty. Never waits. */
  readByte(): number {
    const v = this.regs.RXDATA.read();
    return v & RXDATA_EMPTY ? -1 : v & 0xff;
  }

  /** Interrupt while any received byte waits (ie.rxwm with rxcnt 0, 13.7). */
  enableReceiveInterrupts(): void {
    this.regs.IE.set(IE_RXWM);
  }

  disableReceiveInterrupts(): void {
    if (this.regs) this.regs.IE.clear(IE_RXWM);
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
