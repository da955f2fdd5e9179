/**
 * The services of an FU540 board (tsmetal's board()): console serial input (UART0 RX
 * interrupts through the PLIC) and board facts (the OTP serial number, the PRCI's clock rates).
 * The FU540 has no hardware random number generator and no watchdog a firmware should use here,
 * so crypto.getRandomValues() reports that the board has no random source. board().network() is
 * the Cadence GEM (soc/fu540/network-unit.ts, the image unit "network", loaded on first use).
 */
import { irq } from "hal";
import "../../hal/mmio-bus.ts";
import { serialOpener, type BoardInfo, type BoardServices } from "../../io/board-services.ts";
import { SifiveOtp } from "../../drivers/otp/sifive-otp.ts";
import { FU540_RTC_HZ } from "../../drivers/timer/clint.ts";
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import type * as NetworkUnit from "./network-unit.ts";
import { loadNetworkUnit } from "../network-unit.ts";
import type * as DiskUnit from "./disk-unit.ts";
import { loadDiskUnit } from "../disk-unit.ts";
import { IRQ_UART0, OTP_BASE, type Fu540 } from "./fu540.ts";


/** The services of board `name`; `soc()` is the board module's SoC, its UART0 and PRCI initialised at boot. */
export function fu540Services(name: string, soc: () => Pick<Fu540, "uart0" | "prci">): BoardServices {
  const otp = new SifiveOtp({ base: OTP_BASE });
  let openSerial: BoardServices["openSerial"] | undefined;
  let nic: NetworkInterface | undefined;
  let disk: ReturnType<NonNullable<BoardServices["disk"]>> | undefined;
  return {
    // The GEM, started on the first call; later calls return it.
    network: () => (nic ??= loadNetworkUnit<typeof NetworkUnit>().openNetwork(soc().prci)),
    // The SD card on QSPI2 (the "disk" unit, in firmware that keeps files only).
    disk: () => (disk ??= loadDiskUnit<typeof DiskUnit>().openDisk(soc().prci.tlclkHz())),
    name,
    openSerial: (options) => (openSerial ??= serialOpener(soc().uart0, irq, IRQ_UART0, "console UART"))(options),
    info(): BoardInfo {
      const prci = soc().prci;
      const serial = otp.serialNumber();
      return {
        board: name,
        ...(serial === undefined ? {} : { serial: serial.toString(16).padStart(8, "0") }),
        clocks: { hfclk: prci.refHz, core: prci.coreHz(), tlclk: prci.tlclkHz(), rtc: FU540_RTC_HZ },
      };
    },
  };
}
