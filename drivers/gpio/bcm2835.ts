/**
 * BCM2835 GPIO, after BCM2835 ARM Peripherals (Broadcom, 2012-02-06) chapter 6 (registers at
 * 0x7E200000 on the VideoCore bus: peripheral base + 0x200000, i.e. 0x20200000 on BCM2835 and
 * 0x3F200000 on BCM2836/7).
 *
 * 54 pins in two banks: pins 0-31 are bit n of the bank-0 registers, pins 32-53 bit n - 32 of bank
 * 1. Function select is 3 bits per pin, ten pins per GPFSEL word (6.1, table 6-2..6-7).
 * GPSET/GPCLR are write-only and GPEDS is write-1-to-clear: this driver only ever writes whole
 * masks to them. GPFSEL and the detect enables hold no such bits and are read-modify-written.
 *
 * Events: an enabled detector sets the pin's GPEDS bit, which raises gpio_int[bank] (lines 49 and
 * 50 of the interrupt controller, section 7.5) until it is written back with 1. Edge detection
 * here is the synchronous kind (GPREN/GPFEN: the input is sampled on the system clock, so glitches
 * shorter than two clocks are ignored, 6.1 "GPIO Rising Edge Detect Enable Registers").
 */
import { array, defineRegisters, ro, rw, w1c, wo, type DeviceOptions } from "../../hal/register.ts";
import type { DigitalPort } from "../interfaces/digital-port.ts";

/** GPPUD, pull-up/down control (6.1, table 6-28). */
export enum GPPUD { PUD = 3 }
/** GPPUD.PUD values (table 6-28). */
export enum GPPUD_PUD { OFF = 0, DOWN = 1, UP = 2 }
/** GPFSELn: 3 bits per pin, ten pins per word (6.1, tables 6-2..6-7); FSEL0 is pin 10n's. */
export enum GPFSEL { FSEL0 = 7 }

/**
 * Registers, section 6.1 table 6-1. The banked ones are arrays: index 0 holds pins 0-31, index 1
 * pins 32-53 in bits 0-21.
 */
export const GPIO_REGS = defineRegisters({
  GPFSEL: array(rw<GPFSEL>(0x00), 6),
  GPSET: array(wo(0x1c), 2),
  GPCLR: array(wo(0x28), 2),
  GPLEV: array(ro(0x34), 2),
  GPEDS: array(w1c(0x40), 2),
  GPREN: array(rw(0x4c), 2),
  GPFEN: array(rw(0x58), 2),
  GPHEN: array(rw(0x64), 2),
  GPLEN: array(rw(0x70), 2),
  GPAREN: array(rw(0x7c), 2),
  GPAFEN: array(rw(0x88), 2),
  GPPUD: rw<GPPUD>(0x94),
  GPPUDCLK: array(rw(0x98), 2),
}, { name: "GPIO" });

export type Bcm2835GpioRegisters = ReturnType<typeof GPIO_REGS.at>;

/** The number of GPIO pins (6.2). */
export const GPIO_PINS = 54;

/** Bits of the bank-1 registers that are pins (32-53). */
const BANK1_MASK = (1 << (GPIO_PINS - 32)) - 1;

/**
 * gpio_int[0] and gpio_int[1] on the interrupt controller (section 7.5): the same numbers as
 * IRQ_GPIO_0/1 in drivers/irq/bcm2835.ts (test/drivers/gpio/bcm2835.test.ts checks), written out so
 * that this module does not pull the interrupt controller's declaration into every bundle.
 */
const IRQ_GPIO_BANK0 = 49;
const IRQ_GPIO_BANK1 = 50;

export type GpioFunction = "input" | "output" | "alt0" | "alt1" | "alt2" | "alt3" | "alt4" | "alt5";
export type GpioPull = "none" | "down" | "up";
export type GpioBank = 0 | 1;

/** GPFSEL codes (6.1, table 6-2): index = the 3-bit value. Note ALT4 = 011 and ALT5 = 010. */
const FUNCTIONS: readonly GpioFunction[] = ["input", "output", "alt5", "alt4", "alt0", "alt1", "alt2", "alt3"];


/** The set-up and hold time of the pull-up/down sequence in cycles (6.1, GPPUDCLK steps 2 and 4). */
const PUD_CYCLES = 150;

/** `base`: physical base address of the GPIO block (0x20200000 on BCM2835). */
export interface Bcm2835GpioOptions extends DeviceOptions {
  /**
   * Waits at least `cycles` core clock cycles (the pull-up/down sequence's set-up and hold). The
   * default reads GPLEV0 `cycles` times: every read crosses the peripheral bus, which runs on the
   * core clock, so it takes at least one cycle whatever the CPU's speed. That is ~300 reads per
   * setPull(); a board with a fine timer can pass something cheaper, and tests pass a recorder.
   */
  readonly delay?: (cycles: number) => void;
}

export class Bcm2835Gpio implements DigitalPort {
  readonly base: number;
  private readonly delay?: (cycles: number) => void;
  private readonly regs: Bcm2835GpioRegisters;

  constructor(options: Bcm2835GpioOptions) {
    this.base = options.base;
    this.delay = options.delay;
    this.regs = GPIO_REGS.at(options.base, options.bus);
  }

  /** The register block, for what this driver does not wrap. */
  get registers(): Bcm2835GpioRegisters {
    return this.block();
  }

  /**
   * Disables every pin's event detectors and clears pending events, as Linux's pinctrl-bcm2835
   * does at probe: a level detector left enabled by an earlier stage would otherwise raise the
   * bank's interrupt again as soon as it is cleared. Functions, outputs and pulls are left as they
   * are (the console UART's pins, for one, were set up before this runs).
   */
  init(): void {
    const r = this.block();
    for (let bank = 0; bank < 2; bank++) {
      r.GPREN.at(bank).write(0);
      r.GPFEN.at(bank).write(0);
      r.GPHEN.at(bank).write(0);
      r.GPLEN.at(bank).write(0);
      r.GPAREN.at(bank).write(0);
      r.GPAFEN.at(bank).write(0);
    }
    r.GPEDS.at(0).write(0xffff_ffff);
    r.GPEDS.at(1).write(BANK1_MASK);
  }

  /** Selects the pin's function (GPFSELn, read-modify-write of its 3 bits). */
  setFunction(pin: number, fn: GpioFunction): void {
    checkPin(pin);
    const code = FUNCTIONS.indexOf(fn);
    if (code < 0) throw new RangeError(`Bcm2835Gpio: unknown function ${String(fn)}`);
    const word = (pin / 10) | 0;
    const shift = (pin - word * 10) * 3;
    this.block().GPFSEL.at(word).modify(GPFSEL.FSEL0 << shift, code << shift);
  }

  getFunction(pin: number): GpioFunction {
    checkPin(pin);
    const word = (pin / 10) | 0;
    return FUNCTIONS[(this.block().GPFSEL.at(word).read() >>> ((pin - word * 10) * 3)) & GPFSEL.FSEL0];
  }

  /** Drives an output pin high (GPSETn) or low (GPCLRn): one write, no read. */
  write(pin: number, value: 0 | 1 | boolean): void {
    checkPin(pin);
    const r = this.block();
    (value ? r.GPSET : r.GPCLR).at(pin >>> 5).write(1 << (pin & 31));
  }

  /** The pin's level (GPLEVn): the pad, so for an output the level it drives. */
  read(pin: number): 0 | 1 {
    checkPin(pin);
    return ((this.block().GPLEV.at(pin >>> 5).read() >>> (pin & 31)) & 1) as 0 | 1;
  }

  /**
   * Sets the pin's pull resistor with the sequence of 6.1 (GPPUDCLKn): write GPPUD, wait 150
   * cycles, clock the pin with GPPUDCLKn, wait 150 cycles, then remove the control signal and the
   * clock. The pad keeps the setting; it cannot be read back.
   */
  setPull(pin: number, pull: GpioPull): void {
    checkPin(pin);
    const pud = pull === "none" ? GPPUD_PUD.OFF : pull === "down" ? GPPUD_PUD.DOWN : pull === "up" ? GPPUD_PUD.UP : -1;
    if (pud < 0) throw new RangeError(`Bcm2835Gpio: unknown pull ${String(pull)}`);
    const gppud = this.block().GPPUD;
    const clk = this.block().GPPUDCLK.at(pin >>> 5);
    gppud.write(pud);
    this.wait(PUD_CYCLES);
    clk.write(1 << (pin & 31));
    this.wait(PUD_CYCLES);
    gppud.write(GPPUD_PUD.OFF);
    clk.write(0);
  }

  /**
   * Enables or disables the pin's synchronous rising and falling edge detectors (GPRENn, GPFENn;
   * an absent edge is disabled). A detected edge sets the pin's GPEDSn bit.
   */
  setEdge(pin: number, edges: { readonly rising?: boolean; readonly falling?: boolean }): void {
    checkPin(pin);
    const bank = pin >>> 5;
    const bit = 1 << (pin & 31);
    const ren = this.block().GPREN.at(bank);
    const fen = this.block().GPFEN.at(bank);
    ren.write(edges.rising ? ren.read() | bit : ren.read() & ~bit);
    fen.write(edges.falling ? fen.read() | bit : fen.read() & ~bit);
  }

  /**
   * The bank's pending events (GPEDSn), cleared: writes back exactly the bits it read, so an event
   * that arrives in between stays pending (and keeps the interrupt raised).
   */
  takeEvents(bank: GpioBank): number {
    const eds = this.block().GPEDS.at(checkBank(bank));
    const bits = eds.read();
    if (bits !== 0) eds.write(bits);
    return bits;
  }

  /** Clears the events in `bits` of the bank (GPEDSn is write-1-to-clear; 0 bits are left alone). */
  clearEvents(bank: GpioBank, bits: number): void {
    this.block().GPEDS.at(checkBank(bank)).write(bits);
  }

  /** The interrupt controller line of the pin's bank: gpio_int[0] = 49, gpio_int[1] = 50 (7.5). */
  interruptLine(pin: number): number {
    checkPin(pin);
    return pin < 32 ? IRQ_GPIO_BANK0 : IRQ_GPIO_BANK1;
  }

  private wait(cycles: number): void {
    const delay = this.delay;
    if (delay !== undefined) {
      delay(cycles);
      return;
    }
    const lev = this.block().GPLEV.at(0);
    for (let i = 0; i < cycles; i++) lev.read();
  }

  private block(): Bcm2835GpioRegisters {
    if (!this.base) throw new Error("Bcm2835Gpio: invalid base address");
    return this.regs;
  }
}

function checkPin(pin: number): void {
  // (x >>> 0) === x holds exactly for the integers 0..2^32-1.
  if (pin >>> 0 !== pin || pin >= GPIO_PINS) {
    throw new RangeError(`Bcm2835Gpio: pin ${pin} is not a GPIO pin (0..${GPIO_PINS - 1})`);
  }
}

function checkBank(bank: number): number {
  if (bank !== 0 && bank !== 1) throw new RangeError(`Bcm2835Gpio: bank ${bank} is not 0 or 1`);
  return bank;
}
