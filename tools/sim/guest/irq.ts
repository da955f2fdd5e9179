/**
 * hal.irq for the simulator's guest, after hal/native/irq.c: the same controller descriptions
 * (banked, claim, vectored), the same top half (run here at the loop's turn boundaries whenever the
 * machine's interrupt output is asserted, instead of in an exception) and the same bottom-half
 * rules: one handler per line, keep-alive, release after the handler, off() completing a
 * claimed line before disabling it.
 */
import type { IrqController, IrqHandlerOptions } from "hal";
import { clamp, integerArg } from "./args.ts";

const MAX_LINES = 256;

interface Bank {
  firstLine: number;
  pending: number;
  enable: number;
  disable: number;
  mask: number;
}

interface Vectored {
  firstVector: number;
  eoi: number;
  select: number;
  window: number;
  firstIndex: number;
  indexStride: number;
  maskBit: number;
}

interface Claim {
  claim: number;
  complete: number;
  drop: number;
  none: number;
  idMask: number;
}

export class SimIrq {
  private banks: Bank[] = [];
  private claimRegs?: Claim;
  private vectored?: Vectored;
  private readonly queue: number[] = [];
  private readonly counts = new Map<number, number>();
  private readonly handlers = new Map<number, { fn: (line: number) => unknown; keepAlive: boolean }>();
  private inService = -1;

  /** `watch` receives what each handler returns (a promise may reject later). */
  constructor(private readonly startLoop: () => void, private readonly watch: (result: unknown) => void) {}

  get keepsAlive(): boolean {
    for (const h of this.handlers.values()) if (h.keepAlive) return true;
    return false;
  }

  get queued(): boolean {
    return this.queue.length > 0;
  }

  attach(c: IrqController): void {
    if (this.banks.length) throw new TypeError("irq.attach: an interrupt controller is already attached");
    const u32 = (v: unknown, name: string): number => {
      if (typeof v !== "number") throw new TypeError(`irq.attach: ${name} must be a number`);
      if (!(v >= 0 && v <= 0xffff_ffff) || v !== Math.floor(v)) throw new RangeError(`irq.attach: ${name} must be a 32-bit unsigned integer`);
      return v;
    };
    if (c.kind !== "banked" && c.kind !== "claim" && c.kind !== "vectored") {
      throw new TypeError('irq.attach: unknown controller kind (expected "banked", "claim" or "vectored")');
    }
    if (c.kind === "vectored") {
      this.vectored = {
        firstVector: u32(c.firstVector, "firstVector"),
        eoi: u32(c.eoi, "eoi"),
        select: u32(c.select, "select"),
        window: u32(c.window, "window"),
        firstIndex: u32(c.firstIndex, "firstIndex"),
        indexStride: u32(c.indexStride, "indexStride"),
        maskBit: u32(c.maskBit, "maskBit"),
      };
    }
    if (c.kind === "claim") {
      const claim = u32(c.claim, "claim");
      this.claimRegs = {
        claim,
        complete: c.complete === undefined ? claim : u32(c.complete, "complete"),
        drop: c.priorityDrop === undefined ? 0 : u32(c.priorityDrop, "priorityDrop"),
        none: c.none === undefined ? 0 : u32(c.none, "none"),
        idMask: c.idMask === undefined ? 0xffff_ffff : u32(c.idMask, "idMask"),
      };
    }
    if (c.banks.length < 1 || c.banks.length > 8) throw new RangeError("irq.attach: 1 to 8 banks");
    this.banks = c.banks.map((b) => ({
      firstLine: u32(b.firstLine, "firstLine"),
      enable: "enable" in b && b.enable !== undefined ? u32(b.enable, "enable") : 0,
      mask: u32(b.mask, "mask"),
      pending: "pending" in b ? u32(b.pending, "pending") : 0,
      disable: "disable" in b && b.disable !== undefined ? u32(b.disable, "disable") : 0,
    }));
  }

  /** The top half: takes every line the controller signals. */
  takePending(): void {
    const v = this.vectored;
    if (v) {
      for (let vector = __host.takeVector(); vector >= 0; vector = __host.takeVector()) {
        const line = vector - v.firstVector;
        if (line < 0 || this.bankOf(line) < 0) continue;
        this.setMasked(line, true);
        this.take(line);
        __host.write32(v.eoi, 0);
      }
      return;
    }
    const c = this.claimRegs;
    if (c) {
      for (;;) {
        const line = (__host.read32(c.claim) & c.idMask) >>> 0;
        if (line === c.none) break;
        if (c.drop) __host.write32(c.drop, line);
        if (this.bankOf(line) < 0) {
          __host.write32(c.complete, line);
          continue;
        }
        this.take(line);
      }
      return;
    }
    for (const b of this.banks) {
      const p = (__host.read32(b.pending) & b.mask) >>> 0;
      if (!p) continue;
      __host.write32(b.disable, p);
      for (let bit = 0; bit < 32; bit++) if ((p >>> bit) & 1) this.take(b.firstLine + bit);
    }
  }

  /** Runs the lowest queued line's handler; false if none was queued. */
  dispatchOne(): boolean {
    if (!this.queue.length) return false;
    this.queue.sort((a, b) => a - b);
    const line = this.queue.shift() as number;
    const h = this.handlers.get(line);
    if (!h) return true; // taken before off() removed its handler (off() completed a claimed line)
    this.inService = line;
    this.watch(h.fn(line));
    if (this.claimRegs ? this.inService === line : this.handlers.has(line)) this.release(line);
    this.inService = -1;
    return true;
  }

  on(line: number, fn: (line: number) => void, options?: IrqHandlerOptions): void {
    line = this.lineArg(line, "irq.on");
    if (typeof fn !== "function") throw new TypeError("irq.on: the handler must be a function");
    if (this.handlers.has(line)) throw new TypeError(`irq.on: line ${line} already has a handler (irq.off first)`);
    this.handlers.set(line, { fn, keepAlive: options?.keepAlive ?? true });
    this.setEnabled(line, true);
  }

  off(line: number): void {
    line = this.lineArg(line, "irq.off");
    if (!this.handlers.has(line)) return;
    if (this.claimRegs) {
      const i = this.queue.indexOf(line);
      if (i >= 0 || this.inService === line) {
        if (i >= 0) this.queue.splice(i, 1);
        this.release(line);
        this.inService = -1;
      }
    }
    this.setEnabled(line, false);
    this.handlers.delete(line);
  }

  countList(): Array<{ line: number; count: number }> {
    const lines = new Set([...this.counts.keys(), ...this.handlers.keys()]);
    return [...lines].sort((a, b) => a - b).map((line) => ({ line, count: this.counts.get(line) ?? 0 }));
  }

  private take(line: number): void {
    if (!this.queue.includes(line)) this.queue.push(line);
    this.counts.set(line, (this.counts.get(line) ?? 0) + 1);
  }

  private release(line: number): void {
    if (this.claimRegs) __host.write32(this.claimRegs.complete, line);
    else this.setEnabled(line, true);
  }

  /** A vectored line's mask bit, behind the index/data pair (I/O APIC IOREGSEL/IOWIN). */
  private setMasked(line: number, masked: boolean): void {
    const v = this.vectored as Vectored;
    __host.write32(v.select, v.firstIndex + v.indexStride * line);
    const w = __host.read32(v.window);
    __host.write32(v.window, (masked ? w | v.maskBit : w & ~v.maskBit) >>> 0);
  }

  private setEnabled(line: number, on: boolean): void {
    if (this.vectored) return this.setMasked(line, !on);
    const b = this.banks[this.bankOf(line)];
    const bit = (1 << (line - b.firstLine)) >>> 0;
    if (b.disable) __host.write32(on ? b.enable : b.disable, bit);
    else __host.write32(b.enable, on ? (__host.read32(b.enable) | bit) >>> 0 : (__host.read32(b.enable) & ~bit) >>> 0);
  }

  private bankOf(line: number): number {
    if (line >= MAX_LINES) return -1;
    return this.banks.findIndex((b) => line >= b.firstLine && line - b.firstLine < 32 && ((b.mask >>> (line - b.firstLine)) & 1) === 1);
  }

  private lineArg(value: unknown, fn: string): number {
    const line = integerArg(value, fn, "line");
    if (!this.banks.length) this.startLoop();
    if (line >= 0 && this.bankOf(line) >= 0) return line;
    if (!this.banks.length) throw new TypeError("no interrupt controller attached (the board calls hal.irq.attach)");
    throw new RangeError(`${fn}: interrupt line ${clamp(line)} does not exist on this controller`);
  }
}
