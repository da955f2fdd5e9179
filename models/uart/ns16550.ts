/**
 * Register-level model of the PC16550D UART, after its datasheet (National Semiconductor, June
 * 1995): register map (table II, DLAB), LCR (8.5), LSR (8.6), FCR (8.7), IIR with its priorities
 * (8.8, table IV), IER (8.9), MCR (8.10), scratch (8.12), baud rate (8.4). Registers are one byte
 * apart from `base`, as on the PC's port space. It attaches to a MemoryBus.
 *
 * The bit positions are written out here from the datasheet rather than imported from the driver,
 * so that a wrong bit in either one makes the driver tests fail.
 *
 * Time: the model has no clock. With `autoTransmit` (the default) a byte written to THR is sent at
 * once and THR stays empty; otherwise it waits in the TX FIFO (LSR.THRE = 0 once full) until
 * `transmit()`. `receiveTimeout()` stands for four character times of an idle line (8.7).
 * Not modelled: the modem inputs (MSR reads 0), loopback, DMA mode pins.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { UartModel, type RxErrors, type UartModelOptions } from "./uart-model.ts";

const RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const LCR_DLAB = 0x80;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10, LSR_THRE = 0x20;
const LSR_TEMT = 0x40, LSR_RXFIFOE = 0x80, LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;
const IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04;
const FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04;
/** IIR identification codes in bits 0..3 (table IV); bit 0 set = nothing pending. */
const IIR_NONE = 0x01, IIR_LINE = 0x06, IIR_RX = 0x04, IIR_TIMEOUT = 0x0c, IIR_THRE = 0x02;
const IIR_FIFOS = 0xc0;
const FIFO_DEPTH = 16;
/** RX trigger levels for FCR bits 6-7 (8.7). */
const TRIGGER = [1, 4, 8, 14];

/** `onInterrupt` hears the INTR output (it is gated by MCR.OUT2 on PCs: not modelled). */
export type Ns16550ModelOptions = UartModelOptions;

/**
 * `overruns` counts the characters lost because the RX FIFO (or holding register) was full, each
 * received byte in `rx` carries its LSR error bits in bits 8..15, and a byte written to THR while
 * it is full is lost (the datasheet leaves it undefined), counted in `txLost`.
 */
export class Ns16550Model extends UartModel {
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fcr = 0;
  private lsrErrors = 0;
  private timeoutPending = false;
  /** THRE interrupt: set when THR empties, cleared by reading IIR with it as the source or by writing THR. */
  private threPending = false;

  constructor(bus: MemoryBus, base: number, options: Ns16550ModelOptions = {}) {
    super(options);
    bus.onRead(base + RBR_THR, () => (this.dlab ? this.dll : this.readRbr()));
    bus.onWrite(base + RBR_THR, (v) => (this.dlab ? (this.dll = v) : this.writeThr(v)));
    bus.onRead(base + IER, () => (this.dlab ? this.dlm : this.ier));
    bus.onWrite(base + IER, (v) => {
      if (this.dlab) this.dlm = v;
      else {
        // Enabling ETBEI with THR empty raises the THRE interrupt (8.9).
        if (v & IER_ETBEI && !(this.ier & IER_ETBEI) && this.thrEmpty) this.threPending = true;
        this.ier = v & 0x0f;
      }
      this.sync();
    });
    bus.onRead(base + IIR_FCR, () => this.readIir());
    bus.onWrite(base + IIR_FCR, (v) => this.writeFcr(v));
    bus.onRead(base + LCR, () => this.lcr);
    bus.onWrite(base + LCR, (v) => (this.lcr = v));
    bus.onRead(base + MCR, () => this.mcr);
    bus.onWrite(base + MCR, (v) => (this.mcr = v & 0x1f));
    bus.onRead(base + LSR, () => this.readLsr());
    bus.onWrite(base + LSR, () => {}); // factory test only (8.6)
    bus.onRead(base + MSR, () => 0);
    bus.onWrite(base + MSR, () => {});
    bus.onRead(base + SCR, () => this.scr);
    bus.onWrite(base + SCR, (v) => (this.scr = v));
  }

  protected acceptChar(c: number, errors: RxErrors): boolean {
    if (this.rx.length >= this.rxDepth) {
      // Overrun (8.6, LSR bit 1): the FIFO keeps its contents, the new character is lost.
      this.overruns++;
      this.lsrErrors |= LSR_OE;
      return false;
    }
    const err = (errors.framing ? LSR_FE : 0) | (errors.parity ? LSR_PE : 0) | (errors.break ? LSR_BI : 0);
    this.rx.push(c | (err << 8));
    return true;
  }

  /** Four character times without input (8.7): the timeout interrupt if the RX FIFO holds data. */
  receiveTimeout(): void {
    if (this.fifos && this.rx.length > 0) this.timeoutPending = true;
    this.sync();
  }

  /** Sends up to `n` waiting bytes (without autoTransmit). */
  transmit(n = Infinity): void {
    while (n-- > 0 && this.tx.length > 0) this.transmitted.push(this.tx.shift()!);
    if (this.tx.length === 0) this.threPending = true;
    this.sync();
  }

  /** The INTR output: an interrupt is pending (IIR bit 0 clear). */
  get interrupt(): boolean {
    return this.pendingId() !== IIR_NONE;
  }

  /** Bits per second for the UART input clock `clockHz`, from the divisor latch (8.4). */
  baudRate(clockHz: number): number {
    const divisor = this.dll | (this.dlm << 8);
    return divisor === 0 ? 0 : clockHz / (16 * divisor);
  }

  frameFormat(): { dataBits: 5 | 6 | 7 | 8; parity: "none" | "odd" | "even" | "mark" | "space"; stopBits: 1 | 1.5 | 2; fifos: boolean } {
    const dataBits = (5 + (this.lcr & 3)) as 5 | 6 | 7 | 8;
    const pen = this.lcr & 0x08, eps = this.lcr & 0x10, sticky = this.lcr & 0x20;
    const parity = !pen ? "none" : sticky ? (eps ? "space" : "mark") : eps ? "even" : "odd";
    const stopBits = this.lcr & 0x04 ? (dataBits === 5 ? 1.5 : 2) : 1;
    return { dataBits, parity, stopBits, fifos: this.fifos };
  }

  get modemControl(): { dtr: boolean; rts: boolean; out1: boolean; out2: boolean; loop: boolean } {
    const m = this.mcr;
    return { dtr: !!(m & 1), rts: !!(m & 2), out1: !!(m & 4), out2: !!(m & 8), loop: !!(m & 16) };
  }

  private get dlab(): boolean {
    return (this.lcr & LCR_DLAB) !== 0;
  }

  private get fifos(): boolean {
    return (this.fcr & FCR_ENABLE) !== 0;
  }

  /** Bytes the receiver can take now without an overrun. */
  get rxSpace(): number {
    return Math.max(0, this.rxDepth - this.rx.length);
  }

  private get rxDepth(): number {
    return this.fifos ? FIFO_DEPTH : 1;
  }

  private get thrEmpty(): boolean {
    return this.tx.length === 0;
  }

  private readRbr(): number {
    const c = this.rx.shift();
    this.timeoutPending = false;
    this.sync();
    return c === undefined ? 0 : c & 0xff;
  }

  private writeThr(v: number): void {
    this.threPending = false;
    if (this.tx.length >= (this.fifos ? FIFO_DEPTH : 1)) {
      this.txLost++;
      this.sync();
      return;
    }
    this.tx.push(v & 0xff);
    if (this.autoTransmit) this.transmit();
    else this.sync();
  }

  private writeFcr(v: number): void {
    const enabling = (v & FCR_ENABLE) !== (this.fcr & FCR_ENABLE);
    // Changing FCR0 clears both FIFOs (8.7); the clear bits self-clear.
    if (enabling || v & FCR_CLEAR_RX) {
      this.rx = [];
      this.timeoutPending = false;
    }
    if (enabling || v & FCR_CLEAR_TX) this.tx = [];
    this.fcr = v & 0xc9;
    this.sync();
  }

  private readLsr(): number {
    const head = this.rx[0];
    let v = this.lsrErrors | (head !== undefined ? LSR_DR | ((head >> 8) & LSR_ERRORS) : 0);
    if (this.tx.length < (this.fifos ? FIFO_DEPTH : 1) && (this.tx.length === 0 || !this.fifos)) v |= LSR_THRE;
    if (this.tx.length === 0) v |= LSR_TEMT;
    if (this.fifos && this.rx.some((c) => c >> 8)) v |= LSR_RXFIFOE;
    // Reading LSR clears OE, PE, FE and BI (8.6); the per-character bits of the head byte are
    // reported once, then dropped from it.
    this.lsrErrors = 0;
    if (head !== undefined) this.rx[0] = head & 0xff;
    this.sync();
    return v;
  }

  private pendingId(): number {
    const ier = this.ier;
    const lineError = this.lsrErrors !== 0 || (this.rx[0] !== undefined && this.rx[0] >> 8 !== 0);
    if (ier & IER_ELSI && lineError) return IIR_LINE;
    const trigger = this.fifos ? TRIGGER[this.fcr >> 6] : 1;
    if (ier & IER_ERBFI && this.rx.length >= trigger) return IIR_RX;
    if (ier & IER_ERBFI && this.timeoutPending) return IIR_TIMEOUT;
    if (ier & IER_ETBEI && this.threPending) return IIR_THRE;
    return IIR_NONE;
  }

  private readIir(): number {
    const id = this.pendingId();
    // Reading IIR with THRE as the source clears it (table IV).
    if (id === IIR_THRE) this.threPending = false;
    this.sync();
    return id | (this.fifos ? IIR_FIFOS : 0);
  }
}
