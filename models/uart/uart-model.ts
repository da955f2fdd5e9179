/**
 * What the UART models share: the TX line's record, the counts of characters lost, the two FIFOs
 * as arrays, the receive entry point that puts characters on the RX line, and the interrupt output
 * that calls its listener when its level changes. A model adds its registers and says, in
 * `acceptChar`, what its receiver does with one character and, in `interrupt`, what drives the
 * output.
 */

export interface UartModelOptions {
  /** Send written characters at once when the transmitter may (default true). */
  readonly autoTransmit?: boolean;
  /** Called when the interrupt output changes level. */
  readonly onInterrupt?: (level: boolean) => void;
}

/** Errors to mark received characters with; a UART that detects none of them ignores them. */
export interface RxErrors {
  readonly framing?: boolean;
  readonly parity?: boolean;
  readonly break?: boolean;
}

export abstract class UartModel {
  /** Characters sent on the TX line, in order. */
  readonly transmitted: number[] = [];
  /** Breaches of the manual's programming rules seen. */
  readonly warnings: string[] = [];
  /** Characters lost because the RX FIFO was full. */
  overruns = 0;
  /** Characters that arrived while the receiver was disabled. */
  rxLost = 0;
  /** Characters written while the TX FIFO was full. */
  txLost = 0;

  protected readonly autoTransmit: boolean;
  protected rx: number[] = [];
  protected tx: number[] = [];
  private readonly onInterrupt?: (level: boolean) => void;
  private irqOut = false;

  constructor(options: UartModelOptions) {
    this.autoTransmit = options.autoTransmit ?? true;
    this.onInterrupt = options.onInterrupt;
  }

  /** The interrupt output's level, as the registers give it now. */
  abstract get interrupt(): boolean;

  /** Puts characters on the RX line (a string as UTF-8); returns how many entered the FIFO. */
  receive(data: ArrayLike<number> | string, errors: RxErrors = {}): number {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let accepted = 0;
    for (let i = 0; i < bytes.length; i++) if (this.acceptChar(bytes[i] & 0xff, errors)) accepted++;
    this.sync();
    return accepted;
  }

  /** Characters waiting in the RX FIFO. */
  get rxLevel(): number {
    return this.rx.length;
  }

  /** Characters waiting in the TX FIFO. */
  get txLevel(): number {
    return this.tx.length;
  }

  /** The receiver's handling of one character off the line; true if it entered the RX FIFO. */
  protected abstract acceptChar(c: number, errors: RxErrors): boolean;

  protected warnOnce(message: string): void {
    if (this.warnings.indexOf(message) < 0) this.warnings.push(message);
  }

  /** Calls onInterrupt if the output's level has changed; after every access and line event. */
  protected sync(): void {
    const level = this.interrupt;
    if (level !== this.irqOut) {
      this.irqOut = level;
      if (this.onInterrupt) this.onInterrupt(level);
    }
  }
}
