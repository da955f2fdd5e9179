/**
 * DMA memory in the simulator: the firmware's buffers are ArrayBuffers inside the simulated
 * QuickJS, which the host cannot view in place (quickjs-emscripten hands out copies). A device
 * model's view() pulls a buffer's current bytes from the guest; after the register access that
 * made the device look, the simulator pushes every buffer it viewed back (the device may have
 * written its answer there).
 */
import type { DmaMemory } from "./mailbox/bcm2835.ts";

interface Allocation {
  addr: number;
  size: number;
}

export interface DmaGuest {
  /** The guest buffer of the allocation at `addr`, as bytes now. */
  pull(addr: number): Uint8Array;
  /** Puts `bytes` into the guest buffer of the allocation at `addr`. */
  push(addr: number, bytes: Uint8Array): void;
}

export class SimDma implements DmaMemory {
  private readonly allocations: Allocation[] = [];
  private readonly viewed = new Map<number, Uint8Array>();
  private next: number;
  private guest?: DmaGuest;

  /** The region the firmware's DMA allocator hands out: `size` bytes at physical address `start`. */
  constructor(readonly start: number, readonly size: number) {
    this.next = start;
  }

  connect(guest: DmaGuest): void {
    this.guest = guest;
  }

  /** An address for `size` bytes aligned to `align` (a power of two), as hal.dma.alloc on the target. */
  alloc(size: number, align: number): number {
    if (!(align >= 1 && align <= 0x1000_0000 && (align & (align - 1)) === 0)) throw new RangeError(`dma.alloc: alignment ${align} is not a power of two`);
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`dma.alloc: size ${size} is not a byte count`);
    const addr = Math.ceil(this.next / align) * align;
    if (addr + size > this.start + this.size) throw new RangeError(`dma.alloc: ${size} bytes do not fit; the DMA region is full`);
    this.allocations.push({ addr, size });
    this.next = addr + size;
    return addr;
  }

  find(addr: number, length = 1): Allocation | undefined {
    return this.allocations.find((a) => addr >= a.addr && addr + length <= a.addr + a.size);
  }

  view(addr: number, length: number): DataView {
    const a = this.find(addr, length);
    if (a === undefined || this.guest === undefined) throw new RangeError(`DMA: 0x${addr.toString(16)}+${length} is not allocated DMA memory`);
    let bytes = this.viewed.get(a.addr);
    if (bytes === undefined) this.viewed.set(a.addr, (bytes = this.guest.pull(a.addr)));
    return new DataView(bytes.buffer, bytes.byteOffset + (addr - a.addr), length);
  }

  /** Pushes the buffers devices viewed since the last call back to the guest. */
  flush(): void {
    if (this.viewed.size === 0) return;
    for (const [addr, bytes] of this.viewed) this.guest?.push(addr, bytes);
    this.viewed.clear();
  }
}
