/**
 * A firmware's console as the host shows it (npm run qemu, linux, sim): text goes out in whole
 * lines through the source-map line mapper, so a stack frame split across two reads is still
 * recognised, and everything shown is kept for the caller's result.
 */
import type { LineMapper } from "./source-map.ts";

export class ConsoleStream {
  /** Everything shown so far (mapped). */
  output = "";
  private pending = "";

  constructor(
    private readonly map: LineMapper = (t) => t,
    private readonly write: (text: string) => void = (t) => void process.stdout.write(t),
  ) {}

  /** What has arrived so far, shown or not yet (a partial last line). */
  get seen(): string {
    return this.output + this.pending;
  }

  /** Adds `chunk`; shows the whole lines, or everything when `flush`. */
  add(chunk: string, flush = false): void {
    this.pending += chunk;
    const cut = flush ? this.pending.length : this.pending.lastIndexOf("\n") + 1;
    if (cut === 0) return;
    this.show(this.map(this.pending.slice(0, cut)));
    this.pending = this.pending.slice(cut);
  }

  /** Shows `text` as it is (after the pending lines): output with no stack frames to map. */
  raw(text: string): void {
    this.add("", true);
    this.show(text);
  }

  private show(text: string): void {
    this.output += text;
    this.write(text);
  }
}
