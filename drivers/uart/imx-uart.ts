/**
 * i.MX UART (i.MX6UL / i.MX6ULL Reference Manual, chapter "Universal Asynchronous
 * Receiver/Transmitter (UART)"): 32-entry TX and RX FIFOs, a fractional baud rate generator
 * (binary rate multiplier, UBIR/UBMR) after a divider of the module clock (UFCR.RFDIV).
 * Registers: URXD 0x00 (data with CHARRDY and error flags), UTXD 0x40, UCR1-UCR4 0x80-0x8C,
 * UFCR 0x90, USR1 0x94, USR2 0x98, UBIR 0xA4, UBMR 0xA8, UTS 0xB4.
 * Transmit is polled (UTS.TXFULL); receive is polled with readByte() or interrupt-driven
 * (UCR1.RRDYEN with an RX trigger level of one character).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";
import { writeUtf8 } from "../../hal/utf8.ts";
import type { SerialPort } from "../../hal/io/serial.ts";

export const IMX_UART_REGS = defineRegisters({
  URXD: register(0x00, { RX_DATA: field(0, 8), PRERR: field(10), BRK: field(11), FRMERR: field(12), OVRRUN: field(13), ERR: field(14), CHARRDY: field(15) }),
  UTXD: register(0x40, { TX_DATA: field(0, 8) }),
  UCR1: register(0x80, { UARTEN: field(0), RRDYEN: field(9), TRDYEN: field(13) }),
  UCR2: register(0x84, { SRST: field(0), RXEN: field(1), TXEN: field(2), ATEN: field(3), WS: field(5), STPB: field(6), PREN: field(8), IRTS: field(14) }),
  UCR3: register(0x88, { RXDMUXSEL: field(2) }),
  UCR4: register(0x8c, { DREN: field(0), OREN: field(1) }),
  UFCR: register(0x90, { RXTL: field(0, 6), DCEDTE: field(6), RFDIV: field(7, 3), TXTL: field(10, 6) }),
  USR1: register(0x94, { RRDY: field(9), TRDY: field(13) }),
  USR2: register(0x98, { RDR: field(0), ORE: field(1), TXDC: field(3), TXFE: field(14) }),
  UBIR: register(0xa4, { INC: field(0, 16) }),
  UBMR: register(0xa8, { MOD: field(0, 16) }),
  UTS: register(0xb4, { SOFTRST: field(0), TXFULL: field(4), RXEMPTY: field(5), TXEMPTY: field(6) }),
}, { name: "i.MX UART" });

export type ImxUartRegisters = ReturnType<typeof IMX_UART_REGS.at>;

const URXD_CHARRDY = 1 << 15;
const URXD_ERRORS = 0x3c00; // PRERR, BRK, FRMERR, OVRRUN
const UTS_TXFULL = 1 << 4;
const UCR1_UARTEN = 1 << 0;
const UCR1_RRDYEN = 1 << 9;
/** UCR2: not in reset, RX and TX on, 8 data bits, 1 stop bit, no parity, RTS ignored. */
const UCR2_8N1 = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 5) | (1 << 14);
/** UCR3.RXDMUXSEL: the RM requires it set on this SoC family ("should always be set to 1"). */
const UCR3_RXDMUXSEL = 1 << 2;
/** USR2.ORE is write-1-to-clear. */
const USR2_ORE = 1 << 1;
/** UFCR.RFDIV = 0b100: the reference clock is the module clock / 2 (as U-Boot's mxc_serial). */
const RFDIV_DIV2 = 4;
/** UBIR + 1 = 16: the modulator then counts in units of baud/16 directly. */
const UBIR_16 = 15;
const DEFAULT_MAX_POLLS = 1_000_000;

/** The i.MX6UL/ULL UART module clock (UART_CLK_ROOT: PLL3 480 MHz / 6, the reset value). */
export const IMX6UL_UART_CLOCK_HZ = 80_000_000;

export interface ImxUartOptions {
  readonly base: number;
  /** The UART module clock (before UFCR.RFDIV). */
  readonly clockHz?: number;
  readonly bus?: RegisterBus;
  readonly maxPolls?: number;
}

/** Receive errors seen by readByte() (URXD flags), counted rather than thrown. */
export interface ImxUartRxErrors {
  framing: number;
  parity: number;
  break: number;
  overrun: number;
}

export class ImxUart implements SerialPort {
  readonly base: number;
  readonly clockHz: number;
  readonly rxErrors: ImxUartRxErrors = { framing: 0, parity: 0, break: 0, overrun: 0 };
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  private regs?: ImxUartRegisters;
  private uts!: ImxUartRegisters["UTS"];
  private utxd!: ImxUartRegisters["UTXD"];

  constructor(options: ImxUartOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz ?? IMX6UL_UART_CLOCK_HZ;
    this.bus = options.bus;
    this.maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
  }

  get registers(): ImxUartRegisters | undefined {
    return this.regs;
  }

  /**
   * Software reset (UCR2.SRST, waiting for UTS.SOFTRST), then 8N1 at `baud`, FIFO trigger
   * levels TX 2 / RX 1, TX and RX on, interrupts off.
   */
  init({ baud = 115200 }: { baud?: number } = {}): void {
    if (!this.base) throw new Error("ImxUart: invalid base address");
    const mod = imxUartModulator(this.clockHz, baud);
    const r = (this.regs = IMX_UART_REGS.at(this.base, this.bus));
    this.uts = r.UTS;
    this.utxd = r.UTXD;
    r.UCR1.write(0);
    r.UCR2.write(0);
    r.UTS.waitUntil("SOFTRST", 0, { maxPolls: this.maxPolls });
    r.UCR3.write(UCR3_RXDMUXSEL);
    r.UCR4.write(0);
    r.UFCR.writeFields({ RXTL: 1, RFDIV: RFDIV_DIV2, TXTL: 2 });
    r.UBIR.write(UBIR_16);
    r.UBMR.write(mod);
    r.UCR2.write(UCR2_8N1);
    r.UCR1.write(UCR1_UARTEN);
  }

  writeByte(b: number): void {
    const uts = this.uts;
    for (let n = 0; uts.read() & UTS_TXFULL; n++) {
      if (n >= this.maxPolls) throw new Error("ImxUart: TX FIFO stayed full");
    }
    this.utxd.write(b & 0xff);
  }

  /** Sends `s` as UTF-8. */
  writeString(s: string): void {
    writeUtf8(s, this);
  }

  /** The next received byte, or -1 when the RX FIFO is empty (URXD.CHARRDY clear). Never waits. */
  readByte(): number {
    const v = this.checked().URXD.read();
    if (!(v & URXD_CHARRDY)) return -1;
    if (v & URXD_ERRORS) {
      const e = this.rxErrors;
      if (v & (1 << 10)) e.parity++;
      if (v & (1 << 11)) e.break++;
      if (v & (1 << 12)) e.framing++;
      if (v & (1 << 13)) e.overrun++;
    }
    return v & 0xff;
  }

  /** Interrupt while the RX FIFO holds at least UFCR.RXTL (1) characters (USR1.RRDY). */
  enableReceiveInterrupts(): void {
    this.checked().UCR1.set(UCR1_RRDYEN);
  }

  disableReceiveInterrupts(): void {
    if (this.regs) this.regs.UCR1.clear(UCR1_RRDYEN);
  }

  /** USR1.RRDY falls by itself once the FIFO is read below the trigger level; clear a latched overrun. */
  acknowledgeReceive(): void {
    this.checked().USR2.write(USR2_ORE);
  }

  private checked(): ImxUartRegisters {
    if (!this.regs) throw new Error("ImxUart: init() first");
    return this.regs;
  }
}

/**
 * UBMR for `baud` with UBIR = 15 and the reference clock at `clockHz` / 2:
 * baud = ref / (16 * (UBMR + 1) / (UBIR + 1)), so UBMR = ref / baud - 1 (rounded).
 */
export function imxUartModulator(clockHz: number, baud: number): number {
  if (!(clockHz > 0) || !(baud > 0)) throw new RangeError(`ImxUart: clock ${clockHz} Hz and baud ${baud} must be positive`);
  const mod = Math.round(clockHz / 2 / baud) - 1;
  if (mod < UBIR_16 || mod > 0xffff) throw new RangeError(`ImxUart: ${baud} baud cannot be divided from ${clockHz} Hz`);
  return mod;
}
