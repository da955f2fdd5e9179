/**
 * BCM2835 mini UART (UART1), in the auxiliary peripherals block ("AUX"), after BCM2835 ARM
 * Peripherals chapter 2: AUX_IRQ and AUX_ENABLES (2.1.1), the mini UART (2.2), its implementation
 * details (2.2.1) and registers (2.2.2), with the errata collected on eLinux.org ("BCM2835 datasheet
 * errata"): AUX_MU_IER bit 0 enables the receive interrupt and bit 1 the transmit interrupt (the
 * manual has them swapped), bits 3:2 "are actually required in order to receive interrupts"
 * (harmless either way, so they are set with bit 0), and 8-bit mode takes AUX_MU_LCR = 3, not just
 * bit 0 (which gives 7-bit characters).
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
import { DEFAULT_MAX_POLLS, RegisterTimeoutError, defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";
import { writeCharAt } from "../../hal/utf8.ts";
import type { SerialPort } from "../../hal/io/serial.ts";

/** Module bits of AUX_IRQ and AUX_ENABLES (2.1.1). */
const AUX_MODULES = { MINI_UART: field(0), SPI1: field(1), SPI2: field(2) } as const;

/** The AUX block's registers used by the mini UART, 2.1 table and 2.2.2, with the errata. */
export const AUX_REGS = defineRegisters({
  IRQ: register(0x00, AUX_MODULES),
  ENABLES: register(0x04, AUX_MODULES),
  /** Data (DLAB=0), or the low byte of the baud register (DLAB=1). */
  MU_IO: register(0x40, { DATA: field(0, 8) }),
  /** Interrupt enables (DLAB=0), or the high byte of the baud register (DLAB=1). Errata: RX is bit 0. */
  MU_IER: register(0x44, { RX: field(0), TX: field(1), ERRATA: field(2, 2) }),
  /** Read: NOT_PENDING is 0 while an interrupt is pending, ID 1 = TX empty, 2 = RX data. Write: CLEAR_RX/CLEAR_TX flush. */
  MU_IIR: register(0x48, { NOT_PENDING: field(0), ID: field(1, 2), CLEAR_RX: field(1), CLEAR_TX: field(2), FIFOS: field(6, 2) }),
  /** Errata: DATA_SIZE 3 is 8-bit, 0 is 7-bit. */
  MU_LCR: register(0x4c, { DATA_SIZE: field(0, 2), BREAK: field(6), DLAB: field(7) }),
  MU_MCR: register(0x50, { RTS: field(1) }),
  /** Reading clears RX_OVERRUN. */
  MU_LSR: register(0x54, { DATA_READY: field(0), RX_OVERRUN: field(1), TX_EMPTY: field(5), TX_IDLE: field(6) }),
  MU_MSR: register(0x58, { CTS: field(4) }),
  MU_SCRATCH: register(0x5c, { SCRATCH: field(0, 8) }),
  MU_CNTL: register(0x60, {
    RX_ENABLE: field(0), TX_ENABLE: field(1), RX_AUTOFLOW: field(2), TX_AUTOFLOW: field(3),
    RTS_LEVEL: field(4, 2), RTS_ASSERT: field(6), CTS_ASSERT: field(7),
  }),
  MU_STAT: register(0x64, {
    RX_AVAILABLE: field(0), TX_SPACE: field(1), RX_IDLE: field(2), TX_IDLE: field(3), RX_OVERRUN: field(4),
    TX_FULL: field(5), RTS: field(6), CTS: field(7), TX_EMPTY: field(8), TX_DONE: field(9),
    RX_LEVEL: field(16, 4), TX_LEVEL: field(24, 4),
  }),
  MU_BAUD: register(0x68, { BAUD: field(0, 16) }),
}, { name: "AUX" });

export type Bcm2835AuxRegisters = ReturnType<typeof AUX_REGS.at>;
type Lsr = Bcm2835AuxRegisters["MU_LSR"];

// Whole-register values, from the fields above (boot time counts: no writeFields()).
// test/unit/bcm2835-aux.test.ts checks them against the declaration.
const ENABLES_MINI_UART = 1 << 0;
const IER_RX = 1 << 0;
/** IER_RX with the errata's bits 3:2. */
const IER_RX_ENABLE = IER_RX | (3 << 2);
const IIR_CLEAR_FIFOS = (1 << 1) | (1 << 2);
const LCR_8BIT = 3;
const LSR_DATA_READY = 1 << 0;
const LSR_RX_OVERRUN = 1 << 1;
const LSR_TX_EMPTY = 1 << 5;
const LSR_TX_IDLE = 1 << 6;
const CNTL_RX_ENABLE = 1 << 0;
const CNTL_TX_ENABLE = 1 << 1;

/**
 * The largest deviation from the requested rate init() accepts. The mini UART samples 8 times per
 * bit, so a frame survives a total mismatch of roughly 4-5% between both ends; 3% leaves the other
 * end a little. Most rates are far closer (115200 from 250 MHz: 0.1%).
 */
const MAX_BAUD_ERROR = 0.03;

export interface Bcm2835MiniUartOptions {
  /** Physical address of the AUX block: peripheral base + 0x215000 (0x20215000 on BCM2835). */
  readonly base: number;
  /** The system (VideoCore core) clock the baud rate is divided from: 250 MHz on the Pi 1 and Zero. */
  readonly clockHz: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
  /** Poll limit for waits on AUX_MU_LSR (transmitter full or busy); default DEFAULT_MAX_POLLS. */
  readonly maxPolls?: number;
}

/**
 * Receive errors seen by the driver. The mini UART detects no framing or parity errors and no
 * break (2.2: a break reads as 0x00 characters, 2.2.1), so those three stay 0; they are here for
 * SerialPort. `overrun` counts the reads of AUX_MU_LSR that found the overrun flag set.
 */
export interface Bcm2835MiniUartRxErrors {
  overrun: number;
  /** Always 0: not detected. */
  framing: number;
  /** Always 0: no parity. */
  parity: number;
  /** Always 0: not detected. */
  break: number;
}

export class Bcm2835MiniUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  readonly rxErrors: Bcm2835MiniUartRxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  // Set by init(); the TX/RX paths use these so that a byte costs few property lookups.
  private regs?: Bcm2835AuxRegisters;
  private io!: Bcm2835AuxRegisters["MU_IO"];
  private lsr!: Lsr;

  constructor(options: Bcm2835MiniUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.bus = options.bus;
    const maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
    if (!Number.isSafeInteger(maxPolls) || maxPolls < 1) throw new RangeError(`Bcm2835MiniUart: maxPolls ${maxPolls} is not a positive integer`);
    this.maxPolls = maxPolls;
  }

  /** The register block (after init()), for what this driver does not wrap. */
  get registers(): Bcm2835AuxRegisters | undefined {
    return this.regs;
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
    const r = (this.regs = AUX_REGS.at(this.base, this.bus));
    const cntl = r.MU_CNTL;
    this.io = r.MU_IO;
    this.lsr = r.MU_LSR;

    const enables = r.ENABLES.read();
    if ((enables & ENABLES_MINI_UART) === 0) r.ENABLES.write(enables | ENABLES_MINI_UART);
    else if ((cntl.read() & CNTL_TX_ENABLE) !== 0) this.waitLsr(LSR_TX_IDLE, "TX_IDLE");
    cntl.write(0); // receiver, transmitter and auto flow control off while configuring
    r.MU_LCR.write(LCR_8BIT); // 8-bit (errata); also clears DLAB, so the next write reaches IER
    r.MU_IER.write(0); // interrupts masked
    r.MU_MCR.write(0);
    r.MU_IIR.write(IIR_CLEAR_FIFOS); // drops what arrived since enabling (0x00s if RX was low, 2.1.1)
    r.MU_BAUD.write(divisor);
    cntl.write(CNTL_RX_ENABLE | CNTL_TX_ENABLE);
  }

  writeByte(b: number): void {
    const v = this.lsr.read();
    if (v & LSR_RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & LSR_TX_EMPTY) === 0) this.waitLsr(LSR_TX_EMPTY, "TX_EMPTY");
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
        if (v & LSR_RX_OVERRUN) this.rxErrors.overrun++;
        if ((v & LSR_TX_EMPTY) === 0) this.waitLsr(LSR_TX_EMPTY, "TX_EMPTY");
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
    if (v & LSR_RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & LSR_DATA_READY) === 0) return -1;
    return this.io.read() & 0xff;
  }

  /**
   * Sets AUX_MU_IER bit 0 (the receive interrupt, per the errata) and bits 3:2 (which the errata
   * says receive interrupts need), keeping the transmit bit. The interrupt is asserted while the
   * RX FIFO holds a character (2.2.2), so characters already waiting raise it at once.
   */
  enableReceiveInterrupts(): void {
    const r = this.regs;
    if (!r) throw new Error("Bcm2835MiniUart: init() before enableReceiveInterrupts()");
    r.MU_IER.set(IER_RX_ENABLE); // DLAB is 0 (init), so this is IER; it has no read-sensitive bits
  }

  /** Clears AUX_MU_IER bit 0; readByte() still works. */
  disableReceiveInterrupts(): void {
    if (this.regs) this.regs.MU_IER.clear(IER_RX);
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
    if (v & LSR_RX_OVERRUN) this.rxErrors.overrun++;
    if ((v & LSR_TX_IDLE) === 0) this.waitLsr(LSR_TX_IDLE, "TX_IDLE");
  }

  /**
   * Polls AUX_MU_LSR until `bit` is set, counting the overrun flag at every read (it clears on
   * read, so register.waitUntil() would lose it). Throws RegisterTimeoutError after maxPolls reads.
   */
  private waitLsr(bit: number, name: "TX_EMPTY" | "TX_IDLE"): void {
    const lsr = this.lsr;
    const errors = this.rxErrors;
    for (let polls = 1; ; polls++) {
      const v = lsr.read();
      if (v & LSR_RX_OVERRUN) errors.overrun++;
      if (v & bit) return;
      if (polls >= this.maxPolls) throw new RegisterTimeoutError(lsr, name, 1, 0, polls, "polls", 0);
    }
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
