/**
 * The Linux boards' services (tsmetal's board(); docs/boards/linux.md): serial input on the PL011
 * of the simulated register space, interrupt-driven through its banked controller
 * (soc/linux/virt-map.ts; `npm run linux` serves them, models/soc/linux-virt.ts), and
 * crypto.getRandomValues() from the kernel's getrandom(2). The controller
 * and the UART are set up on the first openSerial(), not when the loop starts, so a firmware that
 * never opens it makes no register access and also runs without the host (the executable started
 * on its own has an empty register space).
 */
import { cpu, irq } from "hal";
import { installCrypto } from "../../runtime/crypto.ts";
import "../../hal/mmio-bus.ts";
import { serialOpener, type BoardServices } from "../../io/board-services.ts";
import { Bcm2835Irq } from "../../drivers/irq/bcm2835.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";
import { VIRT_INTC_BASE, VIRT_UART_BASE, VIRT_UART_CLOCK_HZ, VIRT_UART_LINE } from "./virt-map.ts";

/** Fills `bytes` from hal.cpu.random32 (getrandom(2), hal/arch/linux/random.c), four bytes per call. */
function fillFromKernel(random32: () => number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    let v = random32();
    for (let j = i; j < i + 4 && j < bytes.length; j++, v >>>= 8) bytes[j] = v & 0xff;
  }
}

export function linuxServices(name: string): BoardServices {
  // crypto.getRandomValues() from the kernel; nothing is drawn until it is called.
  const random32 = cpu.random32;
  if (random32) installCrypto((bytes) => fillFromKernel(random32, bytes));
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
