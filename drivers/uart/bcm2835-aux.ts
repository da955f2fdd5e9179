/**
 * BCM2835 mini UART (UART1), in the auxiliary peripherals block ("AUX"), after BCM2835 ARM
 * Peripherals (Broadcom, 2012-02-06) chapter 2: AUX_IRQ and AUX_ENABLES (2.1.1), the mini UART
 * (2.2), its implementation details (2.2.1) and registers (2.2.2), with the errata collected on
 * eLinux.org ("BCM2835 datasheet errata"): AUX_MU_IER bit 0 enables the receive interrupt and bit
 * 1 the transmit interrupt (the manual has them swapped), bits 3:2 "are actually required in order
 * to receive interrupts" (harmless either way, so they are set with bit 0), and 8-bit mode takes
 * AUX_MU_LCR = 3, not just bit 0 (which gives 7-bit characters).
 *
 * The block sits at peripheral base + 0x215000 (0x20215000 on BCM2835) and `base` is that address:
 * AUX_ENABLES is shared with the SPI1/SPI2 masters, and so is the interrupt line (GPU IRQ 29,
 * IRQ_AUX in drivers/irq/bcm2835.ts), whose source AUX_IRQ tells apart. A disabled mini UART
 * ignores every access to its registers (2.1.1), so init() enables it first.
 *
 * Baud rate = system clock / (8 * (AUX_MU_BAUD + 1)) (2.2.1). The system clock is the VideoCore
 * core clock, 250 MHz on the Pi 1 and Zero; if the firmware scales it (core_freq, or dynamic
 * frequency scaling), the baud rate moves with it.
 *
 * The mini UART detects no framing, parity or break errors (2.2), has 8-character FIFOs, no
 * receive timeout interrupt, and a receive interrupt that simply follows the RX FIFO level. Its
 * overrun flag, AUX_MU_LSR bit 1, is cleared by every read of AUX_MU_LSR (2.2.2), so this driver
 * counts it on every LSR read, including those of the transmit path.
 *
 * On hardware GPIO 14/15 must be in function ALT5 for TXD1/RXD1 (chapter 6); the board does that.
 */
import { defineRegisters, describeField, ro, rw, wo, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, pollUntil, type PollOptions } from "../../hal/poll.ts";
import { writeCharAt } from "../../runtime/utf8.ts";
import type { SerialPort, SerialRxErrors } from "../interfaces/serial-port.ts";

/** Module bits of AUX_IRQ and AUX_ENABLES (2.1.1). */
export enum AUX_MODULES { MINI_UART = 1 << 0, SPI1 = 1 << 1, SPI2 = 1 << 2 }
/** AUX_MU_IER (2.2.2). Errata: RX is bit 0, TX bit 1, and receive interrupts need bits 3:2 (ERRATA). */
export enum MU_IER { RX = 1 << 0, TX = 1 << 1, ERRATA = 3 << 2 }
/** AUX_MU_IIR read: NOT_PENDING is 0 while an interrupt is pending, ID 1 = TX empty, 2 = RX data (2.2.2). */
export enum MU_IIR { NOT_PENDING = 1 << 0, ID = 3 << 1, FIFOS = 3 << 6 }
/** AUX_MU_IIR write: flush the FIFOs (2.2.2). */
export enum MU_FCR { CLEAR_RX = 1 << 1, CLEAR_TX = 1 << 2 }
/** AUX_MU_LCR (2.2.2). */
export enum MU_LCR { DATA_SIZE = 3 << 0, BREAK = 1 << 6, DLAB = 1 << 7 }
/** MU_LCR.DATA_SIZE. Errata: 3 is 8-bit, 0 is 7-bit. */
export enum MU_LCR_DATA_SIZE { BITS_7 = 0, BITS_8 = 3 }
/** AUX_MU_MCR (2.2.2). */
export enum MU_MCR { RTS = 1 << 1 }
/** AUX_MU_LSR (2.2.2). Reading clears RX_OVERRUN. */
export enum MU_LSR { DATA_READY = 1 << 0, RX_OVERRUN = 1 << 1, TX_EMPTY = 1 << 5, TX_IDLE = 1 << 6 }
/** AUX_MU_MSR (2.2.2). */
export enum MU_MSR { CTS = 1 << 4 }
/** AUX_MU_CNTL (2.2.2). */
export enum MU_CNTL {
  RX_ENABLE = 1 << 0, TX_ENABLE = 1 << 1, RX_AUTOFLOW = 1 << 2, TX_AUTOFLOW = 1 << 3,
  RTS_LEVEL = 3 << 4, RTS_ASSERT = 1 << 6, CTS_ASSERT = 1 << 7,
}
/** AUX_MU_STAT (2.2.2). */
export enum MU_STAT {
  RX_AVAILABLE = 1 << 0, TX_SPACE = 1 << 1, RX_IDLE = 1 << 2, TX_IDLE = 1 << 3, RX_OVERRUN = 1 << 4,
  TX_FULL = 1 << 5, RTS = 1 << 6, CTS = 1 << 7, TX_EMPTY = 1 << 8, TX_DONE = 1 << 9,
  RX_LEVEL = 0xf << 16, TX_LEVEL = 0xf << 24,
}

/** The AUX block's registers used by the mini UART, 2.1 table and 2.2.2, with the errata. */
export const AUX_REGS = defineRegisters({
  IRQ: ro<AUX_MODULES>(0x00),
  ENABLES: rw<AUX_MODULES>(0x04),
  /** Data (DLAB=0), or the low byte of the baud register (DLAB=1). */
  MU_IO: rw(0x40),
  /** Interrupt enables (DLAB=0), or the high byte of the baud register (DLAB=1). */
  MU_IER: rw<MU_IER>(0x44),
  /** Interrupt identification (read). */
  MU_IIR: ro<MU_IIR>(0x48),
  /** FIFO clear (write), at the same address as MU_IIR. */
  MU_FCR: wo<MU_FCR>(0x48),
  MU_LCR: rw<MU_LCR>(0x4c),
  MU_MCR: rw<MU_MCR>(0x50),
  MU_LSR: ro<MU_LSR>(0x54),
  MU_MSR: ro<MU_MSR>(0x58),
  MU_SCRATCH: rw(0x5c),
  MU_CNTL: rw<MU_CNTL>(0x60),
  MU_STAT: ro<MU_STAT>(0x64),
  /** The 16-bit baud rate register (2.2.1). */
  MU_BAUD: rw(0x68),
}, { name: "AUX" });

export type Bcm2835AuxRegisters = ReturnType<typeof AUX_REGS.at>;

/**
 * The largest deviation from the requested rate init() accepts. The mini UART samples 8 times per
 * bit, so a frame survives a total mismatch of roughly 4-5% between both ends; 3% leaves the other
 * end a little. Most rates are far closer (115200 from 250 MHz: 0.1%).
 */
const MAX_BAUD_ERROR = 0.03;

/**
 * `base`: physical address of the AUX block: peripheral base + 0x215000 (0x20215000 on BCM2835).
 * `maxPolls` limits the waits on AUX_MU_LSR (transmitter full or busy).
 */
export interface Bcm2835MiniUartOptions extends PolledDeviceOptions {
  /** The system (VideoCore core) clock the baud rate is divided from: 250 MHz on the Pi 1 and Zero. */
  readonly clockHz: number;
}

export class Bcm2835MiniUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  /**
   * Receive errors seen by the driver. The mini UART detects no framing or parity errors and no
   * break (2.2: a break reads as 0x00 characters, 2.2.1), so those three stay 0. `overrun` counts
   * the reads of AUX_MU_LSR that found the overrun flag set.
   */
  readonly rxErrors: SerialRxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  /** The register block, for what this driver does not wrap. */
  readonly registers: Bcm2835AuxRegisters;
  private readonly wait?: PollOptions;
  // The TX/RX paths use these so that a byte costs few property lookups.
  private readonly io: Register<never, "rw">;
  private readonly lsr: Register<MU_LSR, "ro">;
  /** Set by init(): the receive interrupt is only for a programmed UART. */
  private initialized = false;

  constructor(options: Bcm2835MiniUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = AUX_REGS.at(options.base, options.bus));
    this.io = r.MU_IO;
    this.lsr = r.MU_LSR;
  }

  /**
   * Enables the mini UART in AUX_ENABLES (keeping SPI1/SPI2 as they are) and programs `baud`, 8
   * data bits, no flow control, with the receiver and transmitter off meanwhile, both FIFOs
   * cleared, and interrupts masked. If an earlier stage left the transmitter running, its queued
   * output goes out first.
   */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("Bcm2835MiniUart: invalid base address");
    const divisor = miniUartBaudRegister(this.clockHz, baud);
    const r = this.registers;
    const cntl = r.MU_CNTL;

    const enables = r.ENABLES.read();
    if ((enables & AUX_MODULES.MINI_UART) === 0) r.ENABLES.write(enables | AUX_MODULES.MINI_UART);
    else if ((cntl.read() & MU_CNTL.TX_ENABLE) !== 0) this.waitLsr(MU_LSR.TX_IDLE);
    cntl.write(0); // receiver, transmitter and auto flow control off while configuring
    r.MU_LCR.write(MU_LCR_DATA_SIZE.BITS_8); // 8-bit (errata); also clears DLAB, so the next write reaches IER
    r.MU_IER.write(0); // interrupts masked
    r.MU_MCR.write(0);
    r.MU_FCR.write(MU_FCR.CLEAR_RX | MU_FCR.CLEAR_TX); // drops what arrived since enabling (0x00s if RX was low, 2.1.1)
    r.MU_BAUD.write(divisor);
    cntl.write(MU_CNTL.RX_ENABLE | MU_CNTL.TX_ENABLE);
    this.initialized = true;
  }

  writeByte(b: number): void {
    const v = this.lsr.read();
    if (v & MU_LSR.RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & MU_LSR.TX_EMPTY) === 0) this.waitLsr(MU_LSR.TX_EMPTY);
    this.io.write(b & 0xff);
  }

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.writeByte(bytes[i]);
  }

  /** Sends `s` as UTF-8 (a lone surrogate as U+FFFD), without allocating (after the first non-ASCII character). */
  writeString(s: string): void {
    // writeByte inlined for ASCII: this runs per console byte.
    const lsr = this.lsr;
    const io = this.io;
    for (let i = 0; i < s.length; ) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        const v = lsr.read();
        if (v & MU_LSR.RX_OVERRUN) this.rxErrors.overrun++;
        if ((v & MU_LSR.TX_EMPTY) === 0) this.waitLsr(MU_LSR.TX_EMPTY);
        io.write(c);
        i++;
        continue;
      }
      i = writeCharAt(s, i, this);
    }
  }

  /** The next received byte, or -1 if the RX FIFO is empty. Never waits. */
  readByte(): number {
    const v = this.lsr.read();
    if (v & MU_LSR.RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & MU_LSR.DATA_READY) === 0) return -1;
    return this.io.read() & 0xff;
  }

  /**
   * Sets AUX_MU_IER bit 0 (the receive interrupt, per the errata) and bits 3:2 (which the errata
   * says receive interrupts need), keeping the transmit bit. The interrupt is asserted while the
   * RX FIFO holds a character (2.2.2), so characters already waiting raise it at once.
   */
  enableReceiveInterrupts(): void {
    if (!this.initialized) throw new Error("Bcm2835MiniUart: init() before enableReceiveInterrupts()");
    this.registers.MU_IER.set(MU_IER.RX | MU_IER.ERRATA); // DLAB is 0 (init), so this is IER; it has no read-sensitive bits
  }

  /** Clears AUX_MU_IER bit 0; readByte() still works. */
  disableReceiveInterrupts(): void {
    if (this.initialized) this.registers.MU_IER.clear(MU_IER.RX);
  }

  /**
   * Does nothing: the mini UART has no interrupt status to clear. Its receive interrupt follows
   * the RX FIFO level (asserted while it holds a character, 2.2.2), so reading the FIFO empty,
   * which the caller has done, is what deasserts it.
   */
  acknowledgeReceive(): void {}

  /** Waits until the TX FIFO is empty and the last character has been shifted out (AUX_MU_LSR bit 6). */
  flush(): void {
    const v = this.lsr.read();
    if (v & MU_LSR.RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & MU_LSR.TX_IDLE) === 0) this.waitLsr(MU_LSR.TX_IDLE);
  }

  /**
   * Polls AUX_MU_LSR until `bit` is set, counting the overrun flag at every read (it clears on
   * read, so the register's waitUntil() would lose it). Throws PollTimeoutError after maxPolls reads.
   */
  private waitLsr(bit: MU_LSR): void {
    const lsr = this.lsr;
    const errors = this.rxErrors;
    const probe = (): number => {
      const v = lsr.read();
      if (v & MU_LSR.RX_OVERRUN) errors.overrun++;
      return v & bit;
    };
    pollUntil(probe, bit, () => describeField(lsr, bit), this.wait);
  }
}

/**
 * AUX_MU_BAUD for `baud` from `clockHz` (2.2.1): baud = clock / (8 * (reg + 1)), so reg = clock /
 * (8 * baud) - 1, with the divisor (reg + 1) rounded to the nearest integer. Throws RangeError
 * when the divisor is outside 1..65536 (from 250 MHz: 477 to 31.25 M baud) or the rate it gives
 * is more than 3% off (MAX_BAUD_ERROR), as at 20 M baud from 250 MHz (divisor 1.56 → 2: 15.6 M).
 */
export function miniUartBaudRegister(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`Bcm2835MiniUart: clock ${clockHz} Hz and baud ${baud} must be positive`);
  // Integer arithmetic rather than Math.round (the first use of Math costs ~45,000 instructions
  // at boot). Below 2^30, `| 0` is floor.
  const x = clockHz / (8 * baud) + 0.5;
  const divisor = x < 0x4000_0000 ? x | 0 : 0x4000_0000;
  if (divisor >= 1 && divisor <= 0x1_0000) {
    const error = clockHz / (8 * divisor) / baud - 1;
    if (error <= MAX_BAUD_ERROR && error >= -MAX_BAUD_ERROR) return divisor - 1;
  }
  throw new RangeError(`Bcm2835MiniUart: ${baud} baud cannot be divided from ${clockHz} Hz`);
}
