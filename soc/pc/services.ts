/**
 * The services of a PC-compatible VM (tsmetal's board()): console serial input (COM1's receive
 * interrupts through the I/O APIC), board facts (the calibrated TSC frequency), and
 * crypto.getRandomValues() from the CPU's RDRAND where the CPU has it (hal.cpu.random32), which
 * also reseeds Math.random, mixed on uefi-x64 with a seed from EFI_RNG_PROTOCOL (entropy.ts).
 * Without either, crypto.getRandomValues() reports that the board has no random source. reboot()
 * resets the machine (hal.cpu.reset: UEFI ResetSystem on uefi-x64). On uefi-x64 the display is
 * the GOP framebuffer the loader found (efi-facts.ts). No watchdog or GPIO.
 */
import { clock, cpu, image, irq } from "hal";
import { serialOpener, type BoardInfo, type BoardServices } from "../../io/board-services.ts";
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import type * as NetworkUnit from "./network-unit.ts";
import { loadNetworkUnit } from "../network-unit.ts";
import type * as DiskUnit from "./disk-unit.ts";
import { loadDiskUnit } from "../disk-unit.ts";
import type { BlockDevice } from "../../drivers/block/block-device.ts";
import { installCrypto } from "../../runtime/crypto.ts";
import { IRQ_COM1, type PcLegacy } from "./pc-legacy.ts";
import { boardEntropy } from "./entropy.ts";
import type { EfiFacts } from "./efi-facts.ts";
import type * as EfiUnit from "./efi-unit.ts";
import type { Canvas } from "../../drivers/video/graphics/canvas.ts";
import type * as DisplayUnit from "./display-unit.ts";

/**
 * board().framebuffer() over the GOP mode the loader kept (the firmware set it for the display;
 * boot services, which could change it, are gone): 32 bits per pixel, the whole screen, or the
 * top-left `width` x `height` of it when asked for less.
 */
function gopFramebuffer(fb: NonNullable<EfiFacts["framebuffer"]>): NonNullable<BoardServices["framebuffer"]> {
  let canvas: Canvas | undefined;
  return (options = {}) => {
    if (canvas) return canvas;
    if ("unusable" in fb) throw new Error(`board().framebuffer(): ${fb.unusable}`);
    const { width = fb.width, height = fb.height, depth = 32 } = options;
    if (!(width >= 1 && width <= fb.width && height >= 1 && height <= fb.height) || depth !== 32) {
      throw new RangeError(`board().framebuffer(): ${width}x${height} at depth ${depth} does not fit the display, ${fb.width}x${fb.height} at 32 bits per pixel (the UEFI GOP mode the firmware set)`);
    }
    let unit: typeof DisplayUnit;
    try {
      unit = image.load("display") as typeof DisplayUnit;
    } catch (e) {
      throw new Error(`board().framebuffer(): this firmware image has no display unit (the build adds it when the app's code names \`framebuffer\`): ${e instanceof Error ? e.message : String(e)}`);
    }
    return (canvas = unit.openGop(fb, width, height));
  };
}

/**
 * The services of board `name`; `soc()` is the board module's devices, COM1 initialised at boot;
 * `configureLevel(gsi)` sets an I/O APIC input level-triggered (the loop unit's I/O APIC).
 */
export function pcServices(name: string, soc: () => Pick<PcLegacy, "com1">, configureLevel: (gsi: number) => void): BoardServices {
  let line = "";
  try {
    line = cpu.commandLine?.() ?? "";
  } catch {
    // Longer than the firmware copies: a VMM's, not the UEFI loader's (under 1 KiB); the network
    // and disk units, which need it, say so when used.
  }
  // The uefi-x64 loader's facts are in unit "efi", which only a UEFI board's image has.
  const efi = /(^|\s)efi(\s|$)/.test(line) ? (image.load("efi") as typeof EfiUnit).readEfi(line) : undefined;
  // Without RDRAND (or one that keeps failing) and without a seed, crypto keeps the engine's
  // "no random number source" placeholder rather than a weak source.
  const entropy = boardEntropy(cpu.random32, efi?.seed);
  if (entropy) {
    const seed = new Uint32Array(2);
    entropy.fill(new Uint8Array(seed.buffer));
    cpu.seedRandom(seed[0], seed[1]);
    installCrypto(entropy.fill);
  }
  const reset = cpu.reset;
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
      return { board: name, clocks: { tsc: clock.hz() }, ...(entropy ? { random: entropy.sources } : {}) };
    },
    ...(reset ? { reboot: () => reset() } : {}),
    ...(efi?.facts.framebuffer ? { framebuffer: gopFramebuffer(efi.facts.framebuffer) } : {}),
  };
}
