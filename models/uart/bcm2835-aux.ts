/**
 * Register-level model of the BCM2835 mini UART (UART1) and the two AUX registers it depends on,
 * after BCM2835 ARM Peripherals chapter 2 (2.1.1 AUX_IRQ/AUX_ENABLES, 2.2 the mini UART, 2.2.1
 * implementation details, 2.2.2 registers) and the eLinux.org datasheet errata: AUX_MU_IER bit 0
 * is the receive interrupt enable and bit 1 the transmit one, and 8-bit mode needs AUX_MU_LCR bits
 * 1:0 both set (with bit 0 alone, as the manual says, characters have 7 bits). It attaches to a
 * MemoryBus at the AUX block's base (peripheral base + 0x215000); the SPI1/SPI2 registers are not
 * modelled (their enable bits in AUX_ENABLES are kept).
 *
 * The AUX_ENABLES gate (2.1.1: "If the enable bits are clear you will have no access to a
 * peripheral. You can not even read or write the registers!"): while AUX_ENABLES bit 0 is clear,
 * the mini UART registers read 0 and ignore writes (each such access is noted once in
 * `warnings`), nothing is received, and the interrupt output is low. The manual does not say what
 * disabling does to the FIFOs; the model keeps them.
 *
 * Interrupt output (also AUX_IRQ bit 0): (IER bit 0 and the RX FIFO holds a character) or (IER bit
 * 1 and the TX FIFO is empty), levels rather than events (2.2.2, AUX_MU_IER). AUX_MU_IIR reports
 * RX before TX when both hold (the manual does not say; a 16550 does so).
 *
 * Time: no clock. With `autoTransmit` (the default) a character written to AUX_MU_IO goes out at
 * once while the transmitter is enabled; otherwise it waits in the 8-character TX FIFO until
 * `transmit()`. Auto flow control, break and the modem lines are stored, not acted on. Bit
 * positions are written out here from the manual, not imported from the driver, so that a wrong
 * bit in either makes the tests fail.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { UartModel, type UartModelOptions } from "./uart-model.ts";

// Offsets from the AUX base (2.1, 2.2.2).
const AUX_IRQ = 0x00, AUX_ENABLES = 0x04;
const MU_IO = 0x40, MU_IER = 0x44, MU_IIR = 0x48, MU_LCR = 0x4c, MU_MCR = 0x50, MU_LSR = 0x54;
const MU_MSR = 0x58, MU_SCRATCH = 0x5c, MU_CNTL = 0x60, MU_STAT = 0x64, MU_BAUD = 0x68;
const MU_NAMES: { readonly [offset: number]: string } = {
  [MU_IO]: "AUX_MU_IO", [MU_IER]: "AUX_MU_IER", [MU_IIR]: "AUX_MU_IIR", [MU_LCR]: "AUX_MU_LCR",
  [MU_MCR]: "AUX_MU_MCR", [MU_LSR]: "AUX_MU_LSR", [MU_MSR]: "AUX_MU_MSR", [MU_SCRATCH]: "AUX_MU_SCRATCH",
  [MU_CNTL]: "AUX_MU_CNTL", [MU_STAT]: "AUX_MU_STAT", [MU_BAUD]: "AUX_MU_BAUD",
};

const FIFO_DEPTH = 8;
const ENABLE_MINI_UART = 1 << 0;
// AUX_MU_IER, as corrected by the errata; bits 3:2 are kept (the errata: "R/W bits").
const IER_RX = 1 << 0, IER_TX = 1 << 1, IER_MASK = 0xf;
// AUX_MU_IIR: read 0xC0 (FIFOs always on) | ID << 1 | not-pending; write bit 1/2 clear RX/TX.
const IIR_FIFOS = 0xc0, IIR_NONE = 0x01, IIR_TX = 0x02, IIR_RX = 0x04;
const IIR_CLEAR_RX = 1 << 1, IIR_CLEAR_TX = 1 << 2;
// AUX_MU_LCR: data size bits 1:0 (errata: 3 = 8-bit), break bit 6, DLAB bit 7.
const LCR_8BIT = 3, LCR_DLAB = 1 << 7, LCR_MASK = 0xc3;
// AUX_MU_LSR.
const LSR_DATA_READY = 1 << 0, LSR_RX_OVERRUN = 1 << 1, LSR_TX_EMPTY = 1 << 5, LSR_TX_IDLE = 1 << 6;
/** AUX_MU_MSR: bit 4 "CTS status" reads 1 (CTS low, i.e. asserted), the reset value. */
const MSR_RESET = 1 << 4;
// AUX_MU_CNTL (reset: receiver and transmitter enabled).
const CNTL_RX_ENABLE = 1 << 0, CNTL_TX_ENABLE = 1 << 1, CNTL_RESET = 3;

export type Bcm2835MiniUartModelOptions = UartModelOptions;

/**
 * `transmitted` drops bit 7 in 7-bit mode; `warnings` notes breaches of the manual's rules, e.g. an
 * access while AUX_ENABLES bit 0 is clear; each overrun sets the overrun flag; `rxLost` counts the
 * characters that arrived while the mini UART or its receiver was disabled. The mini UART detects
 * no receive errors: `receive()` ignores its `errors`.
 */
export class Bcm2835MiniUartModel extends UartModel {
  private enables = 0;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scratch = 0;
  private cntl = CNTL_RESET;
  private baud = 0;
  /** Set by a discarded character, cleared by reading AUX_MU_LSR (2.2.2). */
  private overrun = false;

  constructor(bus: MemoryBus, base: number, options: Bcm2835MiniUartModelOptions = {}) {
    super(options);
    this.attach(bus, base);
  }

  /** Sends up to `maxChars` characters from the TX FIFO if the transmitter may; returns the count. */
  transmit(maxChars = Infinity): number {
    let sent = 0;
    while (sent < maxChars && this.tx.length > 0 && this.maySend()) {
      const c = this.tx.shift() as number;
      if (this.baud === 0) this.warnOnce("transmitting with AUX_MU_BAUD=0 (31.25 Mbaud from 250 MHz), probably unprogrammed");
      this.transmitted.push(this.eightBit() ? c : c & 0x7f);
      sent++;
    }
    this.sync();
    return sent;
  }

  /** The interrupt output: what AUX_IRQ bit 0 shows and the AUX line (GPU IRQ 29) carries. */
  get interrupt(): boolean {
    return this.enabled && (((this.ier & IER_RX) !== 0 && this.rx.length > 0) || ((this.ier & IER_TX) !== 0 && this.tx.length === 0));
  }

  /** AUX_ENABLES bit 0. */
  get enabled(): boolean {
    return (this.enables & ENABLE_MINI_UART) !== 0;
  }

  /** Character size from AUX_MU_LCR: 8 only with bits 1:0 = 3 (errata), else 7. */
  get dataBits(): 7 | 8 {
    return this.eightBit() ? 8 : 7;
  }

  /** The baud rate programmed: clock / (8 * (AUX_MU_BAUD + 1)) (2.2.1). */
  baudRate(clockHz: number): number {
    return clockHz / (8 * (this.baud + 1));
  }

  private attach(bus: MemoryBus, base: number): void {
    bus.onRead(base + AUX_IRQ, () => (this.interrupt ? 1 : 0));
    bus.onWrite(base + AUX_IRQ, () => {});
    bus.onRead(base + AUX_ENABLES, () => this.enables);
    bus.onWrite(base + AUX_ENABLES, (v) => {
      this.enables = v & 7;
      this.kick();
    });
    // The mini UART's own registers, behind the AUX_ENABLES gate.
    const r = (off: number, f: () => number) =>
      bus.onRead(base + off, () => {
        if (!this.enabled) {
          this.warnOnce(`${MU_NAMES[off]} read while the mini UART is disabled (AUX_ENABLES bit 0 clear): reads 0`);
          return 0;
        }
        const v = f();
        this.sync();
        return v >>> 0;
      });
    const w = (off: number, f: (v: number) => void) =>
      bus.onWrite(base + off, (v) => {
        if (!this.enabled) {
          this.warnOnce(`${MU_NAMES[off]} written while the mini UART is disabled (AUX_ENABLES bit 0 clear): ignored`);
          return;
        }
        f(v);
        this.kick();
      });
    r(MU_IO, () => (this.dlab() ? this.baud & 0xff : this.readData()));
    w(MU_IO, (v) => (this.dlab() ? this.setBaud((this.baud & 0xff00) | (v & 0xff)) : this.writeData(v & 0xff)));
    r(MU_IER, () => (this.dlab() ? this.baud >> 8 : this.ier));
    w(MU_IER, (v) => (this.dlab() ? this.setBaud((this.baud & 0xff) | ((v & 0xff) << 8)) : (this.ier = v & IER_MASK)));
    r(MU_IIR, () => this.iir());
    w(MU_IIR, (v) => {
      if (v & IIR_CLEAR_RX) this.rx = [];
      if (v & IIR_CLEAR_TX) this.tx = [];
    });
    r(MU_LCR, () => this.lcr);
    w(MU_LCR, (v) => {
      if (((v ^ this.lcr) & LCR_8BIT) !== 0) this.checkQuiet("AUX_MU_LCR data size");
      this.lcr = v & LCR_MASK;
    });
    r(MU_MCR, () => this.mcr);
    w(MU_MCR, (v) => { this.mcr = v & 2; });
    r(MU_LSR, () => this.lsr());
    w(MU_LSR, () => {});
    r(MU_MSR, () => MSR_RESET);
    w(MU_MSR, () => {});
    r(MU_SCRATCH, () => this.scratch);
    w(MU_SCRATCH, (v) => { this.scratch = v & 0xff; });
    r(MU_CNTL, () => this.cntl);
    w(MU_CNTL, (v) => { this.cntl = v & 0xff; });
    r(MU_STAT, () => this.stat());
    w(MU_STAT, () => {});
    r(MU_BAUD, () => this.baud);
    w(MU_BAUD, (v) => this.setBaud(v & 0xffff));
  }

  private readData(): number {
    const c = this.rx.shift();
    return c === undefined ? 0 : c; // "provided it is not empty": an empty read is taken as 0
  }

  private writeData(c: number): void {
    if (this.tx.length >= FIFO_DEPTH) {
      this.txLost++;
      return;
    }
    this.tx.push(c);
  }

  private iir(): number {
    if ((this.ier & IER_RX) !== 0 && this.rx.length > 0) return IIR_FIFOS | IIR_RX;
    if ((this.ier & IER_TX) !== 0 && this.tx.length === 0) return IIR_FIFOS | IIR_TX;
    return IIR_FIFOS | IIR_NONE;
  }

  private lsr(): number {
    let v = 0;
    if (this.rx.length > 0) v |= LSR_DATA_READY;
    if (this.overrun) v |= LSR_RX_OVERRUN;
    if (this.tx.length < FIFO_DEPTH) v |= LSR_TX_EMPTY;
    if (this.tx.length === 0) v |= LSR_TX_IDLE;
    this.overrun = false; // read-to-clear
    return v;
  }

  /** AUX_MU_STAT (2.2.2): the receiver is always idle and CTS/RTS low, between characters. */
  private stat(): number {
    const rx = this.rx.length;
    const tx = this.tx.length;
    let v = (1 << 2) | (1 << 3); // receiver idle, transmitter idle
    if (rx > 0) v |= 1 << 0;
    if (tx < FIFO_DEPTH) v |= 1 << 1;
    else v |= 1 << 5;
    if (this.overrun) v |= 1 << 4; // not cleared: only LSR reads clear it
    if (tx === 0) v |= (1 << 8) | (1 << 9); // TX FIFO empty, transmitter done
    return v | (rx << 16) | (tx << 24);
  }

  protected acceptChar(c: number): boolean {
    if (!this.enabled || (this.cntl & CNTL_RX_ENABLE) === 0) {
      this.rxLost++;
      return false;
    }
    if (this.rx.length >= FIFO_DEPTH) {
      this.overruns++;
      this.overrun = true;
      return false;
    }
    this.rx.push(this.eightBit() ? c : c & 0x7f);
    return true;
  }

  private setBaud(v: number): void {
    if (v !== this.baud) this.checkQuiet("AUX_MU_BAUD");
    this.baud = v;
  }

  /** 2.2.2, "Receiver is idle": disable the receiver (and transmitter) before changing the baud rate. */
  private checkQuiet(what: string): void {
    if (this.cntl & (CNTL_RX_ENABLE | CNTL_TX_ENABLE)) this.warnings.push(`${what} changed while the receiver or transmitter is enabled`);
  }

  private maySend(): boolean {
    return this.enabled && (this.cntl & CNTL_TX_ENABLE) !== 0;
  }

  private eightBit(): boolean {
    return (this.lcr & LCR_8BIT) === LCR_8BIT;
  }

  private dlab(): boolean {
    return (this.lcr & LCR_DLAB) !== 0;
  }

  private kick(): void {
    if (this.autoTransmit) this.transmit();
    this.sync();
  }

}
