/**
 * The simulator's guest runtime: what the engine and the native HAL give a firmware on the
 * target (engine/src/{timers,loop,crypto}.c, hal/native/*.c), rebuilt in JS for quickjs-emscripten.
 * It installs the timing globals, Date and performance on the board clock, the crypto
 * placeholder, the `hal` module's objects (globalThis.__tsmetalHal, which tools/sim/run.ts serves
 * as the module "hal") and one event-loop turn for the host to drive (globalThis.__tsmetalSim).
 */
import type { ClockSource, CpuTimerClockSource, IrqController, IrqHandlerOptions } from "hal";
import { Timers } from "./timers.ts";
import { SimIrq } from "./irq.ts";
import { SimClock, DEFAULT_EPOCH_MS } from "./clock.ts";
import { installEngineFixes } from "./engine-fixes.ts";

installEngineFixes();

/** What turn() tells the host: go on, the loop is done, or sleep (for a while, or until an interrupt). */
export const TURN_AGAIN = 0;
export const TURN_DONE = -1;
export const TURN_WAIT_FOR_INTERRUPT = -2;

let loopState = 0;
function startLoop(): void {
  if (loopState) return;
  loopState = 1;
  try {
    if (__host.hasUnit("loop")) __host.loadUnit("loop");
  } finally {
    loopState = 2;
  }
}

// quickjs-emscripten has no hook for unhandled rejections: the promises that callbacks of timers
// and interrupt handlers return are watched instead (those nobody else can handle).
let rejection: { reason: unknown } | undefined;
function watch(result: unknown): void {
  if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
    (result as PromiseLike<unknown>).then(undefined, (reason: unknown) => {
      rejection ??= { reason };
    });
  }
}

const clock = new SimClock();
const ensureClock = () => {
  if (!clock.attached) startLoop();
  return clock.attached;
};
const timers = new Timers({ ensure: ensureClock, now: () => clock.now(), ticksFromMs: (ms) => clock.ticksFromMs(ms) }, watch);
const irq = new SimIrq(startLoop, watch);

function address(v: unknown, align: number): number {
  const a = Math.trunc(Number(v));
  if (a < 0) throw new RangeError(`mmio address ${a} is negative`);
  if (a > 0xffff_ffff) throw new RangeError(`mmio address 0x${a.toString(16)} is outside the address space`);
  if (a % align) throw new RangeError(`mmio address 0x${a.toString(16)} is not ${align}-byte aligned`);
  return a;
}

/** Port numbers as hal/native/port-io.c checks them. */
function port(v: unknown, size: number): number {
  const p = Math.trunc(Number(v));
  if (!(p >= 0 && p <= 0xffff)) throw new RangeError(`I/O port ${p} is outside 0..0xffff`);
  if (p % size) throw new RangeError(`I/O port 0x${p.toString(16)} is not ${size}-byte aligned`);
  return p;
}

const g = globalThis as unknown as Record<string, unknown>;
g.__tsmetalHal = {
  mmio: {
    read8: (a: number) => __host.read8(address(a, 1)),
    read16: (a: number) => __host.read16(address(a, 2)),
    read32: (a: number) => __host.read32(address(a, 4)),
    write8: (a: number, v: number) => __host.write8(address(a, 1), v >>> 0),
    write16: (a: number, v: number) => __host.write16(address(a, 2), v >>> 0),
    write32: (a: number, v: number) => __host.write32(address(a, 4), v >>> 0),
  },
  io: __host.hasPorts()
    ? {
        in8: (p: number) => __host.in8(port(p, 1)),
        in16: (p: number) => __host.in16(port(p, 2)),
        in32: (p: number) => __host.in32(port(p, 4)),
        out8: (p: number, v: number) => __host.out8(port(p, 1), v >>> 0),
        out16: (p: number, v: number) => __host.out16(port(p, 2), v >>> 0),
        out32: (p: number, v: number) => __host.out32(port(p, 4), v >>> 0),
      }
    : {},
  barrier: { dmb() {}, dsb() {}, isb() {} },
  cpu: {
    exit(code: number): never {
      __host.exit(Number(code) | 0);
      // The host stops the interpreter at its next interrupt check; nothing after exit() runs.
      for (;;);
    },
    seedRandom() {},
  },
  irq: {
    attach: (c: IrqController) => irq.attach(c),
    on: (line: number, fn: (line: number) => void, o?: IrqHandlerOptions) => irq.on(line, fn, o),
    off: (line: number) => irq.off(line),
    counts: () => (ensureClock(), irq.countList()),
  },
  clock: {
    attach: (s: ClockSource | CpuTimerClockSource) => clock.attach(s),
    now: () => (ensureClock(), clock.now()),
    hz: () => (ensureClock(), clock.hz),
    setTime: (ms: number) => (ensureClock(), clock.setTime(ms)),
  },
  dma: {
    alloc(size: number, align = 16) {
      if (!__host.hasDma()) throw new TypeError("dma.alloc: this simulated machine has no DMA devices");
      const addr = __host.dmaAlloc(Number(size), Number(align));
      const buffer = new ArrayBuffer(Number(size));
      __host.dmaAttach(addr, buffer);
      return { addr, buffer };
    },
  },
  mem: { stats: () => __host.memStats() },
  image: { load: (name: string) => __host.loadUnit(String(name)) },
};

g.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => timers.set(false, fn, ms, args);
g.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => timers.set(true, fn, ms, args);
g.clearTimeout = (id?: unknown) => timers.clear(id);
g.clearInterval = (id?: unknown) => timers.clear(id);
g.queueMicrotask = (fn: unknown) => {
  if (typeof fn !== "function") throw new TypeError("queueMicrotask: the callback must be a function");
  Promise.resolve().then(() => fn());
};
g.performance = {
  now: () => (ensureClock(), clock.elapsedMs()),
  get timeOrigin() {
    return clock.attached ? clock.originWallMs() : DEFAULT_EPOCH_MS;
  },
};

// Date on the board clock, like newlib's gettimeofday over tsm_clock_wall_us.
const HostDate = Date;
const wallMs = () => (ensureClock() ? clock.wallMs() : DEFAULT_EPOCH_MS);
class BoardDate extends HostDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(wallMs());
    else super(...(args as [number]));
  }
  static now(): number {
    return wallMs();
  }
}
// Called without new, Date() returns the current time as a string.
g.Date = new Proxy(BoardDate, { apply: () => new BoardDate().toString() });

// The board's loop unit replaces getRandomValues when it has a random source (hal/crypto.ts).
const placeholder = function getRandomValues(array: unknown): unknown {
  startLoop();
  const c = g.crypto as { getRandomValues: (a: unknown) => unknown };
  if (c.getRandomValues === placeholder) throw new TypeError("crypto.getRandomValues: this board has no random number source");
  return c.getRandomValues(array);
};
Object.defineProperty(g, "crypto", { value: { getRandomValues: placeholder }, writable: true, configurable: true });

// One loop turn, after engine/src/loop.c. Between turns the host drains the promise jobs.
let inBatch = false;
let batchNow = 0;
let batchLimit = 0;
/** TURN_AGAIN, TURN_DONE, TURN_WAIT_FOR_INTERRUPT, or how long (µs of machine time) to sleep. */
function turn(): number {
  if (__host.irqAsserted()) irq.takePending();
  if (irq.dispatchOne()) return TURN_AGAIN;
  if (inBatch) {
    if (timers.runDue(batchNow, batchLimit)) return TURN_AGAIN;
    inBatch = false;
  }
  if (!timers.pending) return irq.keepsAlive ? TURN_WAIT_FOR_INTERRUPT : TURN_DONE;
  const next = timers.nextDeadline;
  const now = clock.now();
  if (next <= now) {
    inBatch = true;
    batchNow = now;
    batchLimit = timers.sequence;
    return TURN_AGAIN;
  }
  clock.arm(next);
  if (clock.now() >= next || irq.queued) return TURN_AGAIN;
  return Math.max(1, clock.microsFromTicks(next - clock.now()));
}
/** The first rejection of a watched promise, once (the host reports it as the engine does). */
function takeRejection(): unknown[] {
  const r = rejection;
  rejection = undefined;
  return r ? [r.reason] : [];
}
/** The host's copy of a DMA buffer after a device wrote to it (tools/sim/dma.ts). */
function dmaPut(buffer: ArrayBuffer, bytes: ArrayBuffer): void {
  new Uint8Array(buffer).set(new Uint8Array(bytes));
}
g.__tsmetalSim = { turn, takeRejection, dmaPut };
