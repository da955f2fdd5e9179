/**
 * The services of a PC-compatible VM (tsmetal's board()): console serial input (COM1's receive
 * interrupts through the I/O APIC), board facts (the calibrated TSC frequency), and
 * crypto.getRandomValues() from the CPU's RDRAND where the CPU has it (hal.cpu.random32), which
 * also reseeds Math.random. Without RDRAND, crypto.getRandomValues() reports that the board has
 * no random source. No watchdog, GPIO or display.
 */
import { clock, cpu, irq } from "hal";
import { serialOpener, type BoardInfo, type BoardServices } from "../../io/board-services.ts";
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import type * as NetworkUnit from "./network-unit.ts";
import { loadNetworkUnit } from "../network-unit.ts";
import type * as DiskUnit from "./disk-unit.ts";
import { loadDiskUnit } from "../disk-unit.ts";
import type { BlockDevice } from "../../drivers/block/block-device.ts";
import { installCrypto } from "../../runtime/crypto.ts";
import { IRQ_COM1, type PcLegacy } from "./pc-legacy.ts";

/** Fills `bytes` from hal.cpu.random32, four bytes per call. */
function fillFromCpu(random32: () => number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    let v = random32();
    for (let j = i; j < Math.min(i + 4, bytes.length); j++, v >>>= 8) bytes[j] = v & 0xff;
  }
}


/**
 * The services of board `name`; `soc()` is the board module's devices, COM1 initialised at boot;
 * `configureLevel(gsi)` sets an I/O APIC input level-triggered (the loop unit's I/O APIC).
 */
export function pcServices(name: string, soc: () => Pick<PcLegacy, "com1">, configureLevel: (gsi: number) => void): BoardServices {
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
  let nic: NetworkInterface | undefined;
  let blk: BlockDevice | undefined;
  return {
    // The first virtio network device, started on the first call; later calls return it.
    network: () => (nic ??= loadNetworkUnit<typeof NetworkUnit>().openNetwork(configureLevel)),
    // The first virtio block device (the "disk" unit, in firmware that keeps files only).
    disk: () => (blk ??= loadDiskUnit<typeof DiskUnit>().openDisk(configureLevel)),
    name,
    openSerial: (options) => (openSerial ??= serialOpener(soc().com1, irq, IRQ_COM1, "console UART"))(options),
    info(): BoardInfo {
      return { board: name, clocks: { tsc: clock.hz() } };
    },
  };
}
