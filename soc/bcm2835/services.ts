/**
 * The services of a BCM2835/BCM2836 board (tsmetal's board()), built from the SoC's drivers on
 * first use: console serial input, board facts and the display through the VideoCore mailbox, the
 * hardware RNG behind crypto.getRandomValues() and Math.random, the PM watchdog, GPIO pins as
 * Digital. Lives in the board's loop unit, which also has the interrupt controller.
 */
import { barrier, cpu, dma, irq, mmio } from "hal";
import "../../hal/mmio-bus.ts";
import { serialOpener, type BoardInfo, type BoardServices } from "../../io/board-services.ts";
import { Digital } from "../../io/digital.ts";
import { Canvas } from "../../drivers/video/graphics/canvas.ts";
import { installCrypto } from "../../runtime/crypto.ts";
import { IRQ_UART0 } from "../../drivers/irq/bcm2835.ts";
import { Bcm2835Mailbox, readBoardInfo } from "../../drivers/mailbox/bcm2835.ts";
import { Bcm2835Rng } from "../../drivers/rng/bcm2835.ts";
import { Bcm2835Watchdog } from "../../drivers/watchdog/bcm2835-watchdog.ts";
import { Bcm2835Gpio } from "../../drivers/gpio/bcm2835.ts";
import { Bcm2835Framebuffer } from "../../drivers/video/bcm2835-fb.ts";
import type { Bcm2835 } from "./bcm2835.ts";
import type * as DiskUnit from "./disk-unit.ts";
import { loadDiskUnit } from "../disk-unit.ts";

// Offsets from the peripheral base (BCM2835 ARM Peripherals; mailbox: the firmware wiki).
const MAILBOX_OFFSET = 0xb880;
const RNG_OFFSET = 0x10_4000;
const PM_OFFSET = 0x10_0000;
const GPIO_OFFSET = 0x20_0000;

export interface Bcm2835ServicesOptions {
  readonly peripheralBase: number;
  /** VideoCore bus alias of ARM RAM: 0x40000000 on BCM2835, 0xC0000000 on BCM2836. */
  readonly busAlias: number;
}

/** The services of board `name`; `soc()` is the board module's SoC, its UART0 initialised at boot. */
export function bcm2835Services(name: string, soc: () => Pick<Bcm2835, "uart0">, o: Bcm2835ServicesOptions): BoardServices {
  const base = o.peripheralBase;
  let mailbox: Bcm2835Mailbox | undefined;
  let gpio: Bcm2835Gpio | undefined;
  let canvas: Canvas | undefined;
  let disk: ReturnType<NonNullable<BoardServices["disk"]>> | undefined;
  const mbox = () => (mailbox ??= new Bcm2835Mailbox({ base: base + MAILBOX_OFFSET, dma, busAlias: o.busAlias, barrier: barrier.dsb }));
  const watchdog = new Bcm2835Watchdog({ base: base + PM_OFFSET });

  // The hardware RNG backs crypto.getRandomValues() and reseeds Math.random, whose seed would
  // otherwise be the engine snapshot's, the same on every boot.
  const rng = new Bcm2835Rng({ base: base + RNG_OFFSET });
  rng.init();
  installCrypto((bytes) => rng.fill(bytes));
  cpu.seedRandom(rng.read32(), rng.read32());

  let openSerial: BoardServices["openSerial"] | undefined;
  return {
    name,
    openSerial: (options) => (openSerial ??= serialOpener(soc().uart0, irq, IRQ_UART0, "console UART"))(options),
    info(): BoardInfo {
      const i = readBoardInfo(mbox());
      return {
        board: name,
        revision: i.revision,
        serial: i.serial.toString(16),
        memory: i.armMemory,
        clocks: { arm: i.clocks.arm, core: i.clocks.core, uart: i.clocks.uart },
      };
    },
    watchdog,
    // The SD card on the Arasan SDHCI (the family's "disk" unit, in firmware that keeps files only).
    disk: () => (disk ??= loadDiskUnit<typeof DiskUnit>().openDisk(base, o.busAlias)),
    openDigital(options) {
      if (!gpio) {
        gpio = new Bcm2835Gpio({ base: base + GPIO_OFFSET });
        gpio.init();
      }
      return new Digital({ ...options, gpio, irq });
    },
    framebuffer(options = {}) {
      if (canvas) return canvas;
      const fb = new Bcm2835Framebuffer({ mailbox: mbox(), width: options.width ?? 640, height: options.height ?? 480, depth: options.depth, sink: mmio });
      fb.init();
      return (canvas = new Canvas(fb));
    },
  };
}
