/**
 * Register-level model of the BCM2835 mailboxes with the VideoCore firmware's property interface
 * behind channel 8, after the Raspberry Pi firmware wiki ("Mailboxes", "Mailbox property
 * interface"), Linux drivers/mailbox/bcm2835-mailbox.c for the registers, and QEMU's
 * hw/misc/bcm2835_mbox.c and hw/misc/bcm2835_property.c for behaviour the wiki leaves open.
 *
 * Registers, from the block at peripheral base + 0xB880: READ 0x00 pops mailbox 0 (VideoCore →
 * ARM, an 8-entry FIFO; 0xFFFFFFFF when empty, as QEMU); STATUS 0x18 is mailbox 0's status (bit
 * 31 FULL, bit 30 EMPTY); WRITE 0x20 posts to mailbox 1 (ARM → VideoCore); 0x38 is mailbox 1's
 * status. A write on channel 8 is answered at once (like QEMU): the model finds the buffer in a
 * FakeDma by bus address & ~busAlias, answers the tags it knows, sets the buffer's response code
 * and queues the same message in mailbox 0. Offsets and codes are written out from the sources
 * above, not imported from the driver.
 *
 * Checked more strictly than the firmware, so driver mistakes show: the bus address must carry
 * the alias, the buffer must lie in DMA memory, value buffer sizes must be whole words (QEMU
 * steps to the next tag by the size field, without padding), request codes must be 0 and an end
 * tag must come before the total size. A malformed buffer gets response 0x80000001 and is noted
 * in `errors`. A tag the model does not know keeps its request code 0, i.e. is not answered
 * (QEMU instead answers unknown tags with an empty response).
 */
import type { DmaAllocator, DmaBuffer } from "hal";
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets and status bits.
const READ = 0x00, STATUS = 0x18, WRITE = 0x20, WRITE_STATUS = 0x38;
const FULL = 0x8000_0000, EMPTY = 0x4000_0000;
const FIFO_DEPTH = 8;
const INVALID = 0xffff_ffff;
const CHANNEL_PROPERTY = 8;
// Property buffer codes.
const RESPONSE_SUCCESS = 0x8000_0000, RESPONSE_ERROR = 0x8000_0001;

/** DMA memory as a device model sees it: where allocations are, and their bytes. */
export interface DmaMemory {
  /** Whether `length` bytes from physical address `addr` are allocated DMA memory. */
  find(addr: number, length?: number): unknown;
  /** A DataView of `length` bytes from physical address `addr`; throws if not allocated. */
  view(addr: number, length: number): DataView;
}

/**
 * DMA memory for host tests: each allocation is its own ArrayBuffer at a made-up physical
 * address, and `find` maps an address back to the allocation holding it.
 */
export class FakeDma implements DmaAllocator, DmaMemory {
  readonly allocations: DmaBuffer[] = [];
  readonly start: number;
  readonly size: number;
  private next: number;

  /** A region of `size` bytes at physical address `start` (default 1 MiB at 0x1BE00000). */
  constructor(start = 0x1be0_0000, size = 0x10_0000) {
    this.start = this.next = start;
    this.size = size;
  }

  alloc(size: number, align = 16): DmaBuffer {
    if (!(align >= 1 && align <= 0x1000_0000 && (align & (align - 1)) === 0)) throw new RangeError(`alignment ${align} is not a power of two`);
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size ${size} is not a byte count`);
    const addr = Math.ceil(this.next / align) * align;
    if (addr + size > this.start + this.size) throw new RangeError(`FakeDma: ${size} bytes do not fit; the region is full`);
    const buf: DmaBuffer = { addr, buffer: new ArrayBuffer(size) };
    this.allocations.push(buf);
    this.next = addr + size;
    return buf;
  }

  /** The allocation holding `length` bytes from physical address `addr`, with the offset in it. */
  find(addr: number, length = 1): { buffer: DmaBuffer; offset: number } | undefined {
    for (const buffer of this.allocations) {
      const offset = addr - buffer.addr;
      if (offset >= 0 && offset + length <= buffer.buffer.byteLength) return { buffer, offset };
    }
    return undefined;
  }

  /** A DataView of `length` bytes from physical address `addr`; throws if no allocation holds them. */
  view(addr: number, length: number): DataView {
    const hit = this.find(addr, length);
    if (hit === undefined) throw new RangeError(`FakeDma: 0x${addr.toString(16)}+${length} is not allocated DMA memory`);
    return new DataView(hit.buffer.buffer, hit.offset, length);
  }
}

/** What the model's firmware answers. */
export interface PropertyValues {
  firmwareRevision: number;
  boardModel: number;
  boardRevision: number;
  /** Six bytes. */
  macAddress: number[];
  serial: bigint;
  armMemory: { base: number; size: number };
  vcMemory: { base: number; size: number };
  /** Clock rates in Hz by clock id; other ids get `defaultClockHz`. */
  clocks: { [id: number]: number };
  defaultClockHz: number;
}

/**
 * What QEMU 7.2 (Debian bookworm's) answers on raspi0, checked there: 512 MiB, the top 64 MiB the
 * VideoCore's; EMMC 50 MHz, UART 3 MHz, every other clock 700 MHz (later QEMUs answer 350 MHz for
 * the core clock). QEMU does not implement board model and serial: it answers them without
 * writing a value, which then reads as the 0 the driver left there.
 */
export function qemuRaspi0Values(): PropertyValues {
  return {
    firmwareRevision: 346337,
    boardModel: 0,
    boardRevision: 0x920092,
    macAddress: [0x52, 0x54, 0x00, 0x12, 0x34, 0x57],
    serial: 0n,
    armMemory: { base: 0, size: 0x1c00_0000 },
    vcMemory: { base: 0x1c00_0000, size: 0x0400_0000 },
    clocks: { 1: 50_000_000, 2: 3_000_000 },
    defaultClockHz: 700_000_000,
  };
}

/** One tag of a request as the model read it. */
export interface ModelTag {
  readonly id: number;
  readonly size: number;
  readonly request: number[];
}

export interface PropertyRequest {
  /** The message written to mailbox 1. */
  readonly message: number;
  /** The buffer's total size field. */
  readonly total: number;
  readonly tags: ModelTag[];
}

export interface Bcm2835MailboxModelOptions {
  readonly dma: DmaMemory;
  /** The alias the VideoCore expects in bus addresses (0x40000000 BCM2835, 0xC0000000 BCM2836). */
  readonly busAlias: number;
  /** Answers besides QEMU raspi0's. */
  readonly values?: Partial<PropertyValues>;
}

interface Framebuffer {
  width: number; height: number; virtualWidth: number; virtualHeight: number;
  depth: number; pixelOrder: number; xOffset: number; yOffset: number;
}

export class Bcm2835MailboxModel {
  values: PropertyValues;
  /** Every value written to WRITE, in order. */
  readonly written: number[] = [];
  /** Well-formed property requests, in order. */
  readonly requests: PropertyRequest[] = [];
  /** What was wrong with what the ARM sent. */
  readonly errors: string[] = [];
  /** Reads of READ while mailbox 0 was empty. */
  underflows = 0;
  /** When false, requests are taken but never answered (a firmware that hangs). */
  respond = true;
  /** The next this many well-formed requests get response 0x80000001 and no tag answers. */
  failNext = 0;
  /** This many reads of mailbox 1's status report FULL before it reports room. */
  writeFullPolls = 0;
  /** An answer shows in mailbox 0 at the this-many'th read of STATUS after the request (0: at once). */
  answerDelayPolls = 0;
  /** The framebuffer the framebuffer tags configure (pitch = virtual width * depth / 8). */
  readonly framebuffer: Framebuffer = { width: 640, height: 480, virtualWidth: 640, virtualHeight: 480, depth: 16, pixelOrder: 1, xOffset: 0, yOffset: 0 };
  private readonly fifo: number[] = [];
  private readonly held: Array<{ message: number; polls: number }> = [];
  private readonly dma: DmaMemory;
  private readonly busAlias: number;

  constructor(bus: MemoryBus, base: number, options: Bcm2835MailboxModelOptions) {
    this.dma = options.dma;
    this.busAlias = options.busAlias;
    this.values = { ...qemuRaspi0Values(), ...options.values };
    bus.onRead(base + READ, () => this.pop());
    bus.onRead(base + STATUS, () => this.status());
    bus.onWrite(base + WRITE, (v) => this.write(v));
    bus.onRead(base + WRITE_STATUS, () => {
      if (this.writeFullPolls > 0) {
        this.writeFullPolls--;
        return FULL;
      }
      return EMPTY; // the model takes every message at once
    });
    // STATUS and WRITE_STATUS are read-only, READ is read-only, WRITE write-only.
    bus.onWrite(base + STATUS, () => {});
    bus.onWrite(base + READ, () => {});
    bus.onWrite(base + WRITE_STATUS, () => {});
    bus.onRead(base + WRITE, () => 0);
  }

  /** The VideoCore sends `message` to the ARM (e.g. on another channel). */
  push(message: number): void {
    if (this.fifo.length < FIFO_DEPTH) this.fifo.push(message >>> 0);
    else this.errors.push(`mailbox 0 full: dropped 0x${hex(message)}`);
  }

  /** Messages waiting in mailbox 0. */
  get pending(): number {
    return this.fifo.length;
  }

  private pop(): number {
    const m = this.fifo.shift();
    if (m === undefined) {
      this.underflows++;
      return INVALID;
    }
    return m;
  }

  private status(): number {
    for (let i = 0; i < this.held.length; ) {
      const h = this.held[i];
      if (--h.polls <= 0) {
        this.held.splice(i, 1);
        this.push(h.message);
      } else {
        i++;
      }
    }
    const n = this.fifo.length;
    return (n === 0 ? EMPTY : 0) | (n >= FIFO_DEPTH ? FULL : 0);
  }

  private write(message: number): void {
    this.written.push(message);
    if (this.writeFullPolls > 0) {
      this.errors.push(`0x${hex(message)} written while mailbox 1 was full`);
      return;
    }
    if ((message & 0xf) !== CHANNEL_PROPERTY) return;
    const busAddr = (message & ~0xf) >>> 0;
    if ((busAddr & 0xc000_0000) >>> 0 !== this.busAlias) {
      this.errors.push(`bus address 0x${hex(busAddr)} does not carry the alias 0x${hex(this.busAlias)}`);
      return;
    }
    const addr = busAddr & 0x3fff_ffff;
    if (this.dma.find(addr, 8) === undefined) {
      this.errors.push(`property buffer at 0x${hex(addr)} is not in DMA memory`);
      return;
    }
    const total = this.dma.view(addr, 8).getUint32(0, true);
    if (total % 4 !== 0 || total < 12 || this.dma.find(addr, total) === undefined) {
      this.errors.push(`property buffer size ${total} at 0x${hex(addr)} is not whole words within DMA memory`);
      return;
    }
    const v = this.dma.view(addr, total);
    const tags = this.parse(v, total);
    if (tags !== undefined) this.requests.push({ message, total, tags });
    if (!this.respond) return;
    if (tags === undefined || this.failNext > 0) {
      if (tags !== undefined) this.failNext--;
      v.setUint32(4, RESPONSE_ERROR, true);
    } else {
      let off = 8;
      for (const tag of tags) {
        const answer = this.answer(tag);
        if (answer !== undefined) {
          // Longer answers are truncated to the value buffer; the length says what was needed (wiki).
          for (let i = 0; i < answer.words.length && 4 * i < tag.size; i++) v.setUint32(off + 12 + 4 * i, answer.words[i], true);
          v.setUint32(off + 8, (0x8000_0000 | answer.length) >>> 0, true);
        } // an unknown tag is left as it was: its code stays 0 (not answered)
        off += 12 + tag.size;
      }
      v.setUint32(4, RESPONSE_SUCCESS, true);
    }
    if (this.answerDelayPolls > 0) this.held.push({ message, polls: this.answerDelayPolls });
    else this.push(message);
  }

  /** The tags of a request, or undefined (noted in errors) if the buffer is malformed. */
  private parse(v: DataView, total: number): ModelTag[] | undefined {
    const bad = (why: string) => {
      this.errors.push(why);
      return undefined;
    };
    if (v.getUint32(4, true) !== 0) return bad(`request code 0x${hex(v.getUint32(4, true))} is not 0`);
    const tags: ModelTag[] = [];
    for (let off = 8; ; ) {
      if (off + 4 > total) return bad("no end tag before the total size");
      const id = v.getUint32(off, true);
      if (id === 0) return tags;
      if (off + 12 > total) return bad(`tag 0x${hex(id)} runs past the total size`);
      const size = v.getUint32(off + 4, true);
      const code = v.getUint32(off + 8, true);
      if (size % 4 !== 0) return bad(`tag 0x${hex(id)}: value buffer size ${size} is not whole words`);
      if (code !== 0) return bad(`tag 0x${hex(id)}: request code 0x${hex(code)} is not 0`);
      if (off + 12 + size > total) return bad(`tag 0x${hex(id)}: value buffer runs past the total size`);
      const request: number[] = [];
      for (let i = 0; i < size; i += 4) request.push(v.getUint32(off + 12 + i, true));
      tags.push({ id, size, request });
      off += 12 + size;
    }
  }

  private answer(tag: ModelTag): { words: number[]; length: number } | undefined {
    const x = this.values;
    const fb = this.framebuffer;
    const q = tag.request;
    const words = (...w: number[]) => ({ words: w.map((n) => n >>> 0), length: 4 * w.length });
    switch (tag.id) {
      case 0x0000_0001: return words(x.firmwareRevision);
      case 0x0001_0001: return words(x.boardModel);
      case 0x0001_0002: return words(x.boardRevision);
      case 0x0001_0003: {
        const m = x.macAddress;
        return { words: [(m[0] | (m[1] << 8) | (m[2] << 16) | (m[3] << 24)) >>> 0, m[4] | (m[5] << 8)], length: 6 };
      }
      case 0x0001_0004: return words(Number(x.serial & 0xffff_ffffn), Number((x.serial >> 32n) & 0xffff_ffffn));
      case 0x0001_0005: return words(x.armMemory.base, x.armMemory.size);
      case 0x0001_0006: return words(x.vcMemory.base, x.vcMemory.size);
      case 0x0003_0002: // get clock rate, max, min
      case 0x0003_0004:
      case 0x0003_0007:
        return words(q[0], x.clocks[q[0]] ?? x.defaultClockHz);
      // Framebuffer: a set answers the value it set (QEMU 8.1 and later).
      case 0x0004_0001: return words(x.vcMemory.base, pitch(fb) * fb.virtualHeight);
      case 0x0004_8003: fb.width = q[0]; fb.height = q[1]; return words(fb.width, fb.height);
      case 0x0004_0003: return words(fb.width, fb.height);
      case 0x0004_8004: fb.virtualWidth = q[0]; fb.virtualHeight = q[1]; return words(fb.virtualWidth, fb.virtualHeight);
      case 0x0004_0004: return words(fb.virtualWidth, fb.virtualHeight);
      case 0x0004_8005: fb.depth = q[0]; return words(fb.depth);
      case 0x0004_0005: return words(fb.depth);
      case 0x0004_8006: fb.pixelOrder = q[0]; return words(fb.pixelOrder);
      case 0x0004_0006: return words(fb.pixelOrder);
      case 0x0004_0008: return words(pitch(fb));
      case 0x0004_8009: fb.xOffset = q[0]; fb.yOffset = q[1]; return words(fb.xOffset, fb.yOffset);
      case 0x0004_0009: return words(fb.xOffset, fb.yOffset);
      default: return undefined;
    }
  }
}

function pitch(fb: Framebuffer): number {
  return (fb.virtualWidth * fb.depth + 7) >>> 3;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
