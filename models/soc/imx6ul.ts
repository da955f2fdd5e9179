/**
 * The i.MX6ULL's blocks that the i.MX6UL family's board modules use, as models at their addresses
 * (i.MX6ULL RM, "Memory Maps" and "Interrupts and DMA Events": interrupt n is GIC ID 32 + n),
 * wired as on the chip: UART1-8 and GPIO1-5 into the Cortex-A7's GIC (A7 MPCore block at
 * 0x00A00000), WDOG1-3 resetting the SoC, SNVS, OCOTP and the RNGB, and DIGPROG saying i.MX6ULL
 * (the USB armory Mk II's i.MX6ULZ and the EVK's i.MX6ULL both read 0x65 in its major field).
 * The ARM generic timer is the CPU's own timer, at the 8 MHz the firmware programs the system
 * counter to (its control frame, like the CCM and IOMUXC, is plain register storage: the board
 * modules only write it). The simulator's machine for the imx6ul family (models/machines.ts).
 */
import { MemoryBus } from "../memory-bus.ts";
import type { SimGpio, SimMachine } from "../machine.ts";
import { GicV2Model } from "../irq/arm-gicv2.ts";
import { ImxUartModel } from "../uart/imx-uart.ts";
import { ImxGpioModel } from "../gpio/imx-gpio.ts";
import { ImxWdogModel } from "../watchdog/imx-wdog.ts";
import { ImxSnvsModel } from "../rtc/imx-snvs.ts";
import { ImxOcotpModel } from "../otp/imx-ocotp.ts";
import { ImxRngbModel } from "../rng/imx-rngb.ts";
import { SdhciModel } from "../sd/sdhci.ts";
import { cardInSlot } from "../sd/slot.ts";

const GICD = 0x00a0_1000, GICC = 0x00a0_2000, GIC_LINES = 160;
/** UART1..UART8 and their interrupts (RM: 26, 27, 28, 29, 30, 17, 39, 40). */
const UARTS = [0x0202_0000, 0x021e_8000, 0x021e_c000, 0x021f_0000, 0x021f_4000, 0x021f_c000, 0x0201_8000, 0x0202_4000];
const UART_IRQS = [26, 27, 28, 29, 30, 17, 39, 40];
/** GPIO1..GPIO5, their combined interrupts for pins 0-15 (66, 68, ...) and 16-31 (67, 69, ...), and their pins (RM, "GPIO": GPIO1_IO00-31, GPIO2_IO00-21, GPIO3_IO00-28, GPIO4_IO00-28, GPIO5_IO00-11). */
const GPIOS = [0x0209_c000, 0x020a_0000, 0x020a_4000, 0x020a_8000, 0x020a_c000];
const GPIO_IRQ_LOW = 66;
const GPIO_PINS = [32, 22, 29, 29, 12];
const WDOGS = [0x020b_c000, 0x020c_0000, 0x021e_4000];
const SNVS_HP = 0x020c_c000, OCOTP = 0x021b_c000, RNGB = 0x0228_4000;
/** uSDHC1, the Mk II's microSD slot, where QEMU's mcimx6ul-evk puts -drive if=sd,index=0. */
const USDHC1 = 0x0219_0000;
/** USB_ANALOG_DIGPROG: major 0x65 (i.MX6ULL / ULZ), minor 0 (silicon rev 1.0). */
const DIGPROG = 0x020c_8260, DIGPROG_IMX6ULL = 0x65_0000;
const SYSTEM_COUNTER_HZ = 8_000_000;
const spi = (n: number): number => 32 + n;

export interface Imx6ulMachineOptions {
  /** The console's UART number (board.json config.consoleUart, 1-8). */
  readonly consoleUart: number;
  /** The microSD card's bytes (npm run sim --disk), kept, so writes land in it; none is an empty slot. */
  readonly disk?: Uint8Array;
}

export class Imx6ulMachine implements SimMachine {
  readonly bus = new MemoryBus({ logLimit: 0 });
  readonly gic: GicV2Model;
  readonly uarts: ImxUartModel[];
  readonly gpio: ImxGpioModel[];
  readonly wdogs: ImxWdogModel[];
  readonly snvs: ImxSnvsModel;
  readonly ocotp: ImxOcotpModel;
  readonly rngb: ImxRngbModel;
  readonly usdhc1: SdhciModel;
  /** The A7 MPCore block (GIC) and AIPS-1 to AIPS-3 (RM, "System memory map"). */
  readonly mapped = [
    { base: 0x00a0_0000, size: 0x10_0000 },
    { base: 0x0200_0000, size: 0x30_0000 },
  ];
  readonly cpuTimer = { hz: SYSTEM_COUNTER_HZ, ticks: () => Math.floor((this.us * SYSTEM_COUNTER_HZ) / 1e6) };
  readonly pins: SimGpio;
  resetRequested = false;
  private readonly consoleIndex: number;
  private us = 0;

  constructor(options: Imx6ulMachineOptions) {
    this.consoleIndex = options.consoleUart - 1;
    if (!(Number.isInteger(this.consoleIndex) && this.consoleIndex >= 0 && this.consoleIndex < UARTS.length)) {
      throw new RangeError(`Imx6ulMachine: there is no UART${options.consoleUart} (1-8)`);
    }
    this.gic = new GicV2Model(this.bus, GICD, GICC, GIC_LINES);
    this.uarts = UARTS.map((base, i) => new ImxUartModel(this.bus, base, { onIrq: (level) => this.gic.setLine(spi(UART_IRQS[i]), level) }));
    this.gpio = GPIOS.map((base, i) => new ImxGpioModel(this.bus, base, {
      onIrq: (low, high) => {
        this.gic.setLine(spi(GPIO_IRQ_LOW + 2 * i), low);
        this.gic.setLine(spi(GPIO_IRQ_LOW + 2 * i + 1), high);
      },
    }));
    const onReset = () => { this.resetRequested = true; };
    this.wdogs = WDOGS.map((base) => new ImxWdogModel(this.bus, base, { onReset }));
    this.snvs = new ImxSnvsModel(this.bus, SNVS_HP);
    this.ocotp = new ImxOcotpModel(this.bus, OCOTP);
    this.rngb = new ImxRngbModel(this.bus, RNGB);
    // No DMA memory in this machine: the capabilities offer none and the driver uses PIO.
    this.usdhc1 = new SdhciModel(this.bus, USDHC1, cardInSlot(options.disk), { variant: "usdhc" });
    this.bus.onRead(DIGPROG, () => DIGPROG_IMX6ULL);
    this.bus.onWrite(DIGPROG, () => {});
    this.pins = {
      numbering: "32 * (n - 1) + m for GPIOn_IOm",
      check: (pin) => {
        const block = pin >>> 5;
        return Number.isInteger(pin) && pin >= 0 && block < GPIO_PINS.length && (pin & 31) < GPIO_PINS[block];
      },
      drive: (pin, level) => this.gpio[pin >>> 5].drive(pin & 31, level ? 1 : 0),
    };
  }

  advance(us: number): void {
    this.us += us;
    for (const w of this.wdogs) w.advance(us);
  }

  nextEventIn(): number | undefined {
    let next: number | undefined;
    for (const w of this.wdogs) {
      const n = w.nextEventIn();
      if (n !== undefined) next = Math.min(next ?? Infinity, n);
    }
    return next;
  }

  irqAsserted(): boolean {
    return this.gic.irq;
  }

  get console(): ImxUartModel {
    return this.uarts[this.consoleIndex];
  }
}
