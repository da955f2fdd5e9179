/** The event loop's side of interrupt lines, for driver and io/ tests against peripheral models. */
import type { IrqHandlerOptions, IrqRouter } from "hal";

/**
 * Interrupt lines with a model's outputs wired to `levels`: run() calls a line's handler while the
 * line is asserted, as the loop does for a level-triggered line it unmasks after each handler.
 * `level` is the level of the one line given to the constructor (a UART's single output).
 */
export class FakeIrq implements IrqRouter {
  /** Every on/off, with on's keepAlive option. */
  readonly calls: string[] = [];
  readonly levels = new Map<number, boolean>();
  private readonly handlers = new Map<number, (line: number) => void>();

  constructor(private readonly line = -1) {}

  get level(): boolean {
    return this.levels.get(this.line) ?? false;
  }

  set level(asserted: boolean) {
    this.levels.set(this.line, asserted);
  }

  on(line: number, handler: (line: number) => void, options?: IrqHandlerOptions): void {
    if (this.handlers.has(line)) throw new Error(`line ${line} is taken`);
    this.handlers.set(line, handler);
    this.calls.push(`on ${line} keepAlive=${options?.keepAlive}`);
  }

  off(line: number): void {
    this.handlers.delete(line);
    this.calls.push(`off ${line}`);
  }

  /** Runs the handlers of asserted lines until none is; returns how many ran. */
  run(): number {
    let runs = 0;
    for (;;) {
      let ran = false;
      for (const [line, level] of this.levels) {
        const h = this.handlers.get(line);
        if (!level || !h) continue;
        if (++runs > 100) throw new Error("interrupt storm: the handler does not clear the condition");
        h(line);
        ran = true;
      }
      if (!ran) return runs;
    }
  }
}
