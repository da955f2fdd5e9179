/**
 * Register-level model of the ARM PrimeCell UART (PL011), after the PL011 Technical Reference
 * Manual r1p5 (ARM DDI 0183G): section 2.4 (FIFOs, baud rate generation), chapter 3 (register
 * map 3.2 and descriptions 3.3), section 3.4 (interrupts). It attaches to a MemoryBus at a base.
 *
 * The bit positions are written out here from the TRM on purpose rather than imported from the
 * driver, so that a wrong bit in either one makes the driver tests fail.
 *
 * Time: the model has no clock. With `autoTransmit` (the default) a character written to DR goes
 * out on the line at once if the transmitter may send (UARTEN, TXE, and CTS when CTSEn); otherwise
 * it stays in the TX FIFO (FR.BUSY=1) until `transmit()` is called. `receiveTimeout()` stands for
 * 32 bit periods of an idle line. What the TRM leaves undefined is noted where it is chosen.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { UartModel, type RxErrors, type UartModelOptions } from "./uart-model.ts";

// Register offsets, TRM table 3-1.
const DR = 0x00, RSR_ECR = 0x04, FR = 0x18, ILPR = 0x20, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c;
const CR = 0x30, IFLS = 0x34, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44, DMACR = 0x48;
/** PeriphID0..3 at 0xFE0 (r1p5: revision 3 in PeriphID2) and PCellID0..3 at 0xFF0, TRM 3.3.15-16. */
const ID_REGS = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

// UARTDR error bits (3.3.1); the same bits >> 1 are the interrupt bits, >> 8 the UARTRSR bits.
const DR_FE = 1 << 8, DR_PE = 1 << 9, DR_BE = 1 << 10, DR_OE = 1 << 11;
// UARTFR (3.3.3).
const FR_CTS = 1 << 0, FR_DSR = 1 << 1, FR_DCD = 1 << 2, FR_BUSY = 1 << 3, FR_RXFE = 1 << 4;
const FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7, FR_RI = 1 << 8;
// UARTLCR_H (3.3.7) and UARTCR (3.3.8).
const LCRH_FEN = 1 << 4;
const CR_UARTEN = 1 << 0, CR_LBE = 1 << 7, CR_TXE = 1 << 8, CR_RXE = 1 << 9, CR_CTSEN = 1 << 15;
const CR_VALID = 0xff87, CR_RESET = CR_TXE | CR_RXE;
/** CR bits the TRM says to change only with the UART disabled (all but the modem outputs). */
const CR_CONFIG = CR_CTSEN | (1 << 14) | CR_RXE | CR_TXE | CR_LBE | 0x6;
// Interrupt bits shared by IMSC/RIS/MIS/ICR (3.3.10-13).
const INT_RI = 1 << 0, INT_CTS = 1 << 1, INT_DCD = 1 << 2, INT_DSR = 1 << 3;
const INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6, INT_ALL = 0x7ff;
/** IFLS trigger levels in eighths of the FIFO: b000 1/8, b001 1/4, b010 1/2, b011 3/4, b100 7/8. */
const TRIGGER_EIGHTHS = [1, 2, 4, 6, 7];

/** `onInterrupt` hears the UARTINTR output (any unmasked raw interrupt). */
export interface Pl011ModelOptions extends UartModelOptions {
  /** FIFO depth with LCR_H.FEN=1: 32 for r1p5, 16 for r1p4 and earlier and for BCM2835 (default 32). */
  readonly fifoDepth?: 16 | 32;
}

export interface ModemInputs {
  readonly cts?: boolean;
  readonly dsr?: boolean;
  readonly dcd?: boolean;
  readonly ri?: boolean;
}

export interface FrameFormat {
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: "none" | "odd" | "even" | "mark" | "space";
  readonly stopBits: 1 | 2;
  readonly fifos: boolean;
}

/**
 * `warnings` notes breaches of the TRM's programming rules (LCR_H written while enabled, ...); each
 * overrun also sets RSR.OE and RIS.OE; a character written to DR while the TX FIFO is full is lost
 * (the TRM), counted in `txLost`.
 */
export class Pl011Model extends UartModel {
  private readonly depthFen: number;
  private cr = CR_RESET;
  private lcrh = 0;
  private ibrd = 0;
  private fbrd = 0;
  /** IBRD/FBRD as latched by the last LCR_H write (3.3.7: the three form one 30-bit register). */
  private latchedIbrd = 0;
  private latchedFbrd = 0;
  private ifls = 0x12;
  private imsc = 0;
  private ris = 0;
  private rsr = 0;
  private ilpr = 0;
  private dmacr = 0;
  private modem = 0;
  private overrunPending = false;

  constructor(bus: MemoryBus, base: number, options: Pl011ModelOptions = {}) {
    super(options);
    this.depthFen = options.fifoDepth ?? 32;
    this.attach(bus, base);
  }

  /** The line has been idle for 32 bit periods: raises RT if the RX FIFO holds data (3.4.4). */
  receiveTimeout(): void {
    if (this.rx.length > 0) this.ris |= INT_RT;
    this.sync();
  }

  /** Sends up to `maxChars` characters from the TX FIFO if the transmitter may; returns the count. */
  transmit(maxChars = Infinity): number {
    let sent = 0;
    while (sent < maxChars && this.tx.length > 0 && this.maySend()) {
      const before = this.tx.length;
      const c = this.tx.shift() as number;
      if (this.latchedIbrd === 0) this.warnOnce("transmitting with IBRD=0, an invalid baud divisor (3.3.5)");
      if (this.cr & CR_LBE) this.receiveChar(c);
      else this.transmitted.push(c);
      // 3.4.3: with FIFOs, TX fires on passing down through the trigger level; without, when empty.
      if (this.fifos() ? before > this.txTrigger() && this.tx.length <= this.txTrigger() : this.tx.length === 0) {
        this.ris |= INT_TX;
      }
      sent++;
    }
    this.sync();
    return sent;
  }

  /** Sets the modem status inputs (true = asserted); a change raises its modem interrupt (3.4.1). */
  setModemInputs(lines: ModemInputs): void {
    const line = (v: boolean | undefined, bit: number) => ((v ?? (this.modem & bit) !== 0) ? bit : 0);
    const next = line(lines.cts, FR_CTS) | line(lines.dsr, FR_DSR) | line(lines.dcd, FR_DCD) | line(lines.ri, FR_RI);
    const changed = next ^ this.modem;
    this.modem = next;
    if (changed & FR_CTS) this.ris |= INT_CTS;
    if (changed & FR_DSR) this.ris |= INT_DSR;
    if (changed & FR_DCD) this.ris |= INT_DCD;
    if (changed & FR_RI) this.ris |= INT_RI;
    this.kick();
  }

  /** The transmitted bytes as a Uint8Array. */
  transmittedBytes(): Uint8Array {
    return Uint8Array.from(this.transmitted);
  }

  /** UARTINTR: some raw interrupt is unmasked. */
  get interrupt(): boolean {
    return (this.ris & this.imsc) !== 0;
  }

  /** Characters the receiver can take now without an overrun (0 while disabled). */
  get rxSpace(): number {
    if ((this.cr & (CR_UARTEN | CR_RXE)) !== (CR_UARTEN | CR_RXE)) return 0;
    return Math.max(0, this.depth() - this.rx.length);
  }

  /** Baud rate from the latched divisor: UARTCLK / (16 * (IBRD + FBRD/64)) (3.3.6); 0 if unset. */
  baudRate(clockHz: number): number {
    const divisor = this.latchedIbrd + this.latchedFbrd / 64;
    return divisor === 0 ? 0 : clockHz / (16 * divisor);
  }

  /** The frame format programmed in LCR_H (3.3.7). */
  frameFormat(): FrameFormat {
    const l = this.lcrh;
    const parity = !(l & 2) ? "none" : l & 0x80 ? (l & 4 ? "space" : "mark") : l & 4 ? "even" : "odd";
    return { dataBits: (5 + ((l >> 5) & 3)) as 5 | 6 | 7 | 8, parity, stopBits: l & 8 ? 2 : 1, fifos: this.fifos() };
  }

  private attach(bus: MemoryBus, base: number): void {
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => { const v = f(); this.sync(); return v >>> 0; });
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.sync(); });
    r(DR, () => this.readDr());
    w(DR, (v) => this.writeDr(v));
    r(RSR_ECR, () => this.rsr);
    w(RSR_ECR, () => { this.rsr = 0; }); // 3.3.2: any write to UARTECR clears all four errors
    r(FR, () => this.flags());
    w(FR, () => {});
    r(ILPR, () => this.ilpr);
    w(ILPR, (v) => { this.ilpr = v & 0xff; });
    r(IBRD, () => this.ibrd);
    w(IBRD, (v) => { this.checkQuiet("IBRD"); this.ibrd = v & 0xffff; });
    r(FBRD, () => this.fbrd);
    w(FBRD, (v) => { this.checkQuiet("FBRD"); this.fbrd = v & 0x3f; });
    r(LCR_H, () => this.lcrh);
    w(LCR_H, (v) => this.writeLcrh(v & 0xff));
    r(CR, () => this.cr);
    w(CR, (v) => this.writeCr(v & CR_VALID));
    r(IFLS, () => this.ifls);
    w(IFLS, (v) => { this.ifls = v & 0x3f; });
    r(IMSC, () => this.imsc);
    w(IMSC, (v) => { this.imsc = v & INT_ALL; });
    r(RIS, () => this.ris);
    w(RIS, () => {});
    r(MIS, () => this.ris & this.imsc);
    w(MIS, () => {});
    r(ICR, () => 0);
    w(ICR, (v) => { this.ris &= ~v; }); // write-1-to-clear
    r(DMACR, () => this.dmacr);
    w(DMACR, (v) => { this.dmacr = v & 7; });
    ID_REGS.forEach((id, i) => {
      r(0xfe0 + 4 * i, () => id);
      w(0xfe0 + 4 * i, () => {});
    });
  }

  private readDr(): number {
    const c = this.rx.shift();
    if (c === undefined) return 0; // the TRM leaves an empty read undefined
    this.rsr |= (c >> 8) & 0x7; // FE, PE, BE of the character read; OE was set at the overrun
    if (this.fifos() ? this.rx.length < this.rxTrigger() : true) this.ris &= ~INT_RX;
    if (this.rx.length === 0) this.ris &= ~INT_RT;
    return c;
  }

  private writeDr(v: number): void {
    if (this.tx.length >= this.depth()) {
      this.txLost++;
      return;
    }
    this.tx.push(v & 0xff);
    if (this.fifos() ? this.tx.length > this.txTrigger() : true) this.ris &= ~INT_TX;
    this.kick();
  }

  private writeLcrh(v: number): void {
    this.checkQuiet("LCR_H");
    // Clearing FEN flushes the FIFOs (3.3.8 step 3); like QEMU, any change of FEN resets both.
    if ((v ^ this.lcrh) & LCRH_FEN) {
      this.tx = [];
      this.rx = [];
      this.overrunPending = false;
    }
    this.lcrh = v;
    this.latchedIbrd = this.ibrd;
    this.latchedFbrd = this.fbrd;
  }

  private writeCr(v: number): void {
    if ((this.cr & v & CR_UARTEN) !== 0 && ((this.cr ^ v) & CR_CONFIG) !== 0) {
      this.warnings.push("CR reprogrammed while UARTEN=1; 3.3.8: disable the UART first");
    }
    this.cr = v;
    this.kick();
  }

  protected acceptChar(c: number, errors: RxErrors): boolean {
    return this.receiveChar(c | (errors.framing ? DR_FE : 0) | (errors.parity ? DR_PE : 0) | (errors.break ? DR_BE : 0));
  }

  private receiveChar(c: number): boolean {
    if ((this.cr & (CR_UARTEN | CR_RXE)) !== (CR_UARTEN | CR_RXE)) {
      this.rxLost++;
      return false;
    }
    if (this.rx.length >= this.depth()) {
      // 3.3.2: the FIFO keeps its contents, the shift register is overwritten. The next character
      // that enters the FIFO carries DR.OE (the TRM does not say which one; this is QEMU-like).
      this.overruns++;
      this.overrunPending = true;
      this.rsr |= DR_OE >> 8;
      this.ris |= DR_OE >> 1;
      return false;
    }
    if (this.overrunPending) c |= DR_OE;
    this.overrunPending = false;
    this.rx.push(c);
    this.ris |= (c & (DR_FE | DR_PE | DR_BE)) >> 1;
    if (this.fifos() ? this.rx.length >= this.rxTrigger() : true) this.ris |= INT_RX;
    return true;
  }

  private flags(): number {
    const depth = this.depth();
    let v = this.modem;
    // 3.3.3: BUSY is set as soon as the TX FIFO is non-empty, whether or not the UART is enabled.
    if (this.tx.length > 0) v |= FR_BUSY;
    else v |= FR_TXFE;
    if (this.tx.length >= depth) v |= FR_TXFF;
    if (this.rx.length === 0) v |= FR_RXFE;
    if (this.rx.length >= depth) v |= FR_RXFF;
    return v;
  }

  private maySend(): boolean {
    const on = (this.cr & (CR_UARTEN | CR_TXE)) === (CR_UARTEN | CR_TXE);
    return on && (!(this.cr & CR_CTSEN) || (this.modem & FR_CTS) !== 0);
  }

  private kick(): void {
    if (this.autoTransmit) this.transmit();
    this.sync();
  }

  /** 3.3.7: LCR_H, IBRD and FBRD must not change while enabled or while sending. */
  private checkQuiet(reg: string): void {
    if (this.cr & CR_UARTEN) this.warnings.push(`${reg} written while UARTEN=1`);
    else if (this.tx.length > 0) this.warnings.push(`${reg} written while transmitting (FR.BUSY=1)`);
  }

  private fifos(): boolean {
    return (this.lcrh & LCRH_FEN) !== 0;
  }

  /** Without FIFOs each FIFO is a one-character holding register (3.3.7, FEN). */
  private depth(): number {
    return this.fifos() ? this.depthFen : 1;
  }

  private txTrigger(): number {
    return (this.depthFen * (TRIGGER_EIGHTHS[this.ifls & 7] ?? 4)) / 8;
  }

  private rxTrigger(): number {
    return (this.depthFen * (TRIGGER_EIGHTHS[(this.ifls >> 3) & 7] ?? 4)) / 8;
  }
}
