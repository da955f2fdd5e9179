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
import { installAsyncTracking, installRejectionTracking, takeUnhandled } from "./rejections.ts";
import { WEB_GLOBALS } from "../../../runtime/web/web-globals.ts";
import { addressArg, integerArg, portArg, valueArg } from "./args.ts";

installEngineFixes();
installRejectionTracking();
installAsyncTracking();

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
    loopState = 2;
  } catch (e) {
    // As the engine (engine/src/engine.c): every later use of the loop throws the unit's error again.
    loopState = 0;
    throw e;
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

/**
 * hal's `mmio` (read8..write32) or `io` (in8..out32): each checks its arguments as hal/native does
 * (the address or port, then the value), then calls the host's accessor of the same name.
 */
function accessors(
  object: "mmio" | "io",
  load: "read" | "in",
  store: "write" | "out",
  where: (a: unknown, fn: string, bytes: number) => number,
): Record<string, (a: unknown, v?: unknown) => number | void> {
  const host = __host as unknown as Record<string, (a: number, v?: number) => number | void>;
  const bank: Record<string, (a: unknown, v?: unknown) => number | void> = {};
  for (const bits of [8, 16, 32] as const) {
    const read = `${load}${bits}`, write = `${store}${bits}`;
    bank[read] = (a: unknown) => host[read](where(a, `${object}.${read}`, bits / 8));
    bank[write] = (a: unknown, v: unknown) => host[write](where(a, `${object}.${write}`, bits / 8), valueArg(v, `${object}.${write}`, bits));
  }
  return bank;
}

const g = globalThis as unknown as Record<string, unknown>;
g.__tsmetalHal = {
  mmio: accessors("mmio", "read", "write", addressArg),
  io: __host.hasPorts() ? accessors("io", "in", "out", portArg) : {},
  barrier: { dmb() {}, dsb() {}, isb() {} },
  cpu: {
    exit(code: number): never {
      __host.exit(Number(code) | 0);
      // The host stops the interpreter at its next interrupt check; nothing after exit() runs.
      for (;;);
    },
    seedRandom() {},
    // As hal/native/hal-module.c: a whole number of ms from 0 (none) to 2^31 - 1.
    setJobBudget(ms: number): void {
      const n = Number(ms);
      if (!(n >= 0 && n <= 0x7fff_ffff && Math.trunc(n) === n)) {
        throw new RangeError("cpu.setJobBudget: the budget is a whole number of milliseconds from 1 to 2147483647, or 0 for none");
      }
      startLoop();
      __host.setJobBudget(n);
    },
    // What a loader would pass: on the PC family the virtio-mmio devices (models/soc/pc.ts), else nothing.
    commandLine: () => __host.commandLine(),
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
    alloc(size: unknown, align: unknown = 16) {
      const n = integerArg(size, "dma.alloc", "size");
      const a = integerArg(align, "dma.alloc", "align");
      if (!(n >= 1 && n <= 0xffff_ffff && a >= 1 && a <= 2 ** 31 && (a & (a - 1)) === 0)) {
        throw new RangeError("dma.alloc: size must be positive and align a power of two");
      }
      if (!__host.hasDma()) throw new TypeError("dma.alloc: this simulated machine has no DMA devices");
      const addr = __host.dmaAlloc(n, a);
      const buffer = new ArrayBuffer(n);
      __host.dmaAttach(addr, buffer);
      return { addr, buffer };
    },
  },
  mem: { stats: () => __host.memStats() },
  image: {
    load: (name: string) => __host.loadUnit(String(name)),
    // A REPL simulation's only (tools/sim/repl-host.ts), as a REPL engine's (engine/src/repl.c).
    ...(__host.replExec ? replImage(__host.replExec, __host.replWatchBreak!) : {}),
  },
};

/** The host answers [refusal] or [undefined, value], and a refusal string: TypeErrors here, as the engine's. */
function replImage(exec: (payload: ArrayBuffer) => [string | undefined, unknown?], watchBreak: (line: number) => string | undefined) {
  return {
    exec(payload: unknown): unknown {
      if (!(payload instanceof Uint8Array)) throw new TypeError("image.exec: the payload must be a Uint8Array");
      const [refusal, value] = exec(payload.slice().buffer);
      if (refusal !== undefined) throw new TypeError(refusal);
      return value;
    },
    watchBreak(line: unknown): void {
      const n = Number(line);
      if (!Number.isInteger(n)) throw new TypeError("image.watchBreak: the line must be an integer (-1: none)");
      const refusal = watchBreak(n);
      if (refusal !== undefined) throw new TypeError(refusal);
    },
  };
}

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
// The engine's own Date behind a proxy, not a subclass: a subclass's name and prototype would show
// in console.log ("BoardDate 1970-…") where the targets print a plain Date.
const BoardDate = new Proxy(HostDate, {
  construct: (target, args: unknown[], newTarget: Function) => Reflect.construct(target, args.length === 0 ? [wallMs()] : args, newTarget),
  // Called without new, Date() returns the current time as a string.
  apply: () => new HostDate(wallMs()).toString(),
});
Object.defineProperty(HostDate, "now", { value: function now(): number { return wallMs(); }, writable: true, configurable: true });
Object.defineProperty(HostDate.prototype, "constructor", { value: BoardDate, writable: true, configurable: true });
g.Date = BoardDate;

// The board's loop unit replaces getRandomValues when it has a random source (runtime/crypto.ts).
const placeholder = function getRandomValues(array: unknown): unknown {
  startLoop();
  const c = g.crypto as { getRandomValues: (a: unknown) => unknown };
  if (c.getRandomValues === placeholder) throw new TypeError("crypto.getRandomValues: this board has no random number source");
  return c.getRandomValues(array);
};
Object.defineProperty(g, "crypto", { value: { getRandomValues: placeholder }, writable: true, configurable: true });

// The web globals (engine/src/web-globals.c): each defined from its unit's export at first use,
// then a writable, configurable, non-enumerable data property. QuickJS here has no hook for a
// missing global, so each is an accessor until then (Node defines its lazy globals the same way).
for (const [unit, names] of Object.entries(WEB_GLOBALS)) {
  if (!__host.hasUnit(unit)) continue;
  for (const name of names) {
    const define = (value: unknown) => Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(g, name, {
      get() {
        const value = (__host.loadUnit(unit) as Record<string, unknown>)[name];
        define(value);
        return value;
      },
      set: define,
      configurable: true,
      enumerable: false,
    });
  }
}

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
/** The rejections nobody handled, each once, oldest first (the host reports them all, as the engine does). */
function takeRejection(): unknown[] {
  const r = rejection;
  rejection = undefined;
  return r ? [r.reason, ...takeUnhandled()] : takeUnhandled();
}
/** The host's copy of a DMA buffer after a device wrote to it (models/dma.ts). */
function dmaPut(buffer: ArrayBuffer, bytes: ArrayBuffer): void {
  new Uint8Array(buffer).set(new Uint8Array(bytes));
}
g.__tsmetalSim = { turn, takeRejection, dmaPut };
