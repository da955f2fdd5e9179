/**
 * An emulator's console output captured through a regular file instead of a pipe.
 *
 * QEMU makes its stdout non-blocking, and some UART models (QEMU 7.2's SiFive UART) drop a byte
 * the host does not take at once. Node's child pipes are socket pairs, which fill after a few
 * hundred single-byte writes when the reader is late (a busy machine), so output was lost in the
 * middle of a line. A regular file never refuses a write: nothing is lost however late we read.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

export class ConsoleFile {
  /** The descriptor to hand the child as its stdout. */
  readonly writeFd: number;
  private readonly dir: string;
  private readonly readFd: number;
  private readonly watcher: fs.FSWatcher;
  private readonly decoder = new StringDecoder("utf8");
  private readonly buffer = Buffer.alloc(64 * 1024);
  private closed = false;

  constructor(private readonly onText: (text: string) => void) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmetal-console-"));
    const file = path.join(this.dir, "console");
    this.writeFd = fs.openSync(file, "w");
    this.readFd = fs.openSync(file, "r");
    this.watcher = fs.watch(file, () => this.drain());
  }

  /** Passes on whatever the child has written since the last call. */
  drain(): void {
    if (this.closed) return;
    for (;;) {
      const n = fs.readSync(this.readFd, this.buffer, 0, this.buffer.length, null);
      if (n === 0) return;
      const text = this.decoder.write(this.buffer.subarray(0, n));
      if (text) this.onText(text);
    }
  }

  /** After the child has exited: passes on the rest and removes the file. */
  close(): void {
    this.drain();
    this.closed = true;
    const tail = this.decoder.end();
    if (tail) this.onText(tail);
    this.watcher.close();
    fs.closeSync(this.readFd);
    fs.closeSync(this.writeFd);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
