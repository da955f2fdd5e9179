/**
 * The BCM2835's peripherals as models at their addresses (BCM2835 ARM Peripherals), wired as on
 * the chip: system timer channels and UART0 into the interrupt controller, the PM watchdog's
 * reset, the VideoCore mailbox answering property requests in DMA memory. The simulator's machine
 * for the BCM2835 family (models/machines.ts).
 */
import { MemoryBus } from "../memory-bus.ts";
import type { SimGpio, SimMachine } from "../machine.ts";
import { Pl011Model } from "../uart/pl011.ts";
import { Bcm2835SysTimerModel } from "../timer/bcm2835-systimer.ts";
import { Bcm2835IrqModel } from "../irq/bcm2835.ts";
import { Bcm2835GpioModel } from "../gpio/bcm2835.ts";
import { Bcm2835RngModel } from "../rng/bcm2835.ts";
import { Bcm2835WatchdogModel } from "../watchdog/bcm2835-pm.ts";
import { Bcm2835MailboxModel, type PropertyValues } from "../mailbox/bcm2835.ts";
import { SimDma } from "../dma.ts";
import { SdhciModel } from "../sd/sdhci.ts";
import { cardInSlot } from "../sd/slot.ts";

// Offsets from the peripheral base (ARM Peripherals: 7.5, 12.1, 13.4, 6.1; PM and RNG: Linux).
const MAILBOX = 0xb880, IRQ = 0xb200, SYSTIMER = 0x3000, UART0 = 0x20_1000, GPIO = 0x20_0000, RNG = 0x10_4000, PM = 0x10_0000;
/** The Arasan SDHCI "EMMC" (ARM Peripherals 5.1), where QEMU's raspi machines put -drive if=sd. */
const EMMC = 0x30_0000;
/** GPU interrupt lines (7.5): the system timer's channels are lines 0-3, UART0 57, GPIO 49-50. */
const LINE_UART0 = 57, LINE_GPIO0 = 49;
/** Where the firmware's DMA region is (any RAM address serves: devices see it through `dma`). */
const DMA_START = 0x1be0_0000, DMA_SIZE = 0x10_0000;
/** What the peripheral window spans (ARM Peripherals 1.2.3: 16 MiB). */
const PERIPHERAL_SIZE = 0x100_0000;

export class Bcm2835Machine implements SimMachine {
  readonly bus = new MemoryBus({ logLimit: 0 });
  readonly intc: Bcm2835IrqModel;
  readonly systimer: Bcm2835SysTimerModel;
  readonly uart0: Pl011Model;
  readonly gpio: Bcm2835GpioModel;
  readonly rng: Bcm2835RngModel;
  readonly watchdog: Bcm2835WatchdogModel;
  readonly mailbox: Bcm2835MailboxModel;
  /** The SD slot's controller: a card with --disk, empty without (as QEMU without a drive). */
  readonly emmc: SdhciModel;
  readonly dma = new SimDma(DMA_START, DMA_SIZE);
  readonly mapped: Array<{ base: number; size: number }>;
  resetRequested = false;
  /** GPIO 0-53 (ARM Peripherals 6.1). */
  readonly pins: SimGpio = {
    numbering: "0-53",
    check: (pin) => Number.isInteger(pin) && pin >= 0 && pin <= 53,
    drive: (pin, level) => this.gpio.drive(pin, level),
  };

  /**
   * `busAlias`: how the VideoCore sees ARM RAM (0x40000000 on BCM2835, 0xC0000000 on BCM2836);
   * `board`: the mailbox's answers where they differ from QEMU raspi0's; `disk`: the SD card's
   * bytes (npm run sim --disk), kept, so writes land in it.
   */
  constructor(peripheralBase: number, busAlias = 0x4000_0000, board: Partial<PropertyValues> = {}, disk?: Uint8Array) {
    const b = peripheralBase;
    this.mapped = [{ base: b, size: PERIPHERAL_SIZE }];
    this.intc = new Bcm2835IrqModel(this.bus, b + IRQ);
    this.systimer = new Bcm2835SysTimerModel(this.bus, b + SYSTIMER, { onIrq: (ch, level) => this.intc.setLine(ch, level) });
    this.uart0 = new Pl011Model(this.bus, b + UART0, { fifoDepth: 16, onInterrupt: (level) => this.intc.setLine(LINE_UART0, level) });
    this.gpio = new Bcm2835GpioModel(this.bus, b + GPIO, { onIrq: (bank, level) => this.intc.setLine(LINE_GPIO0 + bank, level) });
    this.rng = new Bcm2835RngModel(this.bus, b + RNG, { numbersPerStatusRead: 1 });
    this.watchdog = new Bcm2835WatchdogModel(this.bus, b + PM, { onReset: () => { this.resetRequested = true; } });
    this.mailbox = new Bcm2835MailboxModel(this.bus, b + MAILBOX, { dma: this.dma, busAlias, values: board });
    // QEMU's capabilities (no DMA): the driver moves data by PIO, as under QEMU.
    this.emmc = new SdhciModel(this.bus, b + EMMC, cardInSlot(disk));
  }

  advance(us: number): void {
    this.systimer.advance(us);
    this.watchdog.advance(us);
  }

  nextEventIn(): number | undefined {
    let next: number | undefined;
    for (let ch = 0; ch < 4; ch++) {
      if (this.intc.enabled(ch)) next = Math.min(next ?? Infinity, this.systimer.ticksUntilMatch(ch));
    }
    return next;
  }

  irqAsserted(): boolean {
    return this.intc.irq;
  }

  get console(): Pl011Model {
    return this.uart0;
  }
}
