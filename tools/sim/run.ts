/**
 * `npm run sim`: the firmware's esbuild bundles run in Node on quickjs-emscripten, with the board's
 * peripherals as the register-level models of models/ (models/machines.ts). The guest runtime
 * (tools/sim/guest/) stands in for the engine's loop and the native HAL. Machine time advances
 * only by what the firmware does: 10 ns per register or port access, and at once to the next deadline
 * when the loop sleeps, so a one-hour timer takes milliseconds and every run is the same.
 * Output and exit codes follow `npm run qemu`.
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { scriptBundle } from "../lib/script-bundle.ts";
import { type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten";
import { loadBoard, type Board } from "../lib/boards.ts";
import { bundle, bundleUnit, typeCheck, type Bundle } from "../lib/bundle.ts";
import type { Defines } from "../lib/defines.ts";
import { optionalUnits, unitsFor, WEBCRYPTO_PRELUDE, webCryptoPreludeNeeded } from "../lib/units.ts";
import { repoPath } from "../lib/paths.ts";
import { defaultApp, defaultOutDir } from "../lib/build.ts";
import { loadLineMapper } from "../lib/source-map.ts";
import { ConsoleStream } from "../lib/console-stream.ts";
import { EXIT_TIMEOUT, type QemuResult } from "../lib/qemu.ts";
import { EXIT_RESET } from "../lib/qemu-reset.ts";
import { UserError } from "../lib/errors.ts";
import type { SimMachine } from "../../models/machine.ts";
import { receiveConsoleInput, takeConsoleOutput } from "../../models/uart/console.ts";
import { machineFor, type MachineOptions } from "../../models/machines.ts";
import { loadSimDisk } from "./disk.ts";
import { newCappedQuickJSModule } from "./wasm-memory.ts";
import { elideFrames, hideRuntimeFrames } from "./stack-trace.ts";
import { checkPins, type PinEvent } from "./pin-schedule.ts";
import { trackAsync } from "./async-tracking.ts";
import { EXIT_TERMINAL_QUIT, type LiveInput } from "./terminal.ts";
import { installReplHost, type ReplHost } from "./repl-host.ts";

/** Exit codes as the engine's (engine/include/tsmetal.h). */
const EXIT_UNCAUGHT = 1, EXIT_OUT_OF_MEMORY = 3, EXIT_FAULT = 4, EXIT_JOB_BUDGET = 7;
const TURN_AGAIN = 0, TURN_DONE = -1, TURN_WAIT_FOR_INTERRUPT = -2;
/** Machine time per register access. */
const ACCESS_NS = 10;
/** The default heap limit: what a small board has for the engine. */
const DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024;
/** QuickJS's stack limit: ~2,000 frames of a small function (test/fixtures/stack/depth.ts), within
    a factor of two of the targets (tools/lib/boards.ts defaultStackSize). Higher, Node's own stack,
    which the wasm frames use, runs out first. */
const STACK_LIMIT = 384 * 1024;
/** Machine time the loop may sleep with no timer and no input before the run counts as stuck. */
const IDLE_LIMIT_US = 24 * 3600 * 1e6;

export interface SimRun {
  board: string;
  app?: string;
  /** Seconds; Infinity for none (--timeout 0). */
  timeoutS: number;
  /** Console input, fed to the UART as fast as its receiver takes it; then end of input. */
  input?: Uint8Array | string;
  memoryLimit?: number;
  /** Per-job execution budget in ms (--max-job-ms; default board.json maxJobMs, else none). Machine
      time stands still while JS computes, so the simulator times jobs in host time. */
  maxJobMs?: number;
  /** Build-time strings for the app (--define NAME=VALUE, tools/lib/defines.ts). */
  defines?: Defines;
  /** GPIO input changes at machine times (--pin, tools/sim/pin-schedule.ts), in time order. */
  pins?: readonly PinEvent[];
  /**
   * A terminal typing into the console UART (tools/sim/terminal.ts), after `input`. While one is
   * attached, machine time follows the host's when the firmware sleeps (a person is typing), and
   * waiting for input is not the end of the run.
   */
  terminal?: LiveInput;
  /** The REPL's part of hal.image, exec and watchBreak (tools/sim/repl-host.ts; npm run repl --sim only). */
  repl?: boolean;
  onOutput?: (text: string) => void;
  /** A disk image in the machine's card slot (--disk, tools/sim/disk.ts), written back at the end. */
  disk?: string;
}

export async function simMachineFor(board: Board, options: MachineOptions = {}): Promise<SimMachine> {
  // A Linux board's machine is the register space npm run linux serves; its console is native.
  if (board.target.linux) throw new UserError(`board '${board.name}' is a Linux userspace board; run it with npm run linux`);
  const machine = machineFor(board.family, board.config, options);
  if (!machine) {
    throw new UserError(`board '${board.name}' has no simulator machine (no model of the SoC family '${board.family}' in models/machines.ts); use npm run qemu`);
  }
  return machine;
}

const guestRuntimeSource = (): Promise<string> => scriptBundle("tools/sim/guest/runtime.ts", { external: ["hal"] });

export async function runSim(o: SimRun): Promise<QemuResult> {
  const board = loadBoard(o.board);
  const disk = o.disk === undefined ? undefined : await loadSimDisk(board, o.disk);
  const machine = await simMachineFor(board, { disk: disk?.bytes });
  checkPins(board.name, o.pins ?? [], machine.pins);
  const app = path.resolve(o.app ?? defaultApp());
  const outDir = defaultOutDir(`${board.name}-sim`, app);
  await mkdir(outDir, { recursive: true });
  await typeCheck(board, app, outDir);
  const bundles = [await bundle(board, app, outDir, o.defines), ...(await Promise.all(unitsFor(board).map((u) => bundleUnit(board, u.name, u.entry, outDir))))];
  // The optional units, as the build picks them (tools/lib/units.ts). The family's network unit
  // becomes the simulator's stand-in, which has no NIC to offer.
  const noNetwork = repoPath("tools/sim/guest/no-network.ts");
  bundles.push(...(await optionalUnits(board, bundles, (u) => bundleUnit(board, u.name, u.name === "network" ? noNetwork : u.entry, outDir))));
  // crypto.subtle and randomUUID are defined by a prelude in unit "main" (tools/lib/units.ts).
  if (await webCryptoPreludeNeeded(bundles)) bundles[0] = await bundle(board, app, outDir, o.defines, [WEBCRYPTO_PRELUDE]);
  const sources = new Map<string, string>();
  // Each async function's and new Promise's promise is tracked (tools/sim/async-tracking.ts).
  for (const b of bundles) sources.set(b.script, tracked(b.script, await readFile(b.js, "utf8")));
  // A WebAssembly instance of its own per run, dropped afterwards rather than disposed: a run that
  // ends by exit() or a timeout leaves the interpreter mid-call, which QuickJS cannot free cleanly.
  const wasm = await newCappedQuickJSModule(o.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
  const simulation = new Simulation(wasm.module.newRuntime(), machine, bundles, sources, o, await guestRuntimeSource());
  // The limit is the firmware's alone (tools/sim/wasm-memory.ts).
  wasm.takeFreeMemory();
  try {
    return await simulation.run();
  } finally {
    await disk?.save();
  }
}

/** `source` with its promises tracked; as it is, and a warning, if the TypeScript compiler cannot read it (a syntax error, or the compiler's API failed). */
function tracked(script: string, source: string): string {
  try {
    return trackAsync(source);
  } catch (e) {
    process.stderr.write(`tsmetal sim: ${script} could not be read for rejection tracking (${(e as Error).message}): its dropped async rejections are not reported\n`);
    return source;
  }
}

/** A reset ends the run as under QEMU with -no-reboot (tools/lib/qemu-reset.ts). */
const SIM_RESET_MESSAGE = `tsmetal: the board reset itself (a watchdog or a reboot); the simulator ends the run as QEMU does with -no-reboot (exit code ${EXIT_RESET})\n`;

class Simulation {
  private readonly ctx: QuickJSContext;
  private readonly shown: ConsoleStream;
  private readonly decoder = new TextDecoder();
  private readonly wallDeadline: number;
  private readonly units = new Map<string, QuickJSHandle>();
  /** What units threw when evaluated: each later load throws it again (engine/src/engine.c eval_unit). */
  private readonly failedUnits = new Map<string, QuickJSHandle>();
  /** Guest ArrayBuffers of DMA allocations, by physical address. */
  private readonly dmaBuffers = new Map<number, QuickJSHandle>();
  private exitCode?: number;
  private fault?: string;
  private timedOut = false;
  private input: Uint8Array;
  private accessNs = 0;
  /** Machine time skipped while waiting for an interrupt with no timer and no input. */
  private idleUs = 0;
  /** Machine time since boot, µs. */
  private nowUs = 0;
  /** --pin changes not made yet, in time order. */
  private readonly pinEvents: PinEvent[];
  private peak = 0;
  private readonly limit: number;
  /** The job budget (engine/src/budget.c): ms and the setting's name, the running job's start
      (host time), and whether a job overran it. */
  private budget?: { ms: number; source: string };
  private jobStart?: number;
  private overran = false;
  /** Image units being evaluated: not timed. */
  private unitDepth = 0;
  /** The REPL's exec and Ctrl-C (SimRun.repl). */
  private replHost?: ReplHost;

  constructor(
    private readonly rt: QuickJSRuntime,
    private readonly machine: SimMachine,
    private readonly bundles: Bundle[],
    private readonly sources: Map<string, string>,
    private readonly o: SimRun,
    private readonly runtimeSource: string,
  ) {
    this.shown = new ConsoleStream(loadLineMapper(bundles), o.onOutput);
    this.input = typeof o.input === "string" ? new TextEncoder().encode(o.input) : (o.input ?? new Uint8Array());
    this.pinEvents = [...(o.pins ?? [])];
    this.wallDeadline = Date.now() + o.timeoutS * 1000;
    this.limit = o.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    rt.setMemoryLimit(this.limit);
    rt.setMaxStackSize(STACK_LIMIT);
    // The REPL's Ctrl-C needs the interrupt handler, which a budget would own (engine/src/repl.c).
    const maxJobMs = o.repl ? o.maxJobMs : (o.maxJobMs ?? loadBoard(o.board).maxJobMs);
    if (maxJobMs) this.budget = { ms: maxJobMs, source: "--max-job-ms" };
    rt.setInterruptHandler(() => {
      if (this.exitCode !== undefined || this.fault !== undefined || this.overran) return true;
      if (o.terminal?.quitRequested()) {
        this.quitByTerminal();
        return true;
      }
      // Ctrl-C for the REPL: the console took a byte while an input runs (tools/sim/repl-host.ts).
      if (this.replHost?.breakRequested(() => this.feedInput())) return true;
      if (Date.now() > this.wallDeadline) return (this.timedOut = true);
      if (this.budget && this.jobStart !== undefined && this.unitDepth === 0 && performance.now() - this.jobStart > this.budget.ms) return (this.overran = true);
      return false;
    });
    rt.setModuleLoader((name) => this.loadModule(name));
    this.ctx = rt.newContext();
    this.installHost();
  }

  async run(): Promise<QemuResult> {
    try {
      return await this.runGuest();
    } catch (e) {
      return this.engineCrashed(e);
    }
  }

  /**
   * A host error out of the WebAssembly instance, which is then abandoned mid-call: Node's own
   * stack ran out under the engine's C recursion (the wasm frames live on it, and some native
   * paths, JSON.stringify of deep nesting for one, use it up before QuickJS's stack limit is
   * reached), or a wasm trap. Ended as the target would end, with a clear message and never a
   * host stack trace: the stack overflow as the engine reports an uncaught one (exit 1; the
   * guest could not catch it here), anything else as a CPU fault (exit 4).
   */
  private engineCrashed(e: unknown): QemuResult {
    const overflow = e instanceof RangeError && /call stack/i.test(e.message);
    // WebAssembly.RuntimeError (a trap); the project's Node typings do not declare WebAssembly.
    if (!overflow && !(e instanceof Error && e.name === "RuntimeError")) throw e;
    this.flushConsole();
    if (this.exitCode === undefined && !this.timedOut) {
      if (overflow) {
        this.emitDiagnostic("Uncaught InternalError: stack overflow\ntsmetal sim: Node's stack ran out inside the engine's native code (the firmware could not catch it here)\n");
        this.exitCode = EXIT_UNCAUGHT;
      } else {
        this.emitDiagnostic(`\ntsmetal sim: CPU fault: the engine crashed (WebAssembly ${(e as Error).message})\n`);
        this.exitCode = EXIT_FAULT;
      }
    }
    this.shown.add("", true);
    const code = this.timedOut ? EXIT_TIMEOUT : (this.exitCode as number) & 0xff;
    return { code, timedOut: this.timedOut, output: this.shown.output, stderr: this.fault ?? "" };
  }

  private async runGuest(): Promise<QemuResult> {
    const ctx = this.ctx;
    // --pin changes at time 0 are there at power-on.
    this.advance(0);
    this.check(ctx.evalCode(this.runtimeSource, "tsmetal-sim-runtime.js"));
    // image.load("main") must work while the firmware is still evaluating (the engine's namespace
    // exists from linking): the firmware imports itself and hands its namespace over first. On
    // the bundle's first line, so that every line number (and the source map) stays as it is.
    const selfImport = 'import * as __tsmetalMain from "firmware.js"; globalThis.__tsmetalHal.image.main = __tsmetalMain; ';
    if (this.exitCode === undefined) this.job(() => this.check(ctx.evalCode(selfImport + (this.sources.get("firmware.js") as string), "firmware.js", { type: "module" })));
    const sim = ctx.getProp(ctx.global, "__tsmetalSim");
    const turn = ctx.getProp(sim, "turn");
    const takeRejection = ctx.getProp(sim, "takeRejection");
    sim.dispose();
    try {
      while (this.exitCode === undefined) {
        // Input the UART took is news for the firmware: no sleeping past it this turn.
        const fed = this.feedInput();
        // One promise job at a time: each is timed against the budget on its own.
        let jobError: QuickJSHandle | undefined;
        for (;;) {
          const jobs = this.job(() => this.rt.executePendingJobs(1));
          if (jobs.error) {
            jobError = jobs.error;
            break;
          }
          if (jobs.value === 0 || this.overran || this.exitCode !== undefined) break;
        }
        if (jobError) {
          this.report(jobError);
          continue;
        }
        if (this.overran) this.reportOverrun();
        if (this.exitCode !== undefined) break;
        const rejected = ctx.callFunction(takeRejection, ctx.undefined);
        if (rejected.error) {
          this.report(rejected.error);
          continue;
        }
        // Every one is reported, then the firmware ends with the first one's code (engine/src/rejections.c).
        const reasons = rejected.value.consume((list) => Array.from({ length: ctx.getProp(list, "length").consume((n) => ctx.getNumber(n)) }, (_, i) => ctx.getProp(list, i)));
        if (reasons.length) {
          let code: number | undefined;
          for (const reason of reasons) {
            if (code !== undefined) this.exitCode = undefined;
            this.report(reason, "Uncaught (in promise) ");
            code ??= this.exitCode;
          }
          this.exitCode = code;
          continue;
        }
        const r = this.job(() => this.check(ctx.callFunction(turn, ctx.undefined)));
        if (this.overran) this.reportOverrun();
        if (this.exitCode !== undefined) break;
        this.flushConsole();
        if (this.machine.resetRequested) this.exitCode = EXIT_RESET;
        else if (r === TURN_DONE) this.exitCode = 0;
        else if (r === TURN_WAIT_FOR_INTERRUPT && !fed) {
          // Skip ahead to the machine's next interrupt (a timer compare armed by a driver) or
          // --pin change, but not forever: a clock's own periodic match is no reason to wait.
          // A terminal can always type: its run waits for it, in host time.
          const next = this.machine.nextEventIn?.();
          const pin = this.untilPinEvent();
          if (this.o.terminal) await this.sleep(Math.min(next ?? Infinity, pin ?? Infinity));
          else if (pin !== undefined && pin <= (next ?? Infinity)) {
            this.idleUs = 0;
            this.advance(pin);
          } else if (next === undefined || (this.idleUs += next) > IDLE_LIMIT_US) this.stuck();
          else this.advance(next);
        } else if (r !== undefined && r > 0 && !fed) {
          this.idleUs = 0;
          // A pin change can raise an interrupt, which ends the sleep.
          const until = Math.min(r, this.untilPinEvent() ?? Infinity);
          if (this.o.terminal) await this.sleep(until);
          else this.advance(until);
        }
        if (fed) this.idleUs = 0;
        if (Date.now() > this.wallDeadline) {
          this.timedOut = true;
          this.exitCode = EXIT_TIMEOUT;
        }
      }
    } finally {
      turn.dispose();
      takeRejection.dispose();
      for (const h of this.units.values()) h.dispose();
      this.units.clear();
      for (const h of this.failedUnits.values()) h.dispose();
      this.failedUnits.clear();
    }
    this.flushConsole();
    this.shown.add("", true);
    const code = this.timedOut ? EXIT_TIMEOUT : (this.exitCode as number) & 0xff;
    const stderr = code === EXIT_RESET && this.machine.resetRequested ? SIM_RESET_MESSAGE : (this.fault ?? "");
    return { code, timedOut: this.timedOut, output: this.shown.output, stderr };
  }

  /** Runs one job (top-level code, a promise job, a loop turn's callback) timed against the budget. */
  private job<T>(run: () => T): T {
    this.jobStart = performance.now();
    try {
      return run();
    } finally {
      this.jobStart = undefined;
    }
  }

  /** hal.cpu.setJobBudget(ms): 0 clears the budget; the running job is timed from now. */
  private setJobBudget(ms: number): void {
    this.budget = ms > 0 ? { ms, source: "hal.cpu.setJobBudget" } : undefined;
    if (this.jobStart !== undefined) this.jobStart = performance.now();
  }

  /** The overrun as engine/src/budget.c reports it (exit 7), with the stopped job's stack if known. */
  private reportOverrun(rawStack = ""): void {
    if (this.exitCode !== undefined) return;
    const b = this.budget as { ms: number; source: string };
    const stack = elideFrames(hideRuntimeFrames(rawStack.replace(/(\.js:\d+):\d+/g, "$1")));
    this.flushConsole();
    this.emitDiagnostic(`tsmetal: a job ran longer than its execution budget of ${b.ms} ms (${b.source}) and was stopped\n${stack}`);
    this.exitCode = EXIT_JOB_BUDGET;
  }

  /** Moves machine time `us` on, making the --pin changes that fall due on the way at their times. */
  private advance(us: number): void {
    const end = this.nowUs + us;
    while (this.pinEvents.length && this.pinEvents[0].us <= end) {
      const e = this.pinEvents.shift() as PinEvent;
      if (e.us > this.nowUs) {
        this.machine.advance(e.us - this.nowUs);
        this.nowUs = e.us;
      }
      this.machine.pins?.drive(e.pin, e.level);
    }
    if (end > this.nowUs) this.machine.advance(end - this.nowUs);
    this.nowUs = end;
  }

  /** Machine time until the next --pin change, or undefined if none is left. */
  private untilPinEvent(): number | undefined {
    return this.pinEvents.length ? Math.max(1, this.pinEvents[0].us - this.nowUs) : undefined;
  }

  /**
   * With a terminal: sleeps up to `us` of machine time (Infinity: until a key) as host time, and
   * moves machine time on by what passed, less if a key came first.
   */
  private async sleep(us: number): Promise<void> {
    const terminal = this.o.terminal as LiveInput;
    const started = performance.now();
    await terminal.wait(Math.min(us / 1000, this.wallDeadline - Date.now()));
    if (terminal.quit) return this.quitByTerminal();
    const passed = Math.max(1, Math.round((performance.now() - started) * 1000));
    this.idleUs = 0;
    this.advance(Math.min(us, passed));
  }

  /** Ctrl-A x on the terminal (tools/sim/terminal.ts). */
  private quitByTerminal(): void {
    if (this.exitCode !== undefined) return;
    this.flushConsole();
    this.emitDiagnostic("\ntsmetal sim: ended with Ctrl-A x\n");
    this.exitCode = EXIT_TERMINAL_QUIT;
  }

  /** The loop waits for an interrupt that nothing can raise any more: under QEMU a hang until the timeout. */
  private stuck(): void {
    this.emitDiagnostic("tsmetal sim: the firmware waits for an interrupt, and no timer or input is left to raise one\n");
    this.timedOut = true;
    this.exitCode = EXIT_TIMEOUT;
  }

  /** Offers the pending input (and what the terminal typed) to the console UART; true if it took some. */
  private feedInput(): boolean {
    const typed = this.o.terminal?.take();
    if (typed?.length) this.input = Uint8Array.from([...this.input, ...typed]);
    if (this.input.length === 0) return false;
    const n = receiveConsoleInput(this.machine.console, this.input);
    this.input = this.input.subarray(n);
    return n > 0;
  }

  /** A result's value as a number (or undefined), or its error reported as the engine does. */
  private check(r: ReturnType<QuickJSContext["evalCode"]>): number | undefined {
    if (r.error) {
      this.report(r.error);
      return undefined;
    }
    const v = this.ctx.typeof(r.value) === "number" ? this.ctx.getNumber(r.value) : undefined;
    r.value.dispose();
    return v;
  }

  /** Uncaught exceptions as engine/src/report.c prints them (exit 1, or 3 when out of memory). */
  private report(error: QuickJSHandle, prefix = "Uncaught "): void {
    const ctx = this.ctx;
    try {
      if (this.overran && this.exitCode === undefined) {
        const d = ctx.dump(error) as { stack?: unknown } | undefined;
        this.reportOverrun(typeof d?.stack === "string" ? d.stack : "");
        return;
      }
      if (this.exitCode !== undefined || this.timedOut || this.fault !== undefined) {
        if (this.timedOut && this.exitCode === undefined) this.exitCode = EXIT_TIMEOUT;
        if (this.fault !== undefined && this.exitCode === undefined) this.exitCode = EXIT_FAULT;
        return;
      }
      const d = ctx.dump(error) as unknown;
      const e = (typeof d === "object" && d !== null ? d : {}) as { name?: string; message?: string; stack?: string };
      const text = typeof d === "object" && d !== null && e.name !== undefined ? `${e.name}: ${e.message}` : String(d);
      // quickjs-emscripten's QuickJS records columns; the engine's (2021) only lines.
      // The guest runtime's own frames are the engine's C code on the target: not shown.
      const stack = elideFrames(hideRuntimeFrames((e.stack ?? "").replace(/(\.js:\d+):\d+/g, "$1")));
      this.flushConsole();
      this.emitDiagnostic(`${prefix}${text}\n${stack}`);
      this.exitCode = e.message === "out of memory" ? EXIT_OUT_OF_MEMORY : EXIT_UNCAUGHT;
    } finally {
      error.dispose();
    }
  }

  private emitDiagnostic(text: string): void {
    this.shown.add(text, true);
  }

  private flushConsole(): void {
    const bytes = takeConsoleOutput(this.machine.console);
    if (bytes.length) this.shown.add(this.decoder.decode(Uint8Array.from(bytes), { stream: true }));
  }

  private loadModule(name: string): string {
    if (name === "hal") {
      return [
        "const h = globalThis.__tsmetalHal;",
        "export const mmio = h.mmio, io = h.io, barrier = h.barrier, cpu = h.cpu, irq = h.irq, clock = h.clock,",
        "  dma = h.dma, mem = h.mem, image = h.image;",
      ].join("\n");
    }
    const src = this.sources.get(name);
    if (src === undefined) throw new Error(`module '${name}' is not part of the firmware image`);
    return src;
  }

  /** The CPU's side of the machine: register accesses (with their time and the mapped ranges), exit, units. */
  private installHost(): void {
    const ctx = this.ctx;
    const host = ctx.newObject();
    const machine = this.machine;
    const bus = machine.bus;
    const tick = () => {
      this.accessNs += ACCESS_NS;
      if (this.accessNs >= 1000) {
        this.advance(Math.floor(this.accessNs / 1000));
        this.accessNs %= 1000;
      }
      return true;
    };
    const access = (addr: number, width: number) => {
      if (!machine.mapped.some((m) => addr >= m.base && addr + width / 8 <= m.base + m.size)) {
        this.flushConsole();
        this.emitDiagnostic(`\ntsmetal sim: CPU fault: access to unmapped address 0x${addr.toString(16).padStart(8, "0")}\n`);
        this.fault = `unmapped address 0x${addr.toString(16)}`;
        this.exitCode = EXIT_FAULT;
        // On hardware the access never completes: nothing after it may run (the interrupt
        // handler then stops the guest, even if it catches this).
        throw new Error("CPU fault");
      }
      return tick();
    };
    const fn = (name: string, f: (...args: number[]) => QuickJSHandle | void) =>
      ctx.newFunction(name, (...args) => f(...args.map((a) => ctx.getNumber(a)))).consume((h) => ctx.setProp(host, name, h));
    fn("read8", (a) => ctx.newNumber(access(a, 8) ? bus.read8(a) : 0));
    fn("read16", (a) => ctx.newNumber(access(a, 16) ? bus.read16(a) : 0));
    fn("read32", (a) => ctx.newNumber(access(a, 32) ? bus.read32(a) : 0));
    // A register write may make a device read or write DMA memory (the mailbox): flush after it.
    const written = () => {
      machine.dma?.flush();
      this.flushConsole();
    };
    fn("write8", (a, v) => void (access(a, 8) && (bus.write8(a, v), written())));
    fn("write16", (a, v) => void (access(a, 16) && (bus.write16(a, v), written())));
    fn("write32", (a, v) => void (access(a, 32) && (bus.write32(a, v), written())));
    this.installDma(host);
    fn("irqAsserted", () => (machine.irqAsserted() ? ctx.true : ctx.false));
    fn("takeVector", () => ctx.newNumber(machine.takeVector?.() ?? -1));
    fn("cpuTimerHz", () => ctx.newNumber(machine.cpuTimer?.hz ?? 0));
    fn("cpuTimerTicks", () => ctx.newNumber(machine.cpuTimer?.ticks() ?? 0));
    // Port I/O costs machine time like a register access; the whole port space is decoded.
    const ports = machine.ports;
    const portAccess = tick;
    fn("hasPorts", () => (ports ? ctx.true : ctx.false));
    if (ports) {
      fn("in8", (p) => ctx.newNumber(portAccess() ? ports.read8(p) : 0));
      fn("in16", (p) => ctx.newNumber(portAccess() ? ports.read16(p) : 0));
      fn("in32", (p) => ctx.newNumber(portAccess() ? ports.read32(p) : 0));
      fn("out8", (p, v) => void (portAccess() && (ports.write8(p, v), this.flushConsole())));
      fn("out16", (p, v) => void (portAccess() && (ports.write16(p, v), this.flushConsole())));
      fn("out32", (p, v) => void (portAccess() && (ports.write32(p, v), this.flushConsole())));
    }
    fn("setJobBudget", (ms) => this.setJobBudget(ms));
    fn("exit", (code) => {
      this.flushConsole();
      this.exitCode = code | 0;
    });
    ctx.newFunction("hasUnit", (n) => (this.sources.has(`${ctx.getString(n)}.js`) ? ctx.true : ctx.false)).consume((h) => ctx.setProp(host, "hasUnit", h));
    ctx.newFunction("loadUnit", (n) => this.loadUnit(ctx.getString(n))).consume((h) => ctx.setProp(host, "loadUnit", h));
    fn("memStats", () => {
      const used = this.memoryUsed();
      this.peak = Math.max(this.peak, used);
      const o = ctx.newObject();
      for (const [k, v] of [["used", used], ["peak", this.peak], ["limit", this.limit]] as const) ctx.newNumber(v).consume((h) => ctx.setProp(o, k, h));
      return o;
    });
    if (this.o.repl) {
      this.replHost = installReplHost(ctx, host, {
        budget: () => this.budget !== undefined,
        afterEval: () => this.flushConsole(),
      });
    }
    ctx.setProp(ctx.global, "__host", host);
    host.dispose();
  }

  /** hal.dma for machines with DMA devices: addresses from the machine, bytes in guest ArrayBuffers. */
  private installDma(host: QuickJSHandle): void {
    const ctx = this.ctx;
    const dma = this.machine.dma;
    ctx.newFunction("hasDma", () => (dma ? ctx.true : ctx.false)).consume((h) => ctx.setProp(host, "hasDma", h));
    // The boot command line a loader would pass (the PC family's virtio-mmio devices); else none.
    ctx.newFunction("commandLine", () => ctx.newString(this.machine.commandLine ?? "")).consume((h) => ctx.setProp(host, "commandLine", h));
    if (!dma) return;
    ctx.newFunction("dmaAlloc", (size, align) => ctx.newNumber(dma.alloc(ctx.getNumber(size), ctx.getNumber(align)))).consume((h) => ctx.setProp(host, "dmaAlloc", h));
    ctx.newFunction("dmaAttach", (addr, buffer) => void this.dmaBuffers.set(ctx.getNumber(addr), buffer.dup())).consume((h) => ctx.setProp(host, "dmaAttach", h));
    dma.connect({
      pull: (addr) => ctx.getArrayBuffer(this.dmaBuffers.get(addr) as QuickJSHandle).consume((l) => l.value.slice()),
      push: (addr, bytes) => {
        const sim = ctx.getProp(ctx.global, "__tsmetalSim");
        const put = ctx.getProp(sim, "dmaPut");
        const copy = ctx.newArrayBuffer(bytes.slice().buffer);
        const r = ctx.callFunction(put, ctx.undefined, this.dmaBuffers.get(addr) as QuickJSHandle, copy);
        if (r.error) r.error.dispose();
        else r.value.dispose();
        for (const h of [copy, put, sim]) h.dispose();
      },
    });
  }

  private loadUnit(name: string): QuickJSHandle {
    const ctx = this.ctx;
    if (name === "main") {
      const hal = ctx.getProp(ctx.global, "__tsmetalHal");
      const image = ctx.getProp(hal, "image");
      const main = ctx.getProp(image, "main");
      hal.dispose();
      image.dispose();
      return main;
    }
    const cached = this.units.get(name);
    if (cached) return cached.dup();
    // A thrown handle is disposed once thrown into the guest: a copy each time.
    const failed = this.failedUnits.get(name);
    if (failed) throw failed.dup();
    const script = `${name}.js`;
    const src = this.sources.get(script);
    if (src === undefined || name === "firmware") throw new Error(`the firmware image has no unit '${name}'`);
    // The loop unit's drivers are started before any job on the target when a budget is set
    // (engine/src/budget.c): their time, long in the simulator (an RNG warming up register access
    // by register access), is not the job's.
    const started = performance.now();
    this.unitDepth++;
    let r: ReturnType<QuickJSContext["evalCode"]>;
    try {
      r = ctx.evalCode(src, script, { type: "module" });
    } finally {
      this.unitDepth--;
      if (this.jobStart !== undefined) this.jobStart += performance.now() - started;
    }
    // Rethrown into the guest as the unit's own exception.
    if (r.error) {
      this.failedUnits.set(name, r.error.dup());
      throw r.error;
    }
    this.units.set(name, r.value);
    return r.value.dup();
  }

  private memoryUsed(): number {
    const m = this.rt.computeMemoryUsage();
    const v = this.ctx.getProp(m, "memory_used_size");
    const used = this.ctx.getNumber(v);
    v.dispose();
    m.dispose();
    return used;
  }
}
