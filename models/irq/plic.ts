/**
 * Register-level model of the RISC-V PLIC as on the FU540, after the FU540-C000 Manual v1p0
 * chapter 10 and the RISC-V PLIC specification: a gateway per source, priorities, pending bits,
 * and per context an enable bitmap, a threshold and a claim/complete register.
 *
 * Gateways (spec, "Interrupt Gateways"): `setLevel(source, level)` drives a level-triggered
 * source, `raise(source)` sends one request. A gateway forwards a request (sets the pending bit)
 * only while its source is not in flight; a claim clears the pending bit and puts the source in
 * flight until a completion, after which a still-high level (or a request raised meanwhile) is
 * forwarded again. A completion for a source not enabled for the completing context is silently
 * ignored (spec, "Interrupt Completion"); `ignoredCompletions` counts them.
 *
 * Offsets are written out from the manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Memory map, chapter 10.
const PRIORITY = 0x0, PENDING = 0x1000, ENABLE = 0x2000, ENABLE_STRIDE = 0x80;
const CONTEXT = 0x20_0000, CONTEXT_STRIDE = 0x1000, THRESHOLD = 0x0, CLAIM = 0x4;
/** Priorities and thresholds are 3 bits (0..7) on the FU540 (chapter 10). */
const LEVEL_MASK = 7;

export interface PlicModelOptions {
  /** The highest source id (default 53, the FU540's). */
  readonly sources?: number;
  /** Contexts (default 9: hart 0 M-mode, harts 1-4 M and S modes). */
  readonly contexts?: number;
  /** Called when a context's interrupt line (its EIP) changes level. */
  readonly onIrq?: (context: number, level: boolean) => void;
}

export class PlicModel {
  /** Completions ignored because the source was not enabled for the context (or did not exist). */
  ignoredCompletions = 0;
  readonly sources: number;
  private readonly priorities: number[];
  private readonly pendingBits: boolean[];
  private readonly inFlight: boolean[];
  private readonly levels: boolean[];
  private readonly requests: boolean[];
  /** Enable words per context; bit s & 31 of word s >> 5 enables source s. */
  private readonly enables: number[][];
  private readonly thresholds: number[];
  private readonly eips: boolean[];
  private readonly onIrq?: (context: number, level: boolean) => void;

  constructor(bus: MemoryBus, base: number, options: PlicModelOptions = {}) {
    const n = (this.sources = options.sources ?? 53);
    const contexts = options.contexts ?? 9;
    const words = (n >>> 5) + 1;
    this.onIrq = options.onIrq;
    this.priorities = new Array<number>(n + 1).fill(0);
    this.pendingBits = new Array<boolean>(n + 1).fill(false);
    this.inFlight = new Array<boolean>(n + 1).fill(false);
    this.levels = new Array<boolean>(n + 1).fill(false);
    this.requests = new Array<boolean>(n + 1).fill(false);
    this.enables = Array.from({ length: contexts }, () => new Array<number>(words).fill(0));
    this.thresholds = new Array<number>(contexts).fill(0);
    this.eips = new Array<boolean>(contexts).fill(false);
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => { const v = f(); this.sync(); return v >>> 0; });
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.sync(); });
    for (let s = 1; s <= n; s++) {
      r(PRIORITY + 4 * s, () => this.priorities[s]);
      w(PRIORITY + 4 * s, (v) => { this.priorities[s] = v & LEVEL_MASK; });
    }
    for (let i = 0; i < words; i++) {
      // Pending bits are read-only here: with the read hooked, a write to storage has no effect.
      r(PENDING + 4 * i, () => this.pendingWord(i));
      for (let c = 0; c < contexts; c++) {
        r(ENABLE + ENABLE_STRIDE * c + 4 * i, () => this.enables[c][i]);
        w(ENABLE + ENABLE_STRIDE * c + 4 * i, (v) => { this.enables[c][i] = v & wordMask(i, n); });
      }
    }
    for (let c = 0; c < contexts; c++) {
      r(CONTEXT + CONTEXT_STRIDE * c + THRESHOLD, () => this.thresholds[c]);
      w(CONTEXT + CONTEXT_STRIDE * c + THRESHOLD, (v) => { this.thresholds[c] = v & LEVEL_MASK; });
      r(CONTEXT + CONTEXT_STRIDE * c + CLAIM, () => this.claim(c));
      w(CONTEXT + CONTEXT_STRIDE * c + CLAIM, (v) => this.complete(c, v));
    }
  }

  /** Drives a level-triggered source's input. */
  setLevel(source: number, level: boolean): void {
    this.levels[this.checkSource(source)] = level;
    this.forward(source);
    this.sync();
  }

  /** Sends one request through the source's gateway (an edge, or a level pulse). */
  raise(source: number): void {
    this.requests[this.checkSource(source)] = true;
    this.forward(source);
    this.sync();
  }

  /** The source's pending bit. */
  pending(source: number): boolean {
    return this.pendingBits[this.checkSource(source)];
  }

  /** Whether the source has been claimed and not yet completed. */
  claimed(source: number): boolean {
    return this.inFlight[this.checkSource(source)];
  }

  enabled(context: number, source: number): boolean {
    this.checkSource(source);
    return ((this.enables[this.checkContext(context)][source >>> 5] >>> (source & 31)) & 1) !== 0;
  }

  /** The context's interrupt line: a pending enabled source with priority above the threshold. */
  eip(context: number): boolean {
    return this.best(this.checkContext(context)) !== 0;
  }

  /** The highest-priority pending enabled source above threshold, lowest id on ties; 0 if none. */
  private best(c: number): number {
    let best = 0, top = this.thresholds[c];
    for (let s = 1; s <= this.sources; s++) {
      if (this.pendingBits[s] && this.priorities[s] > top && this.enabled(c, s)) {
        best = s;
        top = this.priorities[s];
      }
    }
    return best;
  }

  /** A claim read returns the best source and clears its pending bit. */
  private claim(c: number): number {
    const s = this.best(c);
    if (s !== 0) {
      this.pendingBits[s] = false;
      this.inFlight[s] = true;
    }
    return s;
  }

  /** A completion lets the gateway forward again, if the source is enabled for `c`. */
  private complete(c: number, id: number): void {
    if (!(id >= 1 && id <= this.sources) || !this.enabled(c, id)) {
      this.ignoredCompletions++;
      return;
    }
    this.inFlight[id] = false;
    this.forward(id);
  }

  private forward(s: number): void {
    if (this.inFlight[s] || !(this.levels[s] || this.requests[s])) return;
    this.pendingBits[s] = true;
    this.requests[s] = false;
  }

  private pendingWord(i: number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) if (this.pendingBits[32 * i + b]) v |= 1 << b;
    return v;
  }

  private sync(): void {
    for (let c = 0; c < this.eips.length; c++) {
      const level = this.best(c) !== 0;
      if (level === this.eips[c]) continue;
      this.eips[c] = level;
      if (this.onIrq) this.onIrq(c, level);
    }
  }

  private checkSource(source: number): number {
    if (!(Number.isInteger(source) && source >= 1 && source <= this.sources)) throw new RangeError(`source ${source} is not 1..${this.sources}`);
    return source;
  }

  private checkContext(context: number): number {
    if (!(Number.isInteger(context) && context >= 0 && context < this.eips.length)) throw new RangeError(`context ${context} is not 0..${this.eips.length - 1}`);
    return context;
  }
}

/** The bits of enable word `i` that are sources 1..n (source 0 does not exist). */
function wordMask(i: number, n: number): number {
  const count = Math.min(32, n + 1 - 32 * i);
  const mask = count >= 32 ? 0xffff_ffff : (1 << count) - 1;
  return (i === 0 ? mask & ~1 : mask) >>> 0;
}
