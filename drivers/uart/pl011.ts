/**
 * ARM PrimeCell UART (PL011) driver.
 *
 * Follows the PL011 Technical Reference Manual r1p5 (ARM DDI 0183G): register map (3.2), register
 * descriptions (3.3), the Control Register programming sequence (3.3.8) and the baud rate divisor
 * (3.3.5-3.3.6). Transmit is polled. Receive is polled with readByte(), or interrupt-driven after
 * enableReceiveInterrupts() (3.3.9-3.3.13, 3.4), which io/serial.ts uses; init() masks all
 * interrupts.
 *
 * On BCM2835 (Raspberry Pi Zero / 1) UART0 is a PL011 at 0x20201000 with a 48 MHz UART clock.
 */
import { defineRegisters, ro, rw, w1c, wo, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, type PollOptions } from "../../hal/poll.ts";
import { encodeScalar, scalarValueAt, utf16Length } from "../../runtime/utf8.ts";
import type { SerialPort, SerialRxErrors } from "../interfaces/serial-port.ts";

/** UARTDR, data register (3.3.1): the received character with its error flags. */
export enum DR { DATA = 0xff, FE = 1 << 8, PE = 1 << 9, BE = 1 << 10, OE = 1 << 11 }
/** UARTRSR/UARTECR, receive status / error clear (3.3.2). */
export enum RSR_ECR { FE = 1 << 0, PE = 1 << 1, BE = 1 << 2, OE = 1 << 3 }
/** UARTFR, flag register (3.3.3). */
export enum FR {
  CTS = 1 << 0, DSR = 1 << 1, DCD = 1 << 2, BUSY = 1 << 3, RXFE = 1 << 4,
  TXFF = 1 << 5, RXFF = 1 << 6, TXFE = 1 << 7, RI = 1 << 8,
}
/** UARTLCR_H, line control (3.3.7). */
export enum LCR_H { BRK = 1 << 0, PEN = 1 << 1, EPS = 1 << 2, STP2 = 1 << 3, FEN = 1 << 4, WLEN = 3 << 5, SPS = 1 << 7 }
/** LCR_H.WLEN, word length (3.3.7). */
export enum LCR_H_WLEN { BITS_5 = 0 << 5, BITS_6 = 1 << 5, BITS_7 = 2 << 5, BITS_8 = 3 << 5 }
/** UARTCR, control (3.3.8). */
export enum CR {
  UARTEN = 1 << 0, SIREN = 1 << 1, SIRLP = 1 << 2, LBE = 1 << 7, TXE = 1 << 8, RXE = 1 << 9,
  DTR = 1 << 10, RTS = 1 << 11, OUT1 = 1 << 12, OUT2 = 1 << 13, RTSEN = 1 << 14, CTSEN = 1 << 15,
}
/** UARTIFLS, interrupt FIFO level select (3.3.9). */
export enum IFLS { TXIFLSEL = 7 << 0, RXIFLSEL = 7 << 3 }
/**
 * IFLS.RXIFLSEL, the receive FIFO level that raises the RX interrupt (3.3.9). ONE_EIGHTH is 2
 * characters of BCM2835's 16 (4 of r1p5's 32).
 */
export enum IFLS_RXIFLSEL { ONE_EIGHTH = 0 << 3, QUARTER = 1 << 3, HALF = 2 << 3, THREE_QUARTERS = 3 << 3, SEVEN_EIGHTHS = 4 << 3 }
/** Interrupt bits, shared by UARTIMSC, UARTRIS, UARTMIS and UARTICR (3.3.10-3.3.13). */
export enum INT {
  RI = 1 << 0, CTS = 1 << 1, DCD = 1 << 2, DSR = 1 << 3, RX = 1 << 4, TX = 1 << 5,
  RT = 1 << 6, FE = 1 << 7, PE = 1 << 8, BE = 1 << 9, OE = 1 << 10, ALL = 0x7ff,
}
/** UARTDMACR (3.3.14). */
export enum DMACR { RXDMAE = 1 << 0, TXDMAE = 1 << 1, DMAONERR = 1 << 2 }

/** PL011 registers, TRM table 3-1. */
export const PL011_REGS = defineRegisters({
  DR: rw<DR>(0x00),
  RSR_ECR: rw<RSR_ECR>(0x04),
  FR: ro<FR>(0x18),
  ILPR: rw(0x20),
  IBRD: rw(0x24),
  FBRD: rw(0x28),
  LCR_H: rw<LCR_H>(0x2c),
  CR: rw<CR>(0x30),
  IFLS: rw<IFLS>(0x34),
  IMSC: rw<INT>(0x38),
  RIS: ro<INT>(0x3c),
  MIS: ro<INT>(0x40),
  ICR: wo<INT>(0x44),
  DMACR: rw<DMACR>(0x48),
}, { name: "PL011" });

export type Pl011Registers = ReturnType<typeof PL011_REGS.at>;

/** `maxPolls` limits the waits on FR (TX FIFO full, BUSY). */
export interface Pl011Options extends PolledDeviceOptions {
  /** UARTCLK, the reference clock the baud rate is divided from. */
  readonly clockHz: number;
}

export class Pl011 implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  /** Receive errors seen by readByte() in DR (3.3.1), counted rather than thrown. */
  readonly rxErrors: SerialRxErrors = { framing: 0, parity: 0, break: 0, overrun: 0 };
  /** The register block, for what this driver does not wrap. */
  readonly registers: Pl011Registers;
  private readonly wait?: PollOptions;
  // The TX/RX paths use these so that a byte costs few property lookups.
  private readonly dr: Register<DR, "rw">;
  private readonly fr: Register<FR, "ro">;
  /** Scratch for encoding one non-ASCII character, made on first use. */
  private utf8?: Uint8Array;
  /** Set by init(): the receive interrupts are only for a programmed UART. */
  private initialized = false;

  constructor(options: Pl011Options) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = PL011_REGS.at(options.base, options.bus));
    this.dr = r.DR;
    this.fr = r.FR;
  }

  /** Programs the UART for `baud` 8N1 with FIFOs, interrupts masked, following TRM 3.3.8. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("Pl011: invalid base address");
    const { ibrd, fbrd } = baudDivisor(this.clockHz, baud);
    const r = this.registers;
    const cr = r.CR;
    const fr = this.fr;
    const lcrh = r.LCR_H;

    // Let output queued by an earlier stage go out first: once disabled, a non-empty TX FIFO keeps
    // FR.BUSY set (3.3.3) and step 2 would never end.
    if ((cr.read() & (CR.UARTEN | CR.TXE)) === (CR.UARTEN | CR.TXE)) fr.waitUntil(FR.BUSY, 0, this.wait);
    cr.write(0); // 1. disable the UART
    fr.waitUntil(FR.BUSY, 0, this.wait); // 2. wait for the end of the current character
    lcrh.clear(LCR_H.FEN); // 3. flush the transmit FIFO
    r.IBRD.write(ibrd);
    r.FBRD.write(fbrd);
    lcrh.write(LCR_H_WLEN.BITS_8 | LCR_H.FEN); // 8N1 with FIFOs; this write also latches IBRD/FBRD (3.3.7)
    r.ICR.write(INT.ALL); // clear pending interrupts
    r.IMSC.write(0); // mask them all: this driver polls
    cr.write(CR.UARTEN | CR.TXE | CR.RXE); // 4-5. reprogram CR and enable
    this.initialized = true;
  }

  writeByte(b: number): void {
    if (this.fr.read() & FR.TXFF) this.fr.waitUntil(FR.TXFF, 0, this.wait);
    this.dr.write(b & 0xff);
  }

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.writeByte(bytes[i]);
  }

  /** Sends `s` as UTF-8 (a lone surrogate as U+FFFD), without allocating (after the first non-ASCII character). */
  writeString(s: string): void {
    // writeByte inlined for ASCII: this runs per console byte.
    const fr = this.fr;
    const dr = this.dr;
    for (let i = 0; i < s.length; ) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (fr.read() & FR.TXFF) fr.waitUntil(FR.TXFF, 0, this.wait);
        dr.write(c);
        i++;
        continue;
      }
      // Not runtime/utf8.ts writeCharAt(): this driver is on every board's boot path, where one more
      // module-level function costs about 450 bytes of the hello-world heap budget.
      const cp = scalarValueAt(s, i);
      const utf8 = (this.utf8 ??= new Uint8Array(4));
      const n = encodeScalar(cp, utf8, 0);
      for (let j = 0; j < n; j++) this.writeByte(utf8[j]);
      i += utf16Length(cp);
    }
  }

  /** The next received byte, or -1 if the RX FIFO is empty. Never waits. */
  readByte(): number {
    if (this.fr.read() & FR.RXFE) return -1;
    const v = this.dr.read();
    if (v & (DR.FE | DR.PE | DR.BE | DR.OE)) {
      const e = this.rxErrors;
      if (v & DR.FE) e.framing++;
      if (v & DR.PE) e.parity++;
      if (v & DR.BE) e.break++;
      if (v & DR.OE) e.overrun++;
    }
    return v & DR.DATA;
  }

  /**
   * Unmasks the RX FIFO level and receive timeout interrupts (IMSC.RXIM, IMSC.RTIM; 3.3.10, 3.4)
   * with the RX trigger level at 1/8. Pending conditions are kept rather than
   * cleared, so characters already waiting in the FIFO raise the interrupt at once. The handler
   * must drain the FIFO with readByte() and then call acknowledgeReceive().
   */
  enableReceiveInterrupts(): void {
    if (!this.initialized) throw new Error("Pl011: init() before enableReceiveInterrupts()");
    const r = this.registers;
    // RXIFLSEL 1/8: the RX interrupt fires when the receive FIFO becomes 1/8 full (3.3.9). The
    // handler is a bottom half run by the event loop after whatever job is running, so its latency
    // is long and variable; the lowest level leaves the most FIFO (14 characters, 1.2 ms at 115200
    // baud) to absorb it before an overrun. The price, more interrupts, shrinks under load: each
    // handler drains everything the FIFO holds by then. Fewer characters than the level are
    // reported by the receive timeout interrupt (3.4.4). IFLS and IMSC hold no write-1-to-clear
    // bits, so read-modify-write keeps the TX settings.
    r.IFLS.modify(IFLS.RXIFLSEL, IFLS_RXIFLSEL.ONE_EIGHTH);
    r.IMSC.set(INT.RX | INT.RT);
  }

  /** Masks the receive interrupts again (IMSC.RXIM, IMSC.RTIM); readByte() still works. */
  disableReceiveInterrupts(): void {
    if (this.initialized) this.registers.IMSC.clear(INT.RX | INT.RT);
  }

  /**
   * Clears the RX, RT and overrun interrupts (ICR is write-1-to-clear, 3.3.13); call it once
   * readByte() has returned -1. Reading the FIFO empty already clears RX and RT (3.4.2, 3.4.4);
   * the write makes sure of it, and clears the overrun status, which readByte() counted from
   * DR.OE (3.3.1).
   */
  acknowledgeReceive(): void {
    this.registers.ICR.write(INT.RX | INT.RT | INT.OE);
  }

  /** Waits until the last character, stop bits included, has left the shift register. */
  flush(): void {
    this.fr.waitUntil(FR.BUSY, 0, this.wait);
  }
}

/**
 * IBRD and FBRD for `baud` from `clockHz` (3.3.6): divisor = clock / (16 * baud), FBRD =
 * round(fraction * 64). Computed as round(64 * divisor) = round(4 * clock / baud) so that a
 * fraction rounding up to 64 carries into IBRD.
 */
export function baudDivisor(clockHz: number, baud: number): { ibrd: number; fbrd: number } {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`Pl011: clock ${clockHz} Hz and baud ${baud} must be positive`);
  // Integer arithmetic rather than Math.round/floor: the first use of Math makes QuickJS build
  // the whole Math object (~45,000 instructions at boot). Below 2^22, `| 0` is floor.
  const x = (4 * clockHz) / baud + 0.5;
  const scaled = x < 0x40_0000 ? x | 0 : 0x40_0000;
  const ibrd = scaled >> 6;
  const fbrd = scaled & 63;
  // 3.3.5: IBRD=0 is invalid; the largest divisor is 0xFFFF with FBRD=0.
  if (ibrd < 1 || ibrd > 0xffff || (ibrd === 0xffff && fbrd !== 0)) {
    throw new RangeError(`Pl011: ${baud} baud cannot be divided from ${clockHz} Hz`);
  }
  return { ibrd, fbrd };
}
