/**
 * The PC-like VMs' network device: the image unit "network", which board().network() loads the
 * first time it is called (tools/lib/units.ts puts it in an image only when the app names
 * `network`), so a firmware that does not use the network pays nothing at boot.
 *
 * The VMM announces its virtio-mmio transports on the boot command line
 * (`virtio_mmio.device=<size>@<base>:<irq>`, drivers/virtio/cmdline.ts): Firecracker only does it
 * that way, and QEMU microvm with acpi=off too (hw/i386/microvm.c; boards/microvm/board.json's
 * qemu.network adds acpi=off). The first transport with a network card behind it becomes the
 * board's NetworkInterface; its interrupt is a level-triggered, active-high I/O APIC input
 * (VIRTIO 1.2, 4.2.3.4: asserted until InterruptACK), so the line is configured level before its
 * handler is installed.
 */
import { barrier, cpu, dma, irq } from "hal";
import { config, name } from "tsmetal:board";
import "../../hal/mmio-bus.ts";
import { VIRTIO_ID_NET, VirtioNet } from "../../drivers/net/virtio-net.ts";
import { parseVirtioMmioDevices, type VirtioMmioDevice } from "../../drivers/virtio/cmdline.ts";
import { VirtioMmio, hex } from "../../drivers/virtio/mmio.ts";

/**
 * What QEMU's microvm machine needs for a network device (docs/boards/microvm.md, "Network"); a
 * board whose VMM differs gives its own in board.json (config.networkHint).
 */
export const NO_NETWORK_HINT =
  `run with --forward (npm run qemu -- --board ${name} --forward tcp:8080:80), or give QEMU ` +
  "-M microvm,acpi=off -global virtio-mmio.force-legacy=false -netdev user,id=n0 " +
  "-device virtio-net-device,netdev=n0,bus=virtio-mmio-bus.0";

/**
 * The board's virtio-mmio window (board.json config virtioMmioBase/virtioMmioSize, the same range
 * as its memoryMap entry): a transport announced outside it would be unmapped, a page fault at
 * its first read, so it is refused with a message instead.
 */
function checkInWindow(d: VirtioMmioDevice): void {
  const base = Number(config.virtioMmioBase);
  const size = Number(config.virtioMmioSize);
  if (!(base > 0 && size > 0)) {
    throw new Error(`board "${name}" maps no virtio-mmio window (board.json config virtioMmioBase/virtioMmioSize): it has no network device`);
  }
  if (d.base < base || d.base + d.size > base + size) {
    throw new RangeError(
      `board "${name}": the boot command line announces a virtio-mmio device at 0x${hex(d.base)} (${d.size} bytes), ` +
        `outside the board's virtio-mmio window 0x${hex(base)}..0x${hex(base + size)} (boards/${name}/board.json)`,
    );
  }
}

/**
 * Finds, starts and returns the first virtio network device of the command line, its interrupt
 * handled from the event loop. `configureLevel(gsi)` sets the I/O APIC input level-triggered.
 * Throws an Error naming what QEMU needs when there is none.
 */
export function openNetwork(configureLevel: (gsi: number) => void): VirtioNet {
  // A board whose VMM has no virtio-mmio says why in board.json (config.noNetwork).
  if (config.noNetwork !== undefined) throw new Error(`board "${name}" has no network device tsmetal drives: ${config.noNetwork}`);
  const devices = parseVirtioMmioDevices(cpu.commandLine?.() ?? "");
  for (const d of devices) {
    checkInWindow(d);
    if (new VirtioMmio({ base: d.base, deviceId: VIRTIO_ID_NET }).identify()?.deviceId !== VIRTIO_ID_NET) continue;
    const nic = new VirtioNet({ base: d.base, dma, barrier });
    configureLevel(d.irq);
    nic.init();
    irq.on(d.irq, () => nic.onInterrupt());
    return nic;
  }
  const seen = devices.length === 0 ? "the boot command line announces no virtio-mmio device" : `none of the ${devices.length} virtio-mmio devices of the boot command line is a network card`;
  throw new Error(`board "${name}": no network device (${seen}): ${config.networkHint ?? NO_NETWORK_HINT}`);
}
