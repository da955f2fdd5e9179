/**
 * National Semiconductor PC16550D UART (and the 16450/16550A-compatible UARTs of PCs and VMMs).
 *
 * After the PC16550D datasheet (June 1995): register map (table II; DLAB in LCR bit 7 switches
 * offsets 0 and 1 to the divisor latch), baud rate = clock / (16 * divisor) (8.4, table III),
 * LCR (8.5), LSR (8.6), FCR (8.7), IIR (8.8), IER (8.9), MCR (8.10). Registers are 8 bits wide, one
 * byte apart: on x86 they sit in port space at 0x3f8 (COM1), so a board passes hal/port-io-bus.ts
 * as the bus. Transmit is polled; receive is polled with readByte(), or interrupt-driven after
 * enableReceiveInterrupts() (io/serial.ts). init() leaves interrupts off.
 */
import { defineRegisters, ro, rw, wo, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, type PollOptions } from "../../hal/poll.ts";
import { writeUtf8 } from "../../runtime/utf8.ts";
import type { SerialPort, SerialRxErrors } from "../interfaces/serial-port.ts";

/** IER, interrupt enable (8.9). */
export enum IER { ERBFI = 1 << 0, ETBEI = 1 << 1, ELSI = 1 << 2, EDSSI = 1 << 3 }
/** IIR, interrupt identification (8.8, read). */
export enum IIR { NOT_PENDING = 1 << 0, ID = 7 << 1, FIFOS = 3 << 6 }
/** FCR, FIFO control (8.7, write). */
export enum FCR { ENABLE = 1 << 0, RX_RESET = 1 << 1, TX_RESET = 1 << 2, DMA_MODE = 1 << 3, RX_TRIGGER = 3 << 6 }
/** FCR.RX_TRIGGER, the receive FIFO level that raises the interrupt (8.7, table V). */
export enum FCR_RX_TRIGGER { BYTES_1 = 0 << 6, BYTES_4 = 1 << 6, BYTES_8 = 2 << 6, BYTES_14 = 3 << 6 }
/** LCR, line control (8.5). */
export enum LCR { WLS = 3 << 0, STB = 1 << 2, PEN = 1 << 3, EPS = 1 << 4, SP = 1 << 5, BC = 1 << 6, DLAB = 1 << 7 }
/** LCR.WLS, word length (8.5, table I). */
export enum LCR_WLS { BITS_5 = 0, BITS_6 = 1, BITS_7 = 2, BITS_8 = 3 }
/** MCR, modem control (8.10). */
export enum MCR { DTR = 1 << 0, RTS = 1 << 1, OUT1 = 1 << 2, OUT2 = 1 << 3, LOOP = 1 << 4 }
/** LSR, line status (8.6). */
export enum LSR { DR = 1 << 0, OE = 1 << 1, PE = 1 << 2, FE = 1 << 3, BI = 1 << 4, THRE = 1 << 5, TEMT = 1 << 6, RXFIFOE = 1 << 7 }
/** MSR, modem status (8.11). */
export enum MSR { DCTS = 1 << 0, DDSR = 1 << 1, TERI = 1 << 2, DDCD = 1 << 3, CTS = 1 << 4, DSR = 1 << 5, RI = 1 << 6, DCD = 1 << 7 }

/** PC16550D registers, table II (DLAB = 0 except DLL/DLM). */
export const NS16550_REGS = defineRegisters({
  /** Receiver buffer (read) / transmitter holding (write), DLAB = 0. */
  RBR_THR: rw(0, 8),
  /** Divisor latch, least significant byte (DLAB = 1). */
  DLL: rw(0, 8),
  IER: rw<IER>(1, 8),
  /** Divisor latch, most significant byte (DLAB = 1). */
  DLM: rw(1, 8),
  /** Interrupt identification (read). */
  IIR: ro<IIR>(2, 8),
  /** FIFO control (write), at the same address as IIR. */
  FCR: wo<FCR>(2, 8),
  LCR: rw<LCR>(3, 8),
  MCR: rw<MCR>(4, 8),
  LSR: ro<LSR>(5, 8),
  MSR: ro<MSR>(6, 8),
  SCR: rw(7, 8),
}, { name: "16550" });

export type Ns16550Registers = ReturnType<typeof NS16550_REGS.at>;

/** The PC's UART clock: 1.8432 MHz, 115200 baud at divisor 1 (table III). */
export const PC_UART_CLOCK_HZ = 1_843_200;

/**
 * `base`: first register: a port number with the port I/O bus, else an address. `maxPolls` limits
 * the waits on LSR (transmitter full).
 */
export interface Ns16550Options extends PolledDeviceOptions {
  /** The UART's input clock (default the PC's 1.8432 MHz). */
  readonly clockHz?: number;
}

export class Ns16550 implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  /** Counted from LSR as readByte() sees it (8.6: reading LSR clears OE, PE, FE and BI). */
  readonly rxErrors: SerialRxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  readonly registers: Ns16550Registers;
  private readonly wait?: PollOptions;
  private readonly thr: Register<never, "rw">;
  private readonly lsr: Register<LSR, "ro">;
  /** Set by init(): nothing to undo on a UART never programmed. */
  private initialized = false;

  constructor(options: Ns16550Options) {
    this.base = options.base;
    this.clockHz = options.clockHz ?? PC_UART_CLOCK_HZ;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = NS16550_REGS.at(options.base, options.bus));
    this.thr = r.RBR_THR;
    this.lsr = r.LSR;
  }

  /** Interrupts off, the divisor for `baud`, 8N1, FIFOs on and cleared, DTR/RTS/OUT2. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("Ns16550: invalid base address");
    const divisor = ns16550Divisor(this.clockHz, baud);
    const r = this.registers;
    r.IER.write(0);
    r.LCR.write(LCR.DLAB);
    r.DLL.write(divisor & 0xff);
    r.DLM.write(divisor >> 8);
    r.LCR.write(LCR_WLS.BITS_8); // 8 data bits, no parity, 1 stop bit (8.5)
    // FIFOs on and both cleared; receive interrupt at 8 bytes, the rest by the character timeout (8.7).
    r.FCR.write(FCR.ENABLE | FCR.RX_RESET | FCR.TX_RESET | FCR_RX_TRIGGER.BYTES_8);
    // DTR and RTS asserted; OUT2 gates the interrupt output on PC-compatible boards (8.10).
    r.MCR.write(MCR.DTR | MCR.RTS | MCR.OUT2);
    this.initialized = true;
  }

  writeByte(b: number): void {
    const lsr = this.lsr;
    if (!(lsr.read() & LSR.THRE)) this.waitTransmitter();
    this.thr.write(b & 0xff);
  }

  private waitTransmitter(): void {
    try {
      this.lsr.waitUntil(LSR.THRE, 1, this.wait);
    } catch (e) {
      throw new Error(`Ns16550: transmitter stayed full (${(e as Error).message})`);
    }
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when none waits. Never waits. */
  readByte(): number {
    const lsr = this.lsr.read();
    if (lsr & (LSR.OE | LSR.PE | LSR.FE | LSR.BI)) this.countErrors(lsr);
    return lsr & LSR.DR ? this.thr.read() : -1;
  }

  /** Received-data-available interrupt (IER.ERBFI, 8.9), which covers the FIFO timeout too. */
  enableReceiveInterrupts(): void {
    if (!this.initialized) throw new Error("Ns16550: init() before enableReceiveInterrupts()");
    this.registers.IER.set(IER.ERBFI);
  }

  disableReceiveInterrupts(): void {
    if (this.initialized) this.registers.IER.clear(IER.ERBFI);
  }

  /** Nothing to clear: the interrupt falls once RBR is read empty (8.8, table IV). */
  acknowledgeReceive(): void {}

  private countErrors(lsr: number): void {
    const e = this.rxErrors;
    if (lsr & LSR.OE) e.overrun++;
    if (lsr & LSR.PE) e.parity++;
    if (lsr & LSR.FE) e.framing++;
    if (lsr & LSR.BI) e.break++;
  }
}

/** The divisor latch value for `baud` from `clockHz` (table III), refusing what 16 bits cannot do. */
export function ns16550Divisor(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`Ns16550: clock ${clockHz} Hz and baud ${baud} must be positive`);
  const divisor = Math.round(clockHz / (16 * baud));
  if (divisor < 1 || divisor > 0xffff) throw new RangeError(`Ns16550: ${baud} baud cannot be divided from ${clockHz} Hz`);
  return divisor;
}
