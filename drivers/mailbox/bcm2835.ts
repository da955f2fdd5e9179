/**
 * BCM2835/2836 VideoCore mailboxes, for the firmware's property interface (channel 8).
 *
 * BCM2835 ARM Peripherals does not document the mailboxes. The registers follow the Raspberry Pi
 * firmware wiki ("Mailboxes", "Accessing mailboxes") and Linux drivers/mailbox/bcm2835-mailbox.c:
 * at peripheral base + 0xB880 (0x2000B880 on BCM2835, 0x3F00B880 on BCM2836), mailbox 0 carries
 * VideoCore → ARM messages (READ 0x00, STATUS 0x18) and mailbox 1 ARM → VideoCore ones (WRITE
 * 0x20, its STATUS 0x38). A message is 28 bits of data over a 4-bit channel; on channel 8 the data
 * is bits 31:4 of the bus address of a 16-byte aligned property buffer.
 *
 * The property buffer (wiki, "Mailbox property interface"): u32 total size, u32 code (request 0;
 * response 0x80000000 success, 0x80000001 error parsing the request), then tags, each u32 tag id,
 * u32 value buffer size, u32 code (request 0; response bit 31 set, bits 30:0 the response length),
 * the value buffer padded to 4 bytes; then the end tag, u32 0. The firmware reads and writes it in
 * RAM itself, so it lives in DMA memory (hal `dma`, mapped uncached: no cache maintenance) and is
 * posted by its VideoCore bus address, the ARM physical address | busAlias (0x40000000 on BCM2835,
 * the L2-coherent alias; 0xC0000000, uncached, on BCM2836).
 *
 * The driver owns mailbox 0: it reads every message the VideoCore sends, and drops those that are
 * not the answer it waits for (counted in `dropped`). QEMU implements the same interface
 * (hw/misc/bcm2835_mbox.c, hw/misc/bcm2835_property.c), answering synchronously.
 */
import type { DmaAllocator, DmaBuffer } from "hal";
import { NO_BUS, defineRegisters, ro, wo, type RegisterBus, type PolledDeviceOptions } from "../../hal/register.ts";
import { DEFAULT_MAX_POLLS, PollTimeoutError, pollOptions, type PollOptions } from "../../hal/poll.ts";
import type { PropertyInterface, PropertyTag } from "./property-tags.ts";

export { CLOCK, TAG, readBoardInfo, type BoardInfo, type PropertyInterface, type PropertyTag } from "./property-tags.ts";

/** A mailbox's status register (Linux ARM_MS_EMPTY, ARM_MS_FULL). */
export enum STATUS { EMPTY = 1 << 30, FULL = 1 << 31 }
/** A message: 28 bits of data over a 4-bit channel. */
export enum MESSAGE { CHANNEL = 0xf, DATA = 0xffff_fff0 }

/** Mailbox registers from the block at peripheral base + 0xB880 (see the file comment). */
export const MAILBOX_REGS = defineRegisters({
  /** Mailbox 0 (VideoCore → ARM): reading pops the oldest message. */
  READ: ro<MESSAGE>(0x00),
  /** Mailbox 0 status: EMPTY while there is nothing to read. */
  STATUS: ro<STATUS>(0x18),
  /** Mailbox 1 (ARM → VideoCore). */
  WRITE: wo<MESSAGE>(0x20),
  /** Mailbox 1 status: FULL while the VideoCore has not taken what was written (Linux MAIL1_STA). */
  WRITE_STATUS: ro<STATUS>(0x38),
}, { name: "MBOX" });

export type Bcm2835MailboxRegisters = ReturnType<typeof MAILBOX_REGS.at>;

/** The property interface, ARM to VideoCore (wiki, "Mailboxes": channel 8). */
export const CHANNEL_PROPERTY = 8;

// Buffer and tag codes (wiki, "Mailbox property interface").
const REQUEST = 0;
const RESPONSE_SUCCESS = 0x8000_0000;
const RESPONSE_ERROR = 0x8000_0001;
const TAG_RESPONSE = 0x8000_0000;
/** Header (size, code) and end tag: the bytes of a buffer besides its tags. */
const FRAME_BYTES = 12;
/** Tag id, value buffer size and code before each value buffer. */
const TAG_HEADER_BYTES = 12;
/** Messages read away before a request: a few times the FIFO's 8 entries (QEMU's MBOX_SIZE). */
const DRAIN_LIMIT = 32;

/**
 * `base`: physical address of the mailbox block: peripheral base + 0xB880. `maxPolls` limits each
 * wait on a status register, and the messages read while waiting.
 */
export interface Bcm2835MailboxOptions extends PolledDeviceOptions {
  /** Where the property buffer is allocated (hal `dma`). */
  readonly dma: DmaAllocator;
  /** Bits ORed into an ARM physical address to make the VideoCore bus address. */
  readonly busAlias: number;
  /** Property buffer size in bytes, a multiple of 16 (default 1024). */
  readonly bufferSize?: number;
  /**
   * Orders the buffer's bytes against the mailbox write, and the response against the reads of
   * the buffer (hal `barrier.dsb`). Needed once DMA memory is mapped Normal uncached rather than
   * Strongly-ordered; not needed with the MMU off, nor in host tests.
   */
  readonly barrier?: () => void;
}

export class Bcm2835Mailbox implements PropertyInterface {
  readonly base: number;
  readonly busAlias: number;
  /** Messages read from mailbox 0 that were not the awaited answer (other channels, stale answers). */
  dropped = 0;
  /** The register block, for what this driver does not wrap. */
  readonly registers: Bcm2835MailboxRegisters;
  private readonly dma: DmaAllocator;
  private readonly bufferSize: number;
  private readonly maxMessages: number;
  private readonly wait?: PollOptions;
  private readonly barrier?: () => void;
  // Set by init().
  private dmaBuffer?: DmaBuffer;
  private view!: DataView;
  private message = 0;

  constructor(options: Bcm2835MailboxOptions) {
    this.base = options.base;
    this.dma = options.dma;
    this.busAlias = options.busAlias;
    this.bufferSize = options.bufferSize ?? 1024;
    this.wait = pollOptions(options.maxPolls);
    this.maxMessages = options.maxPolls ?? DEFAULT_MAX_POLLS;
    this.barrier = options.barrier;
    this.registers = MAILBOX_REGS.at(options.base, options.bus);
  }

  /** The property buffer (after init()). */
  get buffer(): DmaBuffer | undefined {
    return this.dmaBuffer;
  }

  /** Allocates the property buffer; property() calls it the first time. Touches no register. */
  init(): void {
    if (this.dmaBuffer !== undefined) return;
    if (!this.base) throw new Error("Bcm2835Mailbox: invalid base address");
    const alias = this.busAlias;
    if (alias >>> 0 !== alias || (alias & 0x3fff_ffff) !== 0) {
      throw new RangeError(`Bcm2835Mailbox: bus alias 0x${hex(alias)} is not one of 0, 0x40000000, 0x80000000, 0xc0000000`);
    }
    const size = this.bufferSize;
    if (!(size >= 32 && (size & 15) === 0 && size <= 0x10_0000)) throw new RangeError(`Bcm2835Mailbox: buffer size ${size} is not a multiple of 16 in 32..1 MiB`);
    // No bus, no DMA memory taken (it is never freed).
    if (this.registers.READ.bus === NO_BUS) throw new TypeError("Bcm2835Mailbox: no RegisterBus given and none installed");
    const buf = this.dma.alloc(size, 16);
    // The message carries address bits 31:4; the VideoCore sees the ARM's 1 GiB at each alias.
    if ((buf.addr & 15) !== 0 || buf.addr >>> 0 !== buf.addr || buf.addr >= 0x4000_0000) {
      throw new RangeError(`Bcm2835Mailbox: DMA buffer at 0x${hex(buf.addr)} is not a 16-byte aligned address below 1 GiB`);
    }
    this.dmaBuffer = buf;
    this.view = new DataView(buf.buffer, 0, size);
    this.message = (buf.addr | alias | CHANNEL_PROPERTY) >>> 0;
  }

  property(tags: readonly PropertyTag[]): number[][] {
    this.init();
    const v = this.view;
    // Check everything before writing anything.
    let total = FRAME_BYTES;
    for (let i = 0; i < tags.length; i++) total += TAG_HEADER_BYTES + valueSize(tags[i]);
    if (total > v.byteLength) throw new RangeError(`Bcm2835Mailbox: the request needs ${total} bytes; the buffer has ${v.byteLength}`);

    v.setUint32(0, total, true);
    v.setUint32(4, REQUEST, true);
    let off = 8;
    for (let i = 0; i < tags.length; i++) {
      const tag = tags[i];
      const size = (tag.size + 3) & ~3;
      const req = tag.request;
      const n = req === undefined ? 0 : req.length;
      v.setUint32(off, tag.id, true);
      v.setUint32(off + 4, size, true);
      v.setUint32(off + 8, REQUEST, true);
      off += TAG_HEADER_BYTES;
      // The rest of the value buffer is zeroed: a tag answered without a value (QEMU's board
      // model and serial) then reads 0, not an earlier request's bytes.
      for (let j = 0; j < size; j += 4) v.setUint32(off + j, j >>> 2 < n ? (req as readonly number[])[j >>> 2] : 0, true);
      off += size;
    }
    v.setUint32(off, 0, true); // end tag

    this.send();

    const code = v.getUint32(4, true);
    if (code !== RESPONSE_SUCCESS) {
      throw new Error(code === RESPONSE_ERROR
        ? "Bcm2835Mailbox: the firmware could not parse the property request (response 0x80000001)"
        : `Bcm2835Mailbox: unexpected property response code 0x${hex(code)}`);
    }
    const out: number[][] = [];
    off = 8;
    for (let i = 0; i < tags.length; i++) {
      const size = (tags[i].size + 3) & ~3;
      const c = v.getUint32(off + 8, true);
      if ((c & TAG_RESPONSE) === 0) throw new Error(`Bcm2835Mailbox: the firmware did not answer tag 0x${hex(tags[i].id)} (tag ${i})`);
      const len = c & 0x7fff_ffff;
      if (len > size) throw new Error(`Bcm2835Mailbox: tag 0x${hex(tags[i].id)} answers ${len} bytes; its value buffer has ${size}`);
      off += TAG_HEADER_BYTES;
      const words: number[] = [];
      for (let j = 0; j < len; j += 4) words.push(v.getUint32(off + j, true));
      out.push(words);
      off += size;
    }
    return out;
  }

  /** Posts the buffer on channel 8 and waits for the answer carrying its address. */
  private send(): void {
    const r = this.registers;
    const status = r.STATUS;
    const read = r.READ;
    if (this.barrier) this.barrier();
    // An answer left over from a request that timed out would carry this buffer's address too.
    for (let i = 0; i < DRAIN_LIMIT && (status.read() & STATUS.EMPTY) === 0; i++) {
      read.read();
      this.dropped++;
    }
    try {
      r.WRITE_STATUS.waitUntil(STATUS.FULL, 0, this.wait);
    } catch (e) {
      throw timeout(e, "the ARM to VideoCore mailbox stayed full");
    }
    const message = this.message;
    r.WRITE.write(message);
    for (let n = 0; n < this.maxMessages; n++) {
      try {
        if (status.read() & STATUS.EMPTY) status.waitUntil(STATUS.EMPTY, 0, this.wait);
      } catch (e) {
        throw timeout(e, "no answer from the VideoCore firmware");
      }
      if (read.read() === message) {
        if (this.barrier) this.barrier();
        return;
      }
      this.dropped++;
    }
    throw new Error(`Bcm2835Mailbox: no answer to the property request among ${this.maxMessages} messages`);
  }
}

/** A tag's value buffer size rounded up to whole words, after checking the tag. */
function valueSize(tag: PropertyTag): number {
  const { id, size, request } = tag;
  if (id >>> 0 !== id || id === 0) throw new RangeError(`Bcm2835Mailbox: tag id ${id} is not a nonzero 32-bit unsigned integer`);
  if (size >>> 0 !== size || size > 0x10_0000) throw new RangeError(`Bcm2835Mailbox: tag 0x${hex(id)}: value buffer size ${size} is not a byte count`);
  const words = (size + 3) & ~3;
  if (request !== undefined) {
    if (request.length * 4 > words) throw new RangeError(`Bcm2835Mailbox: tag 0x${hex(id)}: ${request.length} request words do not fit ${size} bytes`);
    for (let i = 0; i < request.length; i++) {
      const w = request[i];
      if (w >>> 0 !== w) throw new RangeError(`Bcm2835Mailbox: tag 0x${hex(id)}: request word ${w} is not a 32-bit unsigned integer`);
    }
  }
  return words;
}

function timeout(e: unknown, what: string): unknown {
  return e instanceof PollTimeoutError ? new Error(`Bcm2835Mailbox: ${what} (${e.message})`) : e;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
