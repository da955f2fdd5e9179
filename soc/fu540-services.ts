/**
 * The services of an FU540 board (tsmetal's board()): console serial input (UART0 RX
 * interrupts through the PLIC) and board facts (the OTP serial number, the PRCI's clock rates).
 * The FU540 has no hardware random number generator and no watchdog a firmware should use here,
 * so crypto.getRandomValues() reports that the board has no random source.
 */
import { irq } from "hal";
import "../hal/mmio-bus.ts";
import { serialOpener, type BoardInfo, type BoardServices } from "../hal/board-services.ts";
import type { SerialPort } from "../hal/io/serial.ts";
import { SifiveOtp } from "../drivers/otp/sifive-otp.ts";
import type { SifivePrci } from "../drivers/clock/sifive-prci.ts";
import { FU540_RTC_HZ } from "../drivers/timer/clint.ts";
import { IRQ_UART0, OTP_BASE } from "./fu540.ts";

export interface Fu540ServicesOptions {
  readonly name: string;
  /** The board module's console UART and PRCI (initialised at boot). */
  readonly console: () => SerialPort;
  readonly prci: () => SifivePrci;
}

export function fu540Services(o: Fu540ServicesOptions): BoardServices {
  let openSerial: BoardServices["openSerial"] | undefined;
  const otp = new SifiveOtp({ base: OTP_BASE });
  return {
    name: o.name,
    openSerial: (options) => (openSerial ??= serialOpener(o.console(), irq, IRQ_UART0, "console UART"))(options),
    info(): BoardInfo {
      const prci = o.prci();
      const serial = otp.serialNumber();
      return {
        board: o.name,
        ...(serial === undefined ? {} : { serial: serial.toString(16).padStart(8, "0") }),
        clocks: { hfclk: prci.refHz, core: prci.coreHz(), tlclk: prci.tlclkHz(), rtc: FU540_RTC_HZ },
      };
    },
  };
}
