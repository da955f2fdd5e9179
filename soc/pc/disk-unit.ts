/**
 * The PC-like VMs' disk: the image unit "disk", which board().disk() loads on first use (only in
 * a firmware with the storage unit, tools/lib/units.ts), so a firmware that keeps no files pays
 * nothing for it. The VMM announces its virtio-mmio transports on the boot command line
 * (drivers/virtio/cmdline.ts), as for the network; the first one with a block device behind it
 * (device ID 2) is the board's disk, driven by drivers/block/virtio-blk.ts: each request waits
 * for the device's interrupt with the CPU asleep, bounded by a timer (which keeps the event loop
 * running only while a request is in flight: the line itself does not, keepAlive false).
 */
import { barrier, cpu, dma, irq } from "hal";
import { config, name } from "tsmetal:board";
import "../../hal/mmio-bus.ts";
import { VIRTIO_ID_BLOCK, VirtioBlk } from "../../drivers/block/virtio-blk.ts";
import { parseVirtioMmioDevices } from "../../drivers/virtio/cmdline.ts";
import { VirtioMmio, hex } from "../../drivers/virtio/mmio.ts";

/** What QEMU's microvm needs for a disk (docs/storage.md). */
export const NO_DISK_HINT =
  `run with --disk (npm run disk -- --from <dir> --out card.img; npm run qemu -- --board ${name} --disk card.img), or give QEMU ` +
  "-M microvm,acpi=off -global virtio-mmio.force-legacy=false -drive if=none,id=disk0,format=raw,file=card.img " +
  "-device virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.1";

/**
 * Finds, starts and returns the first virtio block device of the command line; `configureLevel(gsi)`
 * sets its I/O APIC input level-triggered. Throws an Error naming what the VMM needs when there is none.
 */
export function openDisk(configureLevel: (gsi: number) => void): VirtioBlk {
  if (config.noNetwork !== undefined) throw new Error(`board "${name}" has no disk tsmetal drives: its VMM has no virtio-mmio transport`);
  const base = Number(config.virtioMmioBase);
  const size = Number(config.virtioMmioSize);
  const devices = parseVirtioMmioDevices(cpu.commandLine?.() ?? "");
  for (const d of devices) {
    if (!(base > 0 && d.base >= base && d.base + d.size <= base + size)) {
      throw new RangeError(`board "${name}": the boot command line announces a virtio-mmio device at 0x${hex(d.base)}, outside the board's virtio-mmio window (boards/${name}/board.json)`);
    }
    if (new VirtioMmio({ base: d.base, deviceId: VIRTIO_ID_BLOCK }).identify()?.deviceId !== VIRTIO_ID_BLOCK) continue;
    const timers = { set: (ms: number, cb: () => void) => setTimeout(cb, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    const blk = new VirtioBlk({ base: d.base, dma, barrier, timers });
    configureLevel(d.irq);
    blk.init();
    irq.on(d.irq, () => blk.onInterrupt(), { keepAlive: false });
    return blk;
  }
  const seen = devices.length === 0 ? "the boot command line announces no virtio-mmio device" : `none of the ${devices.length} virtio-mmio devices of the boot command line is a block device`;
  throw new Error(`board "${name}": no disk (${seen}): ${NO_DISK_HINT}`);
}
