/**
 * A FIFO of bytes in chunks, bounded by a capacity: a connection's send buffer (bytes written
 * and not yet acknowledged) and receive buffer (bytes received in order and not yet read).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed. */
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.size;
  }

  get free(): number {
    return this.capacity - this.size;
  }

  /** Appends as much of `data` as fits (copied); returns how many bytes were taken. */
  push(data: Uint8Array): number {
    const n = Math.min(data.length, this.capacity - this.size); // this.free, without the getter's call
    if (n === 0) return 0;
    this.chunks.push(data.slice(0, n));
    this.size += n;
    return n;
  }

  /** Copies `length` bytes from `from` bytes past the head into `dest` at `destOffset`. */
  copyTo(dest: Uint8Array, destOffset: number, from: number, length: number): void {
    let skip = from + this.head;
    let out = destOffset;
    let left = length;
    // An index loop: for-of would allocate an iterator and a result object per chunk (QuickJS).
    const chunks = this.chunks;
    for (let i = 0; i < chunks.length && left !== 0; i++) {
      const c = chunks[i];
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      const n = Math.min(c.length - skip, left);
      dest.set(c.subarray(skip, skip + n), out);
      out += n;
      left -= n;
      skip = 0;
    }
    if (left !== 0) throw new RangeError("ByteQueue.copyTo beyond the queued bytes");
  }

  /** Drops `n` bytes from the head. */
  consume(n: number): void {
    if (n > this.size) throw new RangeError("ByteQueue.consume beyond the queued bytes");
    this.size -= n;
    let left = n + this.head;
    while (this.chunks.length > 0 && left >= this.chunks[0].length) {
      left -= this.chunks[0].length;
      this.chunks.shift();
    }
    this.head = left;
  }

  /** Removes and returns up to `max` bytes from the head. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.size);
    if (this.head === 0 && this.chunks.length > 0 && this.chunks[0].length === n) {
      // Exactly the first chunk (a reader that keeps up takes each segment's bytes so): it is
      // this queue's own copy (push() copies), handed over instead of copied again.
      this.size -= n;
      return this.chunks.shift() as Uint8Array;
    }
    const out = new Uint8Array(n);
    this.copyTo(out, 0, 0, n);
    this.consume(n);
    return out;
  }
}
