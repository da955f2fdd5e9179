/**
 * ARM PrimeCell UART (PL011) driver.
 *
 * Follows the PL011 Technical Reference Manual r1p5 (ARM DDI 0183G): register map (3.2), register
 * descriptions (3.3), the Control Register programming sequence (3.3.8) and the baud rate divisor
 * (3.3.5-3.3.6). Transmit is polled. Receive is polled with readByte(), or interrupt-driven after
 * enableReceiveInterrupts() (3.3.9-3.3.13, 3.4), which hal/io/serial.ts uses; init() masks all
 * interrupts.
 *
 * On BCM2835 (Raspberry Pi Zero / 1) UART0 is a PL011 at 0x20201000 with a 48 MHz UART clock.
 */
import { defineRegisters, field, register, type Field, type RegisterBus, type WaitOptions } from "../../hal/register.ts";
import { encodeScalar, scalarValueAt, utf16Length } from "../../hal/utf8.ts";
import type { SerialPort } from "../../hal/io/serial.ts";

/** Interrupt bits, shared by IMSC, RIS, MIS and ICR (3.3.10-3.3.13). */
const INTERRUPTS = {
  RI: field(0), CTS: field(1), DCD: field(2), DSR: field(3), RX: field(4), TX: field(5),
  RT: field(6), FE: field(7), PE: field(8), BE: field(9), OE: field(10),
} as const;

/** PL011 registers, TRM table 3-1. */
export const PL011_REGS = defineRegisters({
  DR: register(0x00, { DATA: field(0, 8), FE: field(8), PE: field(9), BE: field(10), OE: field(11) }),
  RSR_ECR: register(0x04, { FE: field(0), PE: field(1), BE: field(2), OE: field(3) }),
  FR: register(0x18, {
    CTS: field(0), DSR: field(1), DCD: field(2), BUSY: field(3), RXFE: field(4),
    TXFF: field(5), RXFF: field(6), TXFE: field(7), RI: field(8),
  }),
  ILPR: register(0x20, { ILPDVSR: field(0, 8) }),
  IBRD: register(0x24, { BAUDDIVINT: field(0, 16) }),
  FBRD: register(0x28, { BAUDDIVFRAC: field(0, 6) }),
  LCR_H: register(0x2c, { BRK: field(0), PEN: field(1), EPS: field(2), STP2: field(3), FEN: field(4), WLEN: field(5, 2), SPS: field(7) }),
  CR: register(0x30, {
    UARTEN: field(0), SIREN: field(1), SIRLP: field(2), LBE: field(7), TXE: field(8), RXE: field(9),
    DTR: field(10), RTS: field(11), OUT1: field(12), OUT2: field(13), RTSEN: field(14), CTSEN: field(15),
  }),
  IFLS: register(0x34, { TXIFLSEL: field(0, 3), RXIFLSEL: field(3, 3) }),
  IMSC: register(0x38, INTERRUPTS),
  RIS: register(0x3c, INTERRUPTS),
  MIS: register(0x40, INTERRUPTS),
  ICR: register(0x44, INTERRUPTS),
  DMACR: register(0x48, { RXDMAE: field(0), TXDMAE: field(1), DMAONERR: field(2) }),
}, { name: "PL011" });

export type Pl011Registers = ReturnType<typeof PL011_REGS.at>;

// Whole-register values init() writes, from the fields above (TRM 3.3.7, 3.3.8). Written out
// because boot time counts: building them with writeFields() costs an object and a for-in each.
// test/unit/pl011.test.ts checks the values against the declaration.
const CR_UARTEN = 1 << 0;
const CR_TXE = 1 << 8;
const CR_RXE = 1 << 9;
const LCR_H_FEN = 1 << 4;
const LCR_H_WLEN_8 = 3 << 5;
// Receive interrupt bits of IMSC/ICR (3.3.10, 3.3.13) and the RX trigger level of IFLS (3.3.9),
// likewise checked by the tests.
const INT_RX = 1 << 4;
const INT_RT = 1 << 6;
const INT_OE = 1 << 10;
const IFLS_RXIFLSEL = 7 << 3;
/**
 * RXIFLSEL b000: the RX interrupt fires when the receive FIFO becomes 1/8 full (3.3.9), i.e. at 2
 * characters of BCM2835's 16 (4 of r1p5's 32). The handler is a bottom half run by the event loop
 * after whatever job is running, so its latency is long and variable; the lowest level leaves the
 * most FIFO (14 characters, 1.2 ms at 115200 baud) to absorb it before an overrun. The price, more
 * interrupts, shrinks under load: each handler drains everything the FIFO holds by then. Fewer
 * characters than the level are reported by the receive timeout interrupt (3.4.4).
 */
const IFLS_RX_1_8 = 0 << 3;

export interface Pl011Options {
  /** Physical base address of the UART's registers. */
  readonly base: number;
  /** UARTCLK, the reference clock the baud rate is divided from. */
  readonly clockHz: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
  /** Poll limit for waits on FR (TX FIFO full, BUSY); see DEFAULT_MAX_POLLS. */
  readonly maxPolls?: number;
}

/** Receive errors seen by readByte() (3.3.1), counted rather than thrown: a console keeps going. */
export interface Pl011RxErrors {
  framing: number;
  parity: number;
  break: number;
  overrun: number;
}

export class Pl011 implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  readonly rxErrors: Pl011RxErrors = { framing: 0, parity: 0, break: 0, overrun: 0 };
  private readonly bus?: RegisterBus;
  private readonly wait?: WaitOptions;
  // Set by init(); the TX/RX paths use these so that a byte costs few property lookups.
  private regs!: Pl011Registers;
  private dr!: Pl011Registers["DR"];
  private fr!: Pl011Registers["FR"];
  private txff!: Field;
  /** FR.RXFE, made by the first readByte(). */
  private rxfe?: Field;
  /** Scratch for encoding one non-ASCII character, made on first use. */
  private utf8?: Uint8Array;

  constructor(options: Pl011Options) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.bus = options.bus;
    this.wait = options.maxPolls !== undefined ? { maxPolls: options.maxPolls } : undefined;
  }

  /** The register block (after init()), for what this driver does not wrap. */
  get registers(): Pl011Registers {
    return this.regs;
  }

  /** Programs the UART for `baud` 8N1 with FIFOs, interrupts masked, following TRM 3.3.8. */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("Pl011: invalid base address");
    const { ibrd, fbrd } = baudDivisor(this.clockHz, baud);
    const r = (this.regs = PL011_REGS.at(this.base, this.bus));
    const cr = r.CR;
    const fr = (this.fr = r.FR);
    const lcrh = r.LCR_H;
    this.dr = r.DR;
    this.txff = fr.TXFF;

    // Let output queued by an earlier stage go out first: once disabled, a non-empty TX FIFO keeps
    // FR.BUSY set (3.3.3) and step 2 would never end.
    if ((cr.read() & (CR_UARTEN | CR_TXE)) === (CR_UARTEN | CR_TXE)) fr.waitUntil("BUSY", 0, this.wait);
    cr.write(0); // 1. disable the UART
    fr.waitUntil("BUSY", 0, this.wait); // 2. wait for the end of the current character
    lcrh.clear(LCR_H_FEN); // 3. flush the transmit FIFO
    r.IBRD.write(ibrd);
    r.FBRD.write(fbrd);
    lcrh.write(LCR_H_WLEN_8 | LCR_H_FEN); // 8N1 with FIFOs; this write also latches IBRD/FBRD (3.3.7)
    r.ICR.write(0x7ff); // clear pending interrupts
    r.IMSC.write(0); // mask them all: this driver polls
    cr.write(CR_UARTEN | CR_TXE | CR_RXE); // 4-5. reprogram CR and enable
  }

  writeByte(b: number): void {
    if (this.txff.get() !== 0) this.fr.waitUntil("TXFF", 0, this.wait);
    this.dr.write(b & 0xff);
  }

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.writeByte(bytes[i]);
  }

  /** Sends `s` as UTF-8 (a lone surrogate as U+FFFD), without allocating (after the first non-ASCII character). */
  writeString(s: string): void {
    // writeByte inlined for ASCII: this runs per console byte.
    const txff = this.txff;
    const dr = this.dr;
    for (let i = 0; i < s.length; ) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (txff.get() !== 0) this.fr.waitUntil("TXFF", 0, this.wait);
        dr.write(c);
        i++;
        continue;
      }
      // Not hal/utf8.ts writeCharAt(): this driver is on every board's boot path, where one more
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
    if ((this.rxfe ??= this.fr.RXFE).get() !== 0) return -1;
    const v = this.dr.read();
    if (v & 0xf00) {
      const e = this.rxErrors;
      if (v & 0x100) e.framing++;
      if (v & 0x200) e.parity++;
      if (v & 0x400) e.break++;
      if (v & 0x800) e.overrun++;
    }
    return v & 0xff;
  }

  /**
   * Unmasks the RX FIFO level and receive timeout interrupts (IMSC.RXIM, IMSC.RTIM; 3.3.10, 3.4)
   * with the RX trigger level at 1/8 (see IFLS_RX_1_8). Pending conditions are kept rather than
   * cleared, so characters already waiting in the FIFO raise the interrupt at once. The handler
   * must drain the FIFO with readByte() and then call acknowledgeReceive().
   */
  enableReceiveInterrupts(): void {
    const r = this.regs;
    if (!r) throw new Error("Pl011: init() before enableReceiveInterrupts()");
    // IFLS and IMSC hold no write-1-to-clear bits, so read-modify-write keeps the TX settings.
    r.IFLS.write((r.IFLS.read() & ~IFLS_RXIFLSEL) | IFLS_RX_1_8);
    r.IMSC.set(INT_RX | INT_RT);
  }

  /** Masks the receive interrupts again (IMSC.RXIM, IMSC.RTIM); readByte() still works. */
  disableReceiveInterrupts(): void {
    if (this.regs) this.regs.IMSC.clear(INT_RX | INT_RT);
  }

  /**
   * Clears the RX, RT and overrun interrupts (ICR is write-1-to-clear, 3.3.13); call it once
   * readByte() has returned -1. Reading the FIFO empty already clears RX and RT (3.4.2, 3.4.4);
   * the write makes sure of it, and clears the overrun status, which readByte() counted from
   * DR.OE (3.3.1).
   */
  acknowledgeReceive(): void {
    this.regs.ICR.write(INT_RX | INT_RT | INT_OE);
  }

  /** Waits until the last character, stop bits included, has left the shift register. */
  flush(): void {
    this.fr.waitUntil("BUSY", 0, this.wait);
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
