/**
 * National Semiconductor PC16550D UART (and the 16450/16550A-compatible UARTs of PCs and VMMs).
 *
 * After the PC16550D datasheet (June 1995): register map (table II; DLAB in LCR bit 7 switches
 * offsets 0 and 1 to the divisor latch), baud rate = clock / (16 * divisor) (8.4, table III),
 * LCR (8.5), LSR (8.6), FCR (8.7), IIR (8.8), IER (8.9), MCR (8.10). Registers are 8 bits wide, one
 * byte apart: on x86 they sit in port space at 0x3f8 (COM1), so a board passes hal/port-io-bus.ts
 * as the bus. Transmit is polled; receive is polled with readByte(), or interrupt-driven after
 * enableReceiveInterrupts() (hal/io/serial.ts). init() leaves interrupts off.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";
import { writeUtf8 } from "../../hal/utf8.ts";
import type { SerialPort } from "../../hal/io/serial.ts";

const byte = { width: 8 } as const;

/** PC16550D registers, table II (DLAB = 0 except DLL/DLM). */
export const NS16550_REGS = defineRegisters({
  /** Receiver buffer (read) / transmitter holding (write), DLAB = 0. */
  RBR_THR: register(0, { DATA: field(0, 8) }, byte),
  /** Divisor latch, least significant byte (DLAB = 1). */
  DLL: register(0, { DLL: field(0, 8) }, byte),
  IER: register(1, { ERBFI: field(0), ETBEI: field(1), ELSI: field(2), EDSSI: field(3) }, byte),
  /** Divisor latch, most significant byte (DLAB = 1). */
  DLM: register(1, { DLM: field(0, 8) }, byte),
  /** Interrupt identification (read) / FIFO control (write). */
  IIR_FCR: register(2, { NOT_PENDING: field(0), ID: field(1, 3), FIFOS: field(6, 2) }, byte),
  LCR: register(3, { WLS: field(0, 2), STB: field(2), PEN: field(3), EPS: field(4), SP: field(5), BC: field(6), DLAB: field(7) }, byte),
  MCR: register(4, { DTR: field(0), RTS: field(1), OUT1: field(2), OUT2: field(3), LOOP: field(4) }, byte),
  LSR: register(5, { DR: field(0), OE: field(1), PE: field(2), FE: field(3), BI: field(4), THRE: field(5), TEMT: field(6), RXFIFOE: field(7) }, byte),
  MSR: register(6, { DCTS: field(0), DDSR: field(1), TERI: field(2), DDCD: field(3), CTS: field(4), DSR: field(5), RI: field(6), DCD: field(7) }, byte),
  SCR: register(7, { SCR: field(0, 8) }, byte),
}, { name: "16550" });

export type Ns16550Registers = ReturnType<typeof NS16550_REGS.at>;

// Whole-register values (checked against the declaration by test/unit/ns16550.test.ts).
const LCR_DLAB = 1 << 7;
/** 8 data bits, no parity, 1 stop bit (8.5: WLS = 11). */
const LCR_8N1 = 0x03;
/** FIFOs on and both cleared; receive interrupt at 8 bytes, the rest by the character timeout (8.7). */
const FCR_INIT = 0x01 | 0x02 | 0x04 | (2 << 6);
/** DTR and RTS asserted; OUT2 gates the interrupt output on PC-compatible boards (8.10). */
const MCR_INIT = 0x01 | 0x02 | 0x08;
const IER_ERBFI = 1 << 0;
const LSR_DR = 1 << 0, LSR_OE = 1 << 1, LSR_PE = 1 << 2, LSR_FE = 1 << 3, LSR_BI = 1 << 4, LSR_THRE = 1 << 5;
/** The PC's UART clock: 1.8432 MHz, 115200 baud at divisor 1 (table III). */
export const PC_UART_CLOCK_HZ = 1_843_200;
/** Bounded waits: a UART that never drains must not hang the console. */
const DEFAULT_MAX_POLLS = 1_000_000;

export interface Ns16550Options {
  /** First register: a port number with the port I/O bus, else an address. */
  readonly base: number;
  /** The UART's input clock (default the PC's 1.8432 MHz). */
  readonly clockHz?: number;
  readonly bus?: RegisterBus;
  readonly maxPolls?: number;
}

export class Ns16550 implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  /** Counted from LSR as readByte() sees it (8.6: reading LSR clears OE, PE, FE and BI). */
  readonly rxErrors = { overrun: 0, framing: 0, parity: 0, break: 0 };
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  private regs!: Ns16550Registers;
  private thr!: Ns16550Registers["RBR_THR"];
  private lsr!: Ns16550Registers["LSR"];

  constructor(options: Ns16550Options) {
    this.base = options.base;
    this.clockHz = options.clockHz ?? PC_UART_CLOCK_HZ;
    this.bus = options.bus;
    this.maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
  }

  get registers(): Ns16550Registers {
    return this.regs;
  }

  /** Interrupts off, the divisor for `baud`, 8N1, FIFOs on and cleared, DTR/RTS/OUT2. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("Ns16550: invalid base address");
    const divisor = ns16550Divisor(this.clockHz, baud);
    const r = (this.regs = NS16550_REGS.at(this.base, this.bus));
    this.thr = r.RBR_THR;
    this.lsr = r.LSR;
    r.IER.write(0);
    r.LCR.write(LCR_DLAB);
    r.DLL.write(divisor & 0xff);
    r.DLM.write(divisor >> 8);
    r.LCR.write(LCR_8N1);
    r.IIR_FCR.write(FCR_INIT);
    r.MCR.write(MCR_INIT);
  }

  writeByte(b: number): void {
    const lsr = this.lsr;
    for (let n = 0; !(lsr.read() & LSR_THRE); n++) {
      if (n >= this.maxPolls) throw new Error("Ns16550: transmitter stayed full");
    }
    this.thr.write(b & 0xff);
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when none waits. Never waits. */
  readByte(): number {
    const lsr = this.lsr.read();
    if (lsr & (LSR_OE | LSR_PE | LSR_FE | LSR_BI)) this.countErrors(lsr);
    return lsr & LSR_DR ? this.thr.read() : -1;
  }

  /** Received-data-available interrupt (IER.ERBFI, 8.9), which covers the FIFO timeout too. */
  enableReceiveInterrupts(): void {
    this.regs.IER.set(IER_ERBFI);
  }

  disableReceiveInterrupts(): void {
    if (this.regs) this.regs.IER.clear(IER_ERBFI);
  }

  /** Nothing to clear: the interrupt falls once RBR is read empty (8.8, table IV). */
  acknowledgeReceive(): void {}

  private countErrors(lsr: number): void {
    const e = this.rxErrors;
    if (lsr & LSR_OE) e.overrun++;
    if (lsr & LSR_PE) e.parity++;
    if (lsr & LSR_FE) e.framing++;
    if (lsr & LSR_BI) e.break++;
  }
}

/** The divisor latch value for `baud` from `clockHz` (table III), refusing what 16 bits cannot do. */
export function ns16550Divisor(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`Ns16550: clock ${clockHz} Hz and baud ${baud} must be positive`);
  const divisor = Math.round(clockHz / (16 * baud));
  if (divisor < 1 || divisor > 0xffff) throw new RangeError(`Ns16550: ${baud} baud cannot be divided from ${clockHz} Hz`);
  return divisor;
}
