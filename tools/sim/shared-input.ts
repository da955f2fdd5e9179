/**
 * Console input for a simulation running in a worker thread (`npm run repl -- --sim`,
 * tools/sim/repl.ts): bytes written by the main thread into a SharedArrayBuffer ring that the
 * simulator reads as it reads a terminal (tools/sim/terminal.ts), between loop turns and from
 * QuickJS's interrupt handler. A message could not do: a job that never ends never lets the
 * worker's event loop deliver one, and Ctrl-C has to reach exactly such a job.
 *
 * Layout: Int32 words [0] write position, [1] read position (both counting bytes, modulo the
 * ring's size), [2] quit (the main thread asks the run to end); then the ring's bytes. One writer
 * (the main thread), one reader (the worker).
 */
import type { LiveInput } from "./terminal.ts";

const HEADER_BYTES = 12;
const WRITE = 0, READ = 1, QUIT = 2;
/** A REPL frame is at most 256 KiB and its header (io/repl/frame.ts); room for two. */
export const RING_BYTES = 520 * 1024;
/** How often a sleeping simulation looks for input (as a terminal's). */
const POLL_MS = 10;

export function newSharedInputBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + RING_BYTES);
}

/** The main thread's end. */
export class SharedInputWriter {
  private readonly words: Int32Array;
  private readonly ring: Uint8Array;
  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 3);
    this.ring = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Appends `bytes`; throws if the reader is that far behind (a frame never is: one at a time). */
  write(bytes: Uint8Array): void {
    const w = Atomics.load(this.words, WRITE), r = Atomics.load(this.words, READ);
    const used = (w - r + RING_BYTES) % RING_BYTES;
    if (used + bytes.length >= RING_BYTES) throw new Error(`the simulation's console input is full (${used} bytes not read yet)`);
    for (let i = 0; i < bytes.length; i++) this.ring[(w + i) % RING_BYTES] = bytes[i];
    Atomics.store(this.words, WRITE, (w + bytes.length) % RING_BYTES);
    Atomics.notify(this.words, WRITE);
  }

  /** Asks the run to end (as Ctrl-A x on a terminal). */
  quit(): void {
    Atomics.store(this.words, QUIT, 1);
    Atomics.notify(this.words, WRITE);
  }
}

/** The worker's end: what tools/sim/run.ts reads a terminal through. */
export class SharedInputReader implements LiveInput {
  private readonly words: Int32Array;
  private readonly ring: Uint8Array;
  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 3);
    this.ring = new Uint8Array(buffer, HEADER_BYTES);
  }

  get quit(): boolean {
    return Atomics.load(this.words, QUIT) !== 0;
  }

  quitRequested(): boolean {
    return this.quit;
  }

  /** Whether bytes are waiting, without taking them. */
  pending(): boolean {
    return Atomics.load(this.words, WRITE) !== Atomics.load(this.words, READ);
  }

  take(): Uint8Array {
    const w = Atomics.load(this.words, WRITE), r = Atomics.load(this.words, READ);
    const n = (w - r + RING_BYTES) % RING_BYTES;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.ring[(r + i) % RING_BYTES];
    Atomics.store(this.words, READ, w);
    return out;
  }

  async wait(ms: number): Promise<void> {
    const end = performance.now() + ms;
    while (!this.quit && !this.pending() && performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, end - performance.now()))));
    }
  }
}
