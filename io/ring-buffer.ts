/**
 * A fixed-capacity FIFO of bytes over one Uint8Array: the receive buffer between an interrupt
 * handler and the code that reads it (io/serial.ts). Nothing is allocated per byte, and a full
 * ring refuses the byte rather than overwriting the oldest, so that the caller can count the loss.
 */
export class ByteRing {
  readonly capacity: number;
  private readonly buf: Uint8Array;
  /** Index of the oldest byte. */
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1 && capacity <= 0x7fff_ffff) || capacity % 1 !== 0) {
      throw new RangeError(`ByteRing: capacity ${capacity} must be an integer from 1 to 2^31 - 1`);
    }
    this.capacity = capacity;
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends the low 8 bits of `byte`; false, storing nothing, when the ring is full. */
  push(byte: number): boolean {
    const count = this.count;
    if (count === this.capacity) return false;
    // A compare rather than `%`: capacity need not be a power of two, and division is slow on ARMv6.
    let tail = this.head + count;
    if (tail >= this.capacity) tail -= this.capacity;
    this.buf[tail] = byte;
    this.count = count + 1;
    return true;
  }

  /** Removes and returns the oldest byte, or -1 when empty. */
  shift(): number {
    if (this.count === 0) return -1;
    const b = this.buf[this.head];
    if (++this.head === this.capacity) this.head = 0;
    this.count--;
    return b;
  }

  /**
   * Moves up to `max` bytes (default: as many as fit in `dst` after `offset`) into `dst` at
   * `offset`, oldest first; returns how many.
   */
  readInto(dst: Uint8Array, offset = 0, max = dst.length - offset): number {
    if (!(offset >= 0 && offset <= dst.length) || offset % 1 !== 0) {
      throw new RangeError(`ByteRing: offset ${offset} is outside the destination (${dst.length} bytes)`);
    }
    let n = this.count;
    if (max < n) n = max;
    if (dst.length - offset < n) n = dst.length - offset;
    if (!(n > 0)) return 0;
    n = n | 0;
    const first = this.capacity - this.head;
    // At most two block copies (before and after the wrap), done natively by set().
    if (n <= first) {
      dst.set(this.buf.subarray(this.head, this.head + n), offset);
    } else {
      dst.set(this.buf.subarray(this.head), offset);
      dst.set(this.buf.subarray(0, n - first), offset + first);
    }
    this.head += n;
    if (this.head >= this.capacity) this.head -= this.capacity;
    this.count -= n;
    return n;
  }

  /** Discards every byte. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
