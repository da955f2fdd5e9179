/**
 * The Linux boards' services (tsmetal's board(); docs/boards/linux.md): serial input on the PL011
 * of the simulated register space, interrupt-driven through its banked controller
 * (soc/linux/virt-map.ts; `npm run linux` serves them, models/soc/linux-virt.ts). The controller
 * and the UART are set up on the first openSerial(), not when the loop starts, so a firmware that
 * never opens it makes no register access and also runs without the host (the executable started
 * on its own has an empty register space).
 */
import { irq } from "hal";
import "../../hal/mmio-bus.ts";
import { serialOpener, type BoardServices } from "../../io/board-services.ts";
import { Bcm2835Irq } from "../../drivers/irq/bcm2835.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";
import { VIRT_INTC_BASE, VIRT_UART_BASE, VIRT_UART_CLOCK_HZ, VIRT_UART_LINE } from "./virt-map.ts";

export function linuxServices(name: string): BoardServices {
  let openSerial: BoardServices["openSerial"] | undefined;
  const attach = (): BoardServices["openSerial"] => {
    const intc = new Bcm2835Irq({ base: VIRT_INTC_BASE });
    intc.init();
    irq.attach(intc.description());
    const uart = new Pl011({ base: VIRT_UART_BASE, clockHz: VIRT_UART_CLOCK_HZ });
    uart.init({ baud: 115200 });
    return serialOpener(uart, irq, VIRT_UART_LINE, "simulated UART");
  };
  return {
    name,
    openSerial: (options) => (openSerial ??= attach())(options),
  };
}
