/**
 * Interrupt-driven serial input and polled output, after the Serial class of ECMA-419 2nd edition
 * (IO class pattern, section 10): an options object, read()/write()/close(), an `onReadable`
 * callback, and the `format` "number" or "buffer". Differences: no `onWritable` (output is polled
 * and returns when the last byte is in the UART), and no baud or pin options (the port comes
 * configured from its board).
 *
 * The interrupt handler is a bottom half run by the event loop (docs/interrupts.md). It drains the
 * UART into a ring buffer, so received bytes wait in RAM rather than in a 16-character FIFO. A
 * full ring is back-pressure, not loss: the handler takes no more than fits, masks the port's
 * receive interrupts and leaves the rest in the UART until read() makes room. What is lost is lost
 * in the UART (the app did not read, or the handler ran too late) and counted from its overrun
 * reports, never silently.
 */
import type { IrqRouter } from "hal";
import { ByteRing } from "./ring-buffer.ts";
import type { SerialPort } from "../drivers/interfaces/serial-port.ts";

/** What Serial.read() returns: "number", one byte at a time, or "buffer", an ArrayBuffer of what is buffered. */
export type SerialFormat = "number" | "buffer";

/** Serial's onReadable: called with `this` the Serial and the number of bytes buffered, after bytes arrive. */
export type SerialReadableCallback = (this: Serial, count: number) => void;

/** What a Serial is made from: the port and its interrupt, which a board's openSerial() supplies, and the app's options. */
export interface SerialOptions {
  readonly port: SerialPort;
  readonly irq: IrqRouter;
  /** The port's interrupt line, as numbered by the board's interrupt controller. */
  readonly line: number;
  /** What read() returns (default "buffer"). */
  readonly format?: SerialFormat;
  /** Receive ring capacity in bytes (default 4096). */
  readonly bufferSize?: number;
  /** Called with the number of buffered bytes after bytes arrive. */
  readonly onReadable?: SerialReadableCallback;
  /** Whether the open port keeps the firmware running (default true); see IrqHandlerOptions. */
  readonly keepAlive?: boolean;
}

/** Input lost on receive. */
export interface SerialOverflows {
  /**
   * Overruns of the UART's FIFO since open: the interrupt handler ran too late. Counted per
   * overrun, not per character lost (the UART does not say how many), when the port reports it
   * (PL011: with the next character read, 3.3.1).
   */
  readonly hardware: number;
}

/** The receive ring's capacity in bytes when SerialOptions.bufferSize is not given. */
export const DEFAULT_SERIAL_BUFFER_SIZE = 4096;

/** ECMA-419 Serial: interrupt-driven input into a ring buffer, polled output; from board().openSerial(). */
export class Serial {
  /** Called with the number of buffered bytes after bytes arrive; may be set at any time. */
  onReadable: SerialReadableCallback | undefined;
  private readonly port: SerialPort;
  private readonly irq: IrqRouter;
  /** The port's interrupt line (the REPL agent watches it for Ctrl-C: io/repl/agent.ts). */
  readonly line: number;
  private readonly ring: ByteRing;
  private fmt: SerialFormat;
  /** Receive interrupts masked because the ring is full; read() unmasks them. */
  private paused = false;
  private readonly overrunBase: number;
  private open = true;

  constructor(options: SerialOptions) {
    const { port, irq, line } = options;
    this.fmt = checkFormat(options.format ?? "buffer");
    this.ring = new ByteRing(options.bufferSize ?? DEFAULT_SERIAL_BUFFER_SIZE);
    this.onReadable = options.onReadable;
    this.port = port;
    this.irq = irq;
    this.line = line;
    this.overrunBase = port.rxErrors.overrun;
    // irq.on first: it throws if the line is taken (ECMA-419: a resource in use is an Error), and
    // then nothing has been changed in the port.
    irq.on(line, () => this.service(), { keepAlive: options.keepAlive ?? true });
    try {
      port.enableReceiveInterrupts();
    } catch (e) {
      irq.off(line);
      throw e;
    }
  }

  /** What read() returns: "number" (one byte) or "buffer" (an ArrayBuffer); may be changed at any time. */
  get format(): SerialFormat {
    return this.fmt;
  }

  set format(value: SerialFormat) {
    this.fmt = checkFormat(value);
  }

  /** Bytes buffered and not yet read. */
  get available(): number {
    this.check();
    return this.ring.length;
  }

  get overflows(): SerialOverflows {
    return { hardware: this.port.rxErrors.overrun - this.overrunBase };
  }

  /** Whether close() has been called. */
  get closed(): boolean {
    return !this.open;
  }

  /**
   * "number" format: the next byte, or undefined. "buffer" format: a new ArrayBuffer with up to
   * `count` bytes (default: all buffered), or undefined when nothing is buffered.
   */
  read(count?: number): number | ArrayBuffer | undefined {
    this.check();
    const ring = this.ring;
    if (ring.length === 0) return undefined;
    if (this.fmt === "number") {
      const b = ring.shift();
      this.resume();
      return b;
    }
    let n = ring.length;
    if (count !== undefined) {
      if (!(count >= 0) || count % 1 !== 0) throw new RangeError(`Serial: read count ${count} must be a non-negative integer`);
      if (count < n) n = count;
    }
    const out = new Uint8Array(n);
    ring.readInto(out);
    this.resume();
    return out.buffer;
  }

  /** Sends a byte (a number from 0 to 255) or every byte of a buffer, waiting while the UART is full. */
  write(data: number | ArrayBuffer | ArrayBufferView): void {
    this.check();
    const port = this.port;
    if (typeof data === "number") {
      if (!(data >= 0 && data <= 255) || data % 1 !== 0) throw new RangeError(`Serial: ${data} is not a byte`);
      port.writeByte(data);
      return;
    }
    let bytes: Uint8Array;
    if (data instanceof Uint8Array) bytes = data;
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError("Serial: write() takes a number, an ArrayBuffer or an ArrayBuffer view");
    for (let i = 0; i < bytes.length; i++) port.writeByte(bytes[i]);
  }

  /** Masks the port's receive interrupts and releases the line. Closing twice does nothing. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.onReadable = undefined;
    this.ring.clear();
    try {
      this.port.disableReceiveInterrupts();
    } finally {
      this.irq.off(this.line);
    }
  }

  /** The interrupt handler (bottom half). */
  private service(): void {
    if (!this.open) return;
    const port = this.port;
    const ring = this.ring;
    const before = ring.length;
    const capacity = ring.capacity;
    for (;;) {
      let b = 0;
      while (ring.length < capacity && (b = port.readByte()) >= 0) ring.push(b);
      if (ring.length === capacity) break;
      port.acknowledgeReceive();
      // A character that arrived between the last read and the acknowledge may have had its
      // interrupt cleared by it; look once more rather than leave it to the receive timeout.
      b = port.readByte();
      if (b < 0) break;
      ring.push(b);
    }
    if (ring.length === capacity && !this.paused) {
      // The rest waits in the UART; a level interrupt would otherwise fire again at once.
      this.paused = true;
      port.disableReceiveInterrupts();
    }
    const onReadable = this.onReadable;
    if (ring.length > before && onReadable) onReadable.call(this, ring.length);
  }

  /**
   * Unmasks receive after read() made room. What waited in the UART meanwhile is drained by a
   * microtask rather than left to its interrupt: a UART may raise RX only as its FIFO fills from
   * empty (QEMU's PL011 does), so a FIFO that filled while paused would never interrupt again.
   */
  private resume(): void {
    if (this.paused && this.ring.length < this.ring.capacity) {
      this.paused = false;
      this.port.enableReceiveInterrupts();
      queueMicrotask(() => this.service());
    }
  }

  private check(): void {
    if (!this.open) throw new Error("Serial: closed");
  }
}

function checkFormat(format: SerialFormat): SerialFormat {
  if (format !== "number" && format !== "buffer") throw new RangeError(`Serial: unsupported format ${String(format)}`);
  return format;
}
