/**
 * The services of an i.MX6UL/ULL board (tsmetal's board()): console serial input (UART receive
 * interrupts through the GIC), board facts (the OCOTP unique ID, DIGPROG), the WDOG1 watchdog,
 * GPIO pins as ECMA-419 Digital, the ULL's RNGB (or the UL's CAAM TRNG) behind
 * crypto.getRandomValues() (and the RNGB behind Math.random's seed),
 * the SNVS real-time counter as the wall clock when it runs, and the ENET as network().
 */
import { clock, cpu, irq } from "hal";
import { installCrypto } from "../../runtime/crypto.ts";
import { ImxOcotp } from "../../drivers/otp/imx-ocotp.ts";
import { ImxRngb } from "../../drivers/rng/imx-rngb.ts";
import { ImxCaam } from "../../drivers/crypto/imx-caam.ts";
import { ImxSnvs } from "../../drivers/rtc/imx-snvs.ts";
import "../../hal/mmio-bus.ts";
import { serialOpener, type BoardInfo, type BoardServices } from "../../io/board-services.ts";
import { Digital } from "../../io/digital.ts";
import { ImxGpio } from "../../drivers/gpio/imx-gpio.ts";
import { ImxWdog } from "../../drivers/watchdog/imx-wdog.ts";
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import type * as NetworkUnit from "./network-unit.ts";
import { loadNetworkUnit } from "../network-unit.ts";
import type * as DiskUnit from "./disk-unit.ts";
import { loadDiskUnit } from "../disk-unit.ts";
import {
  IMX6UL_CAAM_BASE, IMX6UL_GPIO_BASES, IMX6UL_OCOTP_BASE, IMX6UL_SNVS_HP_BASE, IMX6UL_WDOG_BASES, IMX6ULL_RNGB_BASE, IRQ_GPIO_HIGH, IRQ_GPIO_LOW,
  imx6ulDigprog, isImx6ull, type Imx6ul,
} from "./imx6ul.ts";


/**
 * The services of board `name`; `soc()` is the board module's SoC, its console UART initialised at
 * boot, with the UART's interrupt line.
 */
export function imx6ulServices(name: string, soc: () => Pick<Imx6ul, "console" | "consoleLine">): BoardServices {
  let gpio: ImxGpio | undefined;
  const digprog = imx6ulDigprog();
  // The RNGB exists on the ULL/ULZ only, and seeds Math.random at once. An i.MX6UL has its
  // CAAM's TRNG instead, started on the first crypto.getRandomValues(): QEMU's machine is a UL
  // whose CAAM is not modelled, so there it fails then (at once: ImxCaam.init sees no TRNG),
  // not when the loop starts.
  if (isImx6ull(digprog)) {
    const rng = new ImxRngb({ base: IMX6ULL_RNGB_BASE });
    rng.init();
    installCrypto((bytes) => rng.fill(bytes));
    cpu.seedRandom(rng.read32(), rng.read32());
  } else {
    let caam: ImxCaam | undefined;
    installCrypto((bytes) => {
      if (!caam) {
        const c = new ImxCaam({ base: IMX6UL_CAAM_BASE, timeoutMs: 2000, now: () => performance.now() });
        c.init();
        caam = c;
      }
      caam.fill(bytes);
    });
  }
  // The SNVS secure real-time counter keeps time across resets (on the coin cell where there is
  // one); Date follows it when somebody has started it.
  const snvs = new ImxSnvs({ base: IMX6UL_SNVS_HP_BASE });
  if (snvs.rtcRunning()) clock.setTime(snvs.rtcMillis());
  const ocotp = new ImxOcotp({ base: IMX6UL_OCOTP_BASE });
  let openSerial: BoardServices["openSerial"] | undefined;
  let nic: NetworkInterface | undefined;
  let disk: ReturnType<NonNullable<BoardServices["disk"]>> | undefined;
  return {
    // The board's ENET (board.json config.enet), started on the first call; later calls return it.
    network: () => (nic ??= loadNetworkUnit<typeof NetworkUnit>().openNetwork()),
    // The card in uSDHC1 (the "disk" unit, in firmware that keeps files only).
    disk: () => (disk ??= loadDiskUnit<typeof DiskUnit>().openDisk()),
    name,
    openSerial: (options) => (openSerial ??= serialOpener(soc().console, irq, soc().consoleLine, "console UART"))(options),
    info(): BoardInfo {
      return { board: name, revision: digprog, serial: ocotp.uniqueId(), clocks: { timer: clock.hz() } };
    },
    watchdog: new ImxWdog({ base: IMX6UL_WDOG_BASES[0] }),
    /** Pins are 32 * (n - 1) + m for GPIOn_IOm; the pad must be muxed to GPIO (ALT5) in the IOMUXC. */
    openDigital(options) {
      if (!gpio) {
        gpio = new ImxGpio({ bases: IMX6UL_GPIO_BASES, lines: IRQ_GPIO_LOW.map((low, i) => [low, IRQ_GPIO_HIGH[i]] as const) });
        gpio.init();
      }
      return new Digital({ ...options, gpio, irq });
    },
  };
}
