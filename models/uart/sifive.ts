/**
 * Register-level model of the SiFive UART, after the FU540-C000 Manual v1p0 chapter 13: 8-entry
 * TX and RX FIFOs behind txdata (bit 31 full; a write while full is dropped) and rxdata (bit 31
 * empty; a read dequeues), txctrl/rxctrl (enable bit 0, watermark count bits 18:16), ie/ip (txwm
 * bit 0 pending while the TX FIFO holds fewer than txcnt entries, rxwm bit 1 while the RX FIFO
 * holds more than rxcnt), div (baud = tlclk / (div + 1)).
 * The interrupt output is (ip & ie) != 0.
 *
 * Time: with `autoTransmit` (the default) a byte written goes out at once while txen is set;
 * otherwise it waits in the TX FIFO until `transmit()`. Offsets and bits are written out here
 * from the manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";
import { UartModel } from "./uart-model.ts";

// Register offsets, chapter 13 (memory map).
const TXDATA = 0x00, RXDATA = 0x04, TXCTRL = 0x08, RXCTRL = 0x0c, IE = 0x10, IP = 0x14, DIV = 0x18;
const FULL = 0x8000_0000, EMPTY = 0x8000_0000;
const EN = 1 << 0;
/** txctrl: txen, nstop (bit 1), txcnt; rxctrl: rxen, rxcnt. */
const TXCTRL_BITS = 0x0007_0003, RXCTRL_BITS = 0x0007_0001;
const IP_TXWM = 1 << 0, IP_RXWM = 1 << 1;
const DEPTH = 8;

export interface SifiveUartModelOptions {
  /** Send written bytes at once while txen is set (default true). */
  readonly autoTransmit?: boolean;
  /** Called when the interrupt output changes level. */
  readonly onIrq?: (level: boolean) => void;
}

/**
 * `rxLost` counts the bytes that arrived while rxen was clear, `txLost` those written to txdata
 * while the TX FIFO was full (the manual: dropped). The UART detects no receive errors:
 * `receive()` ignores its `errors`.
 */
export class SifiveUartModel extends UartModel {
  private txctrl = 0;
  private rxctrl = 0;
  private ie = 0;
  private div = 0;

  constructor(bus: MemoryBus, base: number, options: SifiveUartModelOptions = {}) {
    super({ autoTransmit: options.autoTransmit, onInterrupt: options.onIrq });
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => { const v = f(); this.sync(); return v >>> 0; });
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.kick(); });
    // Reading txdata gives the full flag and zero data.
    r(TXDATA, () => (this.tx.length >= DEPTH ? FULL : 0));
    w(TXDATA, (v) => { if (this.tx.length >= DEPTH) this.txLost++; else this.tx.push(v & 0xff); });
    r(RXDATA, () => this.rx.shift() ?? EMPTY);
    w(RXDATA, () => {});
    r(TXCTRL, () => this.txctrl);
    w(TXCTRL, (v) => { this.txctrl = v & TXCTRL_BITS; });
    r(RXCTRL, () => this.rxctrl);
    w(RXCTRL, (v) => { this.rxctrl = v & RXCTRL_BITS; });
    r(IE, () => this.ie);
    w(IE, (v) => { this.ie = v & (IP_TXWM | IP_RXWM); });
    r(IP, () => this.ip);
    w(IP, () => {});
    r(DIV, () => this.div);
    w(DIV, (v) => { this.div = v & 0xffff; });
  }

  protected acceptChar(c: number): boolean {
    if (!(this.rxctrl & EN)) this.rxLost++;
    else if (this.rx.length >= DEPTH) this.overruns++;
    else {
      this.rx.push(c);
      return true;
    }
    return false;
  }

  /** Bytes the receiver can take now without an overrun (0 while rxen is clear). */
  get rxSpace(): number {
    return this.rxctrl & EN ? DEPTH - this.rx.length : 0;
  }

  /** Sends up to `maxBytes` from the TX FIFO while txen is set; returns the count. */
  transmit(maxBytes = Infinity): number {
    let sent = 0;
    while (sent < maxBytes && this.tx.length > 0 && this.txctrl & EN) {
      this.transmitted.push(this.tx.shift() as number);
      sent++;
    }
    this.sync();
    return sent;
  }

  /** ip: txwm while tx level < txcnt, rxwm while rx level > rxcnt. */
  get ip(): number {
    const txcnt = (this.txctrl >>> 16) & 7, rxcnt = (this.rxctrl >>> 16) & 7;
    return (this.tx.length < txcnt ? IP_TXWM : 0) | (this.rx.length > rxcnt ? IP_RXWM : 0);
  }

  /** The interrupt output. */
  get interrupt(): boolean {
    return (this.ip & this.ie) !== 0;
  }

  /** baud = tlclk / (div + 1) (chapter 13, div). */
  baudRate(tlclkHz: number): number {
    return tlclkHz / (this.div + 1);
  }

  private kick(): void {
    if (this.autoTransmit) this.transmit();
    this.sync();
  }
}
