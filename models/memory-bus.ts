/**
 * An in-memory register file implementing RegisterBus, for host tests and peripheral models.
 *
 * Storage is sparse and byte-addressed, little-endian like the ARM targets, so a 32-bit write is
 * visible to 8- and 16-bit reads of its bytes. A model gives registers side effects (read-to-clear,
 * FIFOs, write-1-to-clear) with hooks on exact addresses; a hooked access does not touch storage.
 * Every access through the RegisterBus methods is logged so tests can check init sequences;
 * peek/poke (the model's own access) are not. Misaligned accesses throw RangeError, as the
 * native `mmio` does.
 */
import type { RegisterBus, RegisterWidth } from "../hal/register.ts";

/** Returns the value the CPU reads; the bus truncates it to the access width. */
export type ReadHook = (addr: number, width: RegisterWidth) => number;
/** Receives the value the CPU writes, already truncated to the access width. */
export type WriteHook = (value: number, addr: number, width: RegisterWidth) => void;

export interface BusAccess {
  readonly kind: "read" | "write";
  readonly addr: number;
  readonly width: RegisterWidth;
  readonly value: number;
}

export interface MemoryBusOptions {
  /** Accesses kept in `log` before further ones are only counted in `logDropped` (default 100_000). */
  readonly logLimit?: number;
}

export class MemoryBus implements RegisterBus {
  /** Accesses in order, up to `logLimit`. */
  readonly log: BusAccess[] = [];
  /** Accesses not logged because the log was full. */
  logDropped = 0;
  private readonly logLimit: number;
  private readonly bytes = new Map<number, number>();
  private readonly readHooks = new Map<number, ReadHook>();
  private readonly writeHooks = new Map<number, WriteHook>();

  constructor(options: MemoryBusOptions = {}) {
    this.logLimit = options.logLimit ?? 100_000;
  }

  read8(addr: number): number { return this.access("read", addr, 8, 0); }
  read16(addr: number): number { return this.access("read", addr, 16, 0); }
  read32(addr: number): number { return this.access("read", addr, 32, 0); }
  write8(addr: number, value: number): void { this.access("write", addr, 8, value); }
  write16(addr: number, value: number): void { this.access("write", addr, 16, value); }
  write32(addr: number, value: number): void { this.access("write", addr, 32, value); }

  /** Gives reads of `addr` (any width) to `hook` instead of storage. Replaces an earlier hook. */
  onRead(addr: number, hook: ReadHook): void {
    this.readHooks.set(checkAddr(addr, 8), hook);
  }

  /** Gives writes to `addr` (any width) to `hook` instead of storage. Replaces an earlier hook. */
  onWrite(addr: number, hook: WriteHook): void {
    this.writeHooks.set(checkAddr(addr, 8), hook);
  }

  /** Reads storage, bypassing hooks and the log. */
  peek(addr: number, width: RegisterWidth = 32): number {
    checkAddr(addr, width);
    let v = 0;
    for (let i = width / 8 - 1; i >= 0; i--) v = (v << 8) | (this.bytes.get(addr + i) ?? 0);
    return v >>> 0;
  }

  /** Writes storage, bypassing hooks and the log. */
  poke(addr: number, value: number, width: RegisterWidth = 32): void {
    checkAddr(addr, width);
    for (let i = 0; i < width / 8; i++) this.bytes.set(addr + i, (value >>> (8 * i)) & 0xff);
  }

  /** The logged writes, optionally only those to `addr`. */
  writes(addr?: number): BusAccess[] {
    return this.log.filter((a) => a.kind === "write" && (addr === undefined || a.addr === addr));
  }

  clearLog(): void {
    this.log.length = 0;
    this.logDropped = 0;
  }

  private access(kind: "read" | "write", addr: number, width: RegisterWidth, value: number): number {
    checkAddr(addr, width);
    const max = width === 32 ? 0xffff_ffff : (1 << width) - 1;
    if (kind === "read") {
      const hook = this.readHooks.get(addr);
      value = (hook !== undefined ? hook(addr, width) & max : this.peek(addr, width)) >>> 0;
    } else {
      value = (value & max) >>> 0;
      const hook = this.writeHooks.get(addr);
      if (hook !== undefined) hook(value, addr, width);
      else this.poke(addr, value, width);
    }
    if (this.log.length < this.logLimit) this.log.push({ kind, addr, width, value });
    else this.logDropped++;
    return value;
  }
}

function checkAddr(addr: number, width: RegisterWidth): number {
  if (addr >>> 0 !== addr) throw new RangeError(`address ${addr} is not a 32-bit address`);
  if (addr % (width / 8) !== 0) throw new RangeError(`address 0x${addr.toString(16)} is not ${width}-bit aligned`);
  return addr;
}
