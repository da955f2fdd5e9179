/**
 * The PC devices of a PVH guest (QEMU microvm, Firecracker, Cloud Hypervisor) as models: a 16550 on
 * COM1 (I/O port 0x3f8) into I/O APIC input 4, the I/O APIC at 0xfec00000 delivering vectors to
 * the local APIC at 0xfee00000, and the TSC as the CPU's timer. The simulator's machine for
 * the PC family (models/machines.ts).
 *
 * With a disk (npm run sim --disk), a virtio-blk device on a virtio-mmio transport, announced on
 * the boot command line as the VMMs do (drivers/virtio/cmdline.ts): on QEMU's microvm layout
 * (transports of 512 bytes from 0xfeb00000, GSI 5 + n, hw/i386/microvm.c) the second transport,
 * virtio-mmio-bus.1, where `npm run qemu --disk` puts it (tools/lib/disk.ts); on another window
 * (Firecracker's 0xd0000000) the first, 4 KiB, GSI 5, as Firecracker lays out its first device.
 */
import { MemoryBus } from "../memory-bus.ts";
import type { SimMachine } from "../machine.ts";
import { Ns16550Model } from "../uart/ns16550.ts";
import { IoApicModel } from "../irq/ioapic.ts";
import { LocalApicModel } from "../irq/lapic.ts";
import { VirtioBlkModel } from "../block/virtio-blk.ts";
import { SimDma } from "../dma.ts";

const COM1 = 0x3f8, IOAPIC = 0xfec0_0000, LAPIC = 0xfee0_0000, APIC_SIZE = 0x1000;
/** ISA IRQ of COM1 on the I/O APIC. */
const INPUT_COM1 = 4;
/** The simulated TSC's rate. */
const TSC_HZ = 1_000_000_000;
const QEMU_MICROVM_VIRTIO = 0xfeb0_0000;
/** RAM the firmware's DMA allocations get addresses in (any RAM serves: devices see it through `dma`). */
const DMA_START = 0x0700_0000, DMA_SIZE = 0x40_0000;

export interface PcMachineOptions {
  /** A disk's bytes (kept: writes land in it), for a virtio-blk device. */
  readonly disk?: Uint8Array;
  /** The board's virtio-mmio window (board.json config.virtioMmioBase). */
  readonly virtioMmioBase?: number;
}

export class PcMachine implements SimMachine {
  readonly bus = new MemoryBus({ logLimit: 0 });
  readonly ports = new MemoryBus({ logLimit: 0 });
  readonly com1: Ns16550Model;
  readonly ioapic: IoApicModel;
  readonly lapic: LocalApicModel;
  readonly mapped = [
    { base: IOAPIC, size: APIC_SIZE },
    { base: LAPIC, size: APIC_SIZE },
  ];
  readonly cpuTimer = { hz: TSC_HZ, ticks: () => this.us * (TSC_HZ / 1e6) };
  readonly disk?: VirtioBlkModel;
  readonly dma?: SimDma;
  readonly commandLine?: string;
  private us = 0;
  /** Vectors taken and not yet ended with an EOI, innermost last (the local APIC's ISR). */
  private readonly inService: number[] = [];
  private eoisSeen = 0;

  constructor(options: PcMachineOptions = {}) {
    this.ioapic = new IoApicModel(this.bus, IOAPIC);
    this.lapic = new LocalApicModel(this.bus, LAPIC);
    this.com1 = new Ns16550Model(this.ports, COM1, { onInterrupt: (level) => this.ioapic.setLevel(INPUT_COM1, level) });
    if (options.disk !== undefined) {
      const window = options.virtioMmioBase ?? QEMU_MICROVM_VIRTIO;
      const qemu = window === QEMU_MICROVM_VIRTIO;
      const base = qemu ? window + 0x200 : window;
      const size = qemu ? 0x200 : 0x1000;
      const gsi = qemu ? 6 : 5;
      this.dma = new SimDma(DMA_START, DMA_SIZE);
      this.disk = new VirtioBlkModel(this.bus, base, { dma: this.dma, disk: options.disk, irq: (level) => this.ioapic.setLevel(gsi, level) });
      this.mapped.push({ base, size });
      this.commandLine = `virtio_mmio.device=${size === 0x1000 ? "4K" : "512"}@0x${base.toString(16)}:${gsi}`;
    }
  }

  advance(us: number): void {
    this.us += us;
  }

  irqAsserted(): boolean {
    this.endInterrupts();
    return this.ioapic.delivered.length > 0;
  }

  takeVector(): number {
    this.endInterrupts();
    const v = this.ioapic.delivered.shift();
    if (v === undefined) return -1;
    this.inService.push(v);
    return v;
  }

  get console(): Ns16550Model {
    return this.com1;
  }

  /** Each EOI written to the local APIC ends the innermost vector in service and is broadcast to the I/O APIC. */
  private endInterrupts(): void {
    for (; this.eoisSeen < this.lapic.eois; this.eoisSeen++) {
      const v = this.inService.pop();
      if (v !== undefined) this.ioapic.eoi(v);
    }
  }
}
