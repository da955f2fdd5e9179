/**
 * i.MX UART (i.MX6UL / i.MX6ULL Reference Manuals IMX6ULRM / IMX6ULLRM Rev. 1, chapter "Universal
 * Asynchronous Receiver/Transmitter (UART)"): 32-entry TX and RX FIFOs, a fractional baud rate
 * generator (binary rate multiplier, UBIR/UBMR) after a divider of the module clock (UFCR.RFDIV).
 * Registers: URXD 0x00 (data with CHARRDY and error flags), UTXD 0x40, UCR1-UCR4 0x80-0x8C, UFCR
 * 0x90, USR1 0x94, USR2 0x98, UBIR 0xA4, UBMR 0xA8, UTS 0xB4. Transmit is polled (UTS.TXFULL);
 * receive is polled with readByte() or interrupt-driven (UCR1.RRDYEN with an RX trigger level of
 * one character).
 */
import { defineRegisters, ro, rw, w1c, wo, fieldBits, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, type PollOptions } from "../../hal/poll.ts";
import { writeUtf8 } from "../../runtime/utf8.ts";
import type { SerialPort, SerialRxErrors } from "../interfaces/serial-port.ts";

/** URXD, receiver register: the character with its error flags. */
export enum URXD { RX_DATA = 0xff, PRERR = 1 << 10, BRK = 1 << 11, FRMERR = 1 << 12, OVRRUN = 1 << 13, ERR = 1 << 14, CHARRDY = 1 << 15 }
/** UCR1, control 1. */
export enum UCR1 { UARTEN = 1 << 0, RRDYEN = 1 << 9, TRDYEN = 1 << 13 }
/** UCR2, control 2 (SRST is active low: 0 resets the UART). */
export enum UCR2 { SRST = 1 << 0, RXEN = 1 << 1, TXEN = 1 << 2, ATEN = 1 << 3, WS = 1 << 5, STPB = 1 << 6, PREN = 1 << 8, IRTS = 1 << 14 }
/** UCR3, control 3. RXDMUXSEL: the RM requires it set on this SoC family ("should always be set to 1"). */
export enum UCR3 { RXDMUXSEL = 1 << 2 }
/** UCR4, control 4. */
export enum UCR4 { DREN = 1 << 0, OREN = 1 << 1 }
/** UFCR, FIFO control. */
export enum UFCR { RXTL = 0x3f << 0, DCEDTE = 1 << 6, RFDIV = 7 << 7, TXTL = 0x3f << 10 }
/** UFCR.RFDIV, the divider of the module clock to the reference clock. */
export enum UFCR_RFDIV { DIV_6 = 0 << 7, DIV_5 = 1 << 7, DIV_4 = 2 << 7, DIV_3 = 3 << 7, DIV_2 = 4 << 7, DIV_1 = 5 << 7, DIV_7 = 6 << 7 }
/** USR1, status 1. */
export enum USR1 { RRDY = 1 << 9, TRDY = 1 << 13 }
/** USR2, status 2 (ORE is write-1-to-clear). */
export enum USR2 { RDR = 1 << 0, ORE = 1 << 1, TXDC = 1 << 3, TXFE = 1 << 14 }
/** UTS, test register. */
export enum UTS { SOFTRST = 1 << 0, TXFULL = 1 << 4, RXEMPTY = 1 << 5, TXEMPTY = 1 << 6 }

export const IMX_UART_REGS = defineRegisters({
  URXD: ro<URXD>(0x00),
  UTXD: wo(0x40),
  UCR1: rw<UCR1>(0x80),
  UCR2: rw<UCR2>(0x84),
  UCR3: rw<UCR3>(0x88),
  UCR4: rw<UCR4>(0x8c),
  UFCR: rw<UFCR>(0x90),
  USR1: w1c<USR1>(0x94),
  USR2: w1c<USR2>(0x98),
  /** Binary rate multiplier increment (16 bits). */
  UBIR: rw(0xa4),
  /** Binary rate multiplier modulator (16 bits). */
  UBMR: rw(0xa8),
  UTS: rw<UTS>(0xb4),
}, { name: "i.MX UART" });

export type ImxUartRegisters = ReturnType<typeof IMX_UART_REGS.at>;

/** UBIR + 1 = 16: the modulator then counts in units of baud/16 directly. */
const UBIR_16 = 15;

/** The i.MX6UL/ULL UART module clock (UART_CLK_ROOT: PLL3 480 MHz / 6, the reset value). */
export const IMX6UL_UART_CLOCK_HZ = 80_000_000;

/** `maxPolls` limits the waits on UTS (reset, TX FIFO full). */
export interface ImxUartOptions extends PolledDeviceOptions {
  /** The UART module clock (before UFCR.RFDIV). */
  readonly clockHz?: number;
}

export class ImxUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  /** Receive errors seen by readByte() in URXD, counted rather than thrown. */
  readonly rxErrors: SerialRxErrors = { framing: 0, parity: 0, break: 0, overrun: 0 };
  readonly registers: ImxUartRegisters;
  private readonly wait?: PollOptions;
  private readonly uts: Register<UTS, "rw">;
  private readonly utxd: Register<never, "wo">;
  /** Set by init(): receiving is only for a programmed UART. */
  private initialized = false;

  constructor(options: ImxUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz ?? IMX6UL_UART_CLOCK_HZ;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = IMX_UART_REGS.at(options.base, options.bus));
    this.uts = r.UTS;
    this.utxd = r.UTXD;
  }

  /**
   * Software reset (UCR2.SRST, waiting for UTS.SOFTRST), then 8N1 at `baud`, FIFO trigger
   * levels TX 2 / RX 1, TX and RX on, interrupts off.
   */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("ImxUart: invalid base address");
    const mod = imxUartModulator(this.clockHz, baud);
    const r = this.registers;
    r.UCR1.write(0);
    r.UCR2.write(0);
    r.UTS.waitUntil(UTS.SOFTRST, 0, this.wait);
    r.UCR3.write(UCR3.RXDMUXSEL);
    r.UCR4.write(0);
    // The reference clock is the module clock / 2 (as U-Boot's mxc_serial).
    r.UFCR.write(fieldBits(UFCR.RXTL, 1) | UFCR_RFDIV.DIV_2 | fieldBits(UFCR.TXTL, 2));
    r.UBIR.write(UBIR_16);
    r.UBMR.write(mod);
    // Not in reset, RX and TX on, 8 data bits, 1 stop bit, no parity, RTS ignored.
    r.UCR2.write(UCR2.SRST | UCR2.RXEN | UCR2.TXEN | UCR2.WS | UCR2.IRTS);
    r.UCR1.write(UCR1.UARTEN);
    this.initialized = true;
  }

  writeByte(b: number): void {
    const uts = this.uts;
    if (uts.read() & UTS.TXFULL) this.waitTransmitter();
    this.utxd.write(b & 0xff);
  }

  private waitTransmitter(): void {
    try {
      this.uts.waitUntil(UTS.TXFULL, 0, this.wait);
    } catch (e) {
      throw new Error(`ImxUart: TX FIFO stayed full (${(e as Error).message})`);
    }
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when the RX FIFO is empty (URXD.CHARRDY clear). Never waits. */
  readByte(): number {
    const v = this.checked().URXD.read();
    if (!(v & URXD.CHARRDY)) return -1;
    if (v & (URXD.PRERR | URXD.BRK | URXD.FRMERR | URXD.OVRRUN)) {
      const e = this.rxErrors;
      if (v & URXD.PRERR) e.parity++;
      if (v & URXD.BRK) e.break++;
      if (v & URXD.FRMERR) e.framing++;
      if (v & URXD.OVRRUN) e.overrun++;
    }
    return v & URXD.RX_DATA;
  }

  /** Interrupt while the RX FIFO holds at least UFCR.RXTL (1) characters (USR1.RRDY). */
  enableReceiveInterrupts(): void {
    this.checked().UCR1.set(UCR1.RRDYEN);
  }

  disableReceiveInterrupts(): void {
    if (this.initialized) this.registers.UCR1.clear(UCR1.RRDYEN);
  }

  /** USR1.RRDY falls by itself once the FIFO is read below the trigger level; clear a latched overrun. */
  acknowledgeReceive(): void {
    this.checked().USR2.write(USR2.ORE);
  }

  private checked(): ImxUartRegisters {
    if (!this.initialized) throw new Error("ImxUart: init() first");
    return this.registers;
  }
}

/**
 * UBMR for `baud` with UBIR = 15 and the reference clock at `clockHz` / 2:
 * baud = ref / (16 * (UBMR + 1) / (UBIR + 1)), so UBMR = ref / baud - 1 (rounded).
 */
export function imxUartModulator(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`ImxUart: clock ${clockHz} Hz and baud ${baud} must be positive`);
  const mod = Math.round(clockHz / 2 / baud) - 1;
  if (mod < UBIR_16 || mod > 0xffff) throw new RangeError(`ImxUart: ${baud} baud cannot be divided from ${clockHz} Hz`);
  return mod;
}
