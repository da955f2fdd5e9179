/**
 * Register-level model of the i.MX UART (i.MX6UL RM, chapter "Universal Asynchronous
 * Receiver/Transmitter (UART)"): 32-entry TX and RX FIFOs behind UTXD (a write while full is
 * dropped) and URXD (a read dequeues; bit 15 CHARRDY marks a valid character, bit 13 OVRRUN the
 * character after which the FIFO overflowed), UCR1 (UARTEN bit 0, RRDYEN bit 9), UCR2 (SRST bit 0
 * active low: writing 0 resets the block; RXEN bit 1, TXEN bit 2), UFCR (RXTL bits 5:0), USR1
 * (RRDY bit 9: RX FIFO at or above RXTL; TRDY bit 13), USR2 (RDR bit 0, ORE bit 1 write-1-to-clear,
 * TXDC bit 3), UBIR/UBMR, UTS (TXFULL bit 4, RXEMPTY bit 5, TXEMPTY bit 6).
 * The interrupt output is USR1.RRDY & UCR1.RRDYEN. Offsets and bits are written out here from the
 * manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { UartModel } from "./uart-model.ts";

const URXD = 0x00, UTXD = 0x40, UCR1 = 0x80, UCR2 = 0x84, UCR3 = 0x88, UCR4 = 0x8c, UFCR = 0x90;
const USR1 = 0x94, USR2 = 0x98, UBIR = 0xa4, UBMR = 0xa8, UTS = 0xb4;
const CHARRDY = 1 << 15, OVRRUN = 1 << 13, ERR = 1 << 14;
const UARTEN = 1 << 0, RRDYEN = 1 << 9;
const SRST = 1 << 0, RXEN = 1 << 1, TXEN = 1 << 2;
const RRDY = 1 << 9, TRDY = 1 << 13;
const RDR = 1 << 0, ORE = 1 << 1, TXDC = 1 << 3;
const TXFULL = 1 << 4, RXEMPTY = 1 << 5, TXEMPTY = 1 << 6;
const DEPTH = 32;

export interface ImxUartModelOptions {
  readonly onIrq?: (level: boolean) => void;
}

/**
 * A byte written to UTXD goes out at once while UARTEN and TXEN are set (no TX FIFO is modelled).
 * `rxLost` counts the bytes that arrived while UARTEN or RXEN was clear. Receive errors are not
 * modelled: `receive()` ignores its `errors`.
 */
export class ImxUartModel extends UartModel {
  /** Software resets (UCR2.SRST written 0). */
  resets = 0;
  private ucr1 = 0;
  private ucr2 = SRST;
  private ucr3 = 0x700;
  private ucr4 = 0x8000;
  private ufcr = 0x801;
  private ore = false;
  private ubir = 0;
  private ubmr = 0;

  constructor(bus: MemoryBus, base: number, options: ImxUartModelOptions = {}) {
    super({ onInterrupt: options.onIrq });
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => { const v = f(); this.sync(); return v >>> 0; });
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.sync(); });
    r(URXD, () => {
      const c = this.rx.shift();
      return c === undefined ? 0 : c | CHARRDY;
    });
    w(URXD, () => {});
    r(UTXD, () => 0);
    w(UTXD, (v) => { if (this.ucr1 & UARTEN && this.ucr2 & TXEN) this.transmitted.push(v & 0xff); });
    r(UCR1, () => this.ucr1);
    w(UCR1, (v) => { this.ucr1 = v & 0xffff; });
    r(UCR2, () => this.ucr2);
    w(UCR2, (v) => {
      if (!(v & SRST)) {
        this.reset();
        return;
      }
      this.ucr2 = v & 0xffff;
    });
    r(UCR3, () => this.ucr3);
    w(UCR3, (v) => { this.ucr3 = v & 0xffff; });
    r(UCR4, () => this.ucr4);
    w(UCR4, (v) => { this.ucr4 = v & 0xffff; });
    r(UFCR, () => this.ufcr);
    w(UFCR, (v) => { this.ufcr = v & 0xffff; });
    r(USR1, () => (this.rxReady ? RRDY : 0) | TRDY);
    w(USR1, () => {});
    r(USR2, () => (this.rx.length ? RDR : 0) | (this.ore ? ORE : 0) | TXDC);
    w(USR2, (v) => { if (v & ORE) this.ore = false; });
    r(UBIR, () => this.ubir);
    w(UBIR, (v) => { this.ubir = v & 0xffff; });
    r(UBMR, () => this.ubmr);
    w(UBMR, (v) => { this.ubmr = v & 0xffff; });
    r(UTS, () => (this.rx.length ? 0 : RXEMPTY) | TXEMPTY);
    w(UTS, () => {});
    void TXFULL;
  }

  protected acceptChar(c: number): boolean {
    if (!(this.ucr1 & UARTEN) || !(this.ucr2 & RXEN)) {
      this.rxLost++;
      return false;
    }
    if (this.rx.length >= DEPTH) {
      this.overruns++;
      this.ore = true;
      this.rx[DEPTH - 1] |= OVRRUN | ERR;
      return false;
    }
    this.rx.push(c);
    return true;
  }

  /** baud = (module clock / RFDIV) / (16 * (UBMR + 1) / (UBIR + 1)). */
  baudRate(moduleClockHz: number): number {
    const rfdiv = [6, 5, 4, 3, 2, 1, 7, 1][(this.ufcr >>> 7) & 7];
    return moduleClockHz / rfdiv / ((16 * (this.ubmr + 1)) / (this.ubir + 1));
  }

  /** Free places in the RX FIFO; none while the receiver is off (UCR1.UARTEN, UCR2.RXEN). */
  get rxSpace(): number {
    return this.ucr1 & UARTEN && this.ucr2 & RXEN ? DEPTH - this.rx.length : 0;
  }

  get interrupt(): boolean {
    return this.rxReady && (this.ucr1 & RRDYEN) !== 0;
  }

  private get rxReady(): boolean {
    const rxtl = this.ufcr & 0x3f;
    return this.rx.length > 0 && this.rx.length >= rxtl;
  }

  private reset(): void {
    this.resets++;
    this.rx = [];
    this.ucr1 = 0;
    this.ucr2 = SRST;
    this.ucr3 = 0x700;
    this.ucr4 = 0x8000;
    this.ufcr = 0x801;
    this.ore = false;
  }
}
