/**
 * BCM2835 ARM interrupt controller, after BCM2835 ARM Peripherals (Broadcom, 2012-02-06) chapter 7
 * (7.5: registers at 0x7E00B200 on the VideoCore bus, 0x2000B200 for the ARM).
 *
 * Line numbers, as used everywhere in tsmetal: GPU IRQs 0..63 are lines 0..63 (bank 1 is lines
 * 0-31, bank 2 lines 32-63); the eight ARM "basic" IRQs (basic pending bits 0-7) are lines 64..71.
 * Basic pending bits 8-9 (banks 1/2 not empty) and 10-20 (copies of GPU IRQs 7, 9, 10, 18, 19,
 * 53-57, 62) are shortcuts for a handler, not lines. So line >>> 5 is the bank index (0, 1, 2 for
 * pending 1, pending 2, basic) and line & 31 the bit.
 *
 * The pending registers show lines that are pending and enabled (QEMU's bcm2835_ic, and what the
 * native top half's IrqBank contract in hal/hal.d.ts relies on).
 */
import type { BankedIrqController } from "hal";
import { defineRegisters, ro, rw, w1c, w1s, type Register, type DeviceOptions } from "../../hal/register.ts";

/** FIQ control (7.5): the source routed to FIQ, and its enable. */
export enum FIQ_CONTROL { SOURCE = 0x7f, ENABLE = 1 << 7 }

/** Registers, section 7.5. Enables set and disables clear the lines whose bits are 1. */
export const BCM2835_IRQ_REGS = defineRegisters({
  BASIC_PENDING: ro(0x00),
  PENDING_1: ro(0x04),
  PENDING_2: ro(0x08),
  FIQ_CONTROL: rw<FIQ_CONTROL>(0x0c),
  ENABLE_1: w1s(0x10),
  ENABLE_2: w1s(0x14),
  ENABLE_BASIC: w1s(0x18),
  DISABLE_1: w1c(0x1c),
  DISABLE_2: w1c(0x20),
  DISABLE_BASIC: w1c(0x24),
}, { name: "BCM2835_IRQ" });

export type Bcm2835IrqRegisters = ReturnType<typeof BCM2835_IRQ_REGS.at>;

/** The number of lines: 64 GPU IRQs and 8 ARM basic IRQs. */
export const BCM2835_IRQ_LINES = 72;

// GPU IRQs, section 7.5 "ARM peripherals interrupts table". System timer channels 0 and 2 are
// the VideoCore's (chapter 12), so only 1 and 3 are named.
export const IRQ_SYSTIMER_1 = 1;
export const IRQ_SYSTIMER_3 = 3;
export const IRQ_AUX = 29;
export const IRQ_I2C_SPI_SLAVE = 43;
export const IRQ_PWA0 = 45;
export const IRQ_PWA1 = 46;
export const IRQ_SMI = 48;
export const IRQ_GPIO_0 = 49;
export const IRQ_GPIO_1 = 50;
export const IRQ_GPIO_2 = 51;
export const IRQ_GPIO_3 = 52;
export const IRQ_I2C = 53;
export const IRQ_SPI = 54;
export const IRQ_PCM = 55;
export const IRQ_UART0 = 57;
// ARM basic IRQs: basic pending bits 0-7 (section 7.5, "Basic pending register").
export const IRQ_ARM_TIMER = 64;
export const IRQ_MAILBOX = 65;
export const IRQ_DOORBELL_0 = 66;
export const IRQ_DOORBELL_1 = 67;
export const IRQ_GPU0_HALTED = 68;
export const IRQ_GPU1_HALTED = 69;
export const IRQ_ILLEGAL_ACCESS_1 = 70;
export const IRQ_ILLEGAL_ACCESS_0 = 71;

/** Bits of each bank's pending register that are lines; the rest of basic pending are shortcuts. */
const BANK_MASKS = [0xffff_ffff, 0xffff_ffff, 0xff];

/** `base`: physical base address of the controller (0x2000B200 on BCM2835). */
export type Bcm2835IrqOptions = DeviceOptions;

export class Bcm2835Irq {
  readonly base: number;
  private readonly regs: Bcm2835IrqRegisters;
  // Per bank (1, 2, basic), made on first use: each register object costs boot time.
  private pendings?: Register<never, "ro">[];
  private enables?: Register<never, "w1s">[];
  private disables?: Register<never, "w1c">[];

  constructor(options: Bcm2835IrqOptions) {
    this.base = options.base;
    this.regs = BCM2835_IRQ_REGS.at(options.base, options.bus);
  }

  /** The register block, for what this driver does not wrap. */
  get registers(): Bcm2835IrqRegisters {
    return this.block();
  }

  /** Disables FIQ and every line of the three banks, whatever an earlier stage left enabled. */
  init(): void {
    const r = this.block();
    r.FIQ_CONTROL.write(0);
    const d = this.disableRegs();
    d[0].write(0xffff_ffff);
    d[1].write(0xffff_ffff);
    d[2].write(0xff);
  }

  enable(line: number): void {
    checkLine(line);
    this.enableRegs()[line >>> 5].write(1 << (line & 31));
  }

  disable(line: number): void {
    checkLine(line);
    this.disableRegs()[line >>> 5].write(1 << (line & 31));
  }

  /** Whether `line` is pending and enabled. */
  isPending(line: number): boolean {
    checkLine(line);
    return (this.pendingRegs()[line >>> 5].read() & (1 << (line & 31))) !== 0;
  }

  /** The lines that are pending and enabled, ascending. */
  pendingLines(): number[] {
    const p = this.pendingRegs();
    const out: number[] = [];
    for (let b = 0; b < 3; b++) {
      let bits = p[b].read() & BANK_MASKS[b];
      for (let line = b << 5; bits !== 0; line++, bits >>>= 1) if (bits & 1) out.push(line);
    }
    return out;
  }

  /** The controller as the native interrupt top half drives it (`irq.attach()` from "hal"). */
  description(): BankedIrqController {
    const p = this.pendingRegs(), e = this.enableRegs(), d = this.disableRegs();
    const bank = (b: number) => ({ firstLine: b << 5, pending: p[b].addr, enable: e[b].addr, disable: d[b].addr, mask: BANK_MASKS[b] });
    return { kind: "banked", banks: [bank(0), bank(1), bank(2)] };
  }

  private checkedBase(): number {
    if (!this.base) throw new Error("Bcm2835Irq: invalid base address");
    return this.base;
  }

  private block(): Bcm2835IrqRegisters {
    this.checkedBase();
    return this.regs;
  }

  private pendingRegs(): Register<never, "ro">[] {
    if (this.pendings !== undefined) return this.pendings;
    const r = this.block();
    return (this.pendings = [r.PENDING_1, r.PENDING_2, r.BASIC_PENDING]);
  }

  private enableRegs(): Register<never, "w1s">[] {
    if (this.enables !== undefined) return this.enables;
    const r = this.block();
    return (this.enables = [r.ENABLE_1, r.ENABLE_2, r.ENABLE_BASIC]);
  }

  private disableRegs(): Register<never, "w1c">[] {
    if (this.disables !== undefined) return this.disables;
    const r = this.block();
    return (this.disables = [r.DISABLE_1, r.DISABLE_2, r.DISABLE_BASIC]);
  }
}

function checkLine(line: number): void {
  // (x >>> 0) === x holds exactly for the integers 0..2^32-1.
  if (line >>> 0 !== line || line >= BCM2835_IRQ_LINES) {
    throw new RangeError(`Bcm2835Irq: line ${line} is not an interrupt line (0..${BCM2835_IRQ_LINES - 1})`);
  }
}
