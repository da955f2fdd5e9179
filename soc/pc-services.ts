/**
 * The services of a PC-compatible VM (tsmetal's board()): console serial input (COM1's receive
 * interrupts through the I/O APIC), board facts (the calibrated TSC frequency), and
 * crypto.getRandomValues() from the CPU's RDRAND where the CPU has it (hal.cpu.random32), which
 * also reseeds Math.random. Without RDRAND, crypto.getRandomValues() reports that the board has
 * no random source. No watchdog, GPIO or display.
 */
import { clock, cpu, irq } from "hal";
import { serialOpener, type BoardInfo, type BoardServices } from "../hal/board-services.ts";
import { installCrypto } from "../hal/crypto.ts";
import type { SerialPort } from "../hal/io/serial.ts";
import { IRQ_COM1 } from "./pc-legacy.ts";

export interface PcServicesOptions {
  readonly name: string;
  /** The board module's console UART (initialised at boot). */
  readonly console: () => SerialPort;
}

/** Fills `bytes` from hal.cpu.random32, four bytes per call. */
function fillFromCpu(random32: () => number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    let v = random32();
    for (let j = i; j < Math.min(i + 4, bytes.length); j++, v >>>= 8) bytes[j] = v & 0xff;
  }
}

export function pcServices(o: PcServicesOptions): BoardServices {
  const random32 = cpu.random32;
  if (random32) {
    let seeded = false;
    try {
      cpu.seedRandom(random32(), random32());
      seeded = true;
    } catch {
      // No RDRAND (or it keeps failing): crypto keeps the engine's "no random number source"
      // placeholder rather than a weak source.
    }
    if (seeded) installCrypto((bytes) => fillFromCpu(random32, bytes));
  }
  let openSerial: BoardServices["openSerial"] | undefined;
  return {
    name: o.name,
    openSerial: (options) => (openSerial ??= serialOpener(o.console(), irq, IRQ_COM1, "console UART"))(options),
    info(): BoardInfo {
      return { board: o.name, clocks: { tsc: clock.hz() } };
    },
  };
}
