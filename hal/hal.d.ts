/**
 * The native module `hal`, implemented in C (hal/native/). This is the whole JS-visible surface of
 * the hardware boundary; everything else is built on it in TypeScript. docs/hal.md describes it.
 */
declare module "hal" {
  /** Memory-mapped register access. Addresses are physical; misaligned addresses throw RangeError. */
  export interface Mmio {
    read8(addr: number): number;
    read16(addr: number): number;
    read32(addr: number): number;
    write8(addr: number, value: number): void;
    write16(addr: number, value: number): void;
    write32(addr: number, value: number): void;
  }
/** Reads and writes of memory-mapped registers (drivers reach them through hal/mmio-bus.ts). */
  export const mmio: Mmio;
  /**
   * The x86 I/O port space (Intel SDM vol. 1, 18.2): ports 0..0xffff, accesses aligned to their
   * size (else RangeError). Only on CPUs that have one (amd64 boards); elsewhere this object is
   * empty. Drivers reach it through hal/port-io-bus.ts.
   */
  export const io: {
    in8(port: number): number;
    in16(port: number): number;
    in32(port: number): number;
    out8(port: number, value: number): void;
    out16(port: number, value: number): void;
    out32(port: number, value: number): void;
  };
  /** Memory barriers (ARM: DMB/DSB/ISB or their ARMv6 CP15 equivalents; RISC-V: FENCE; x86: MFENCE). */
  export const barrier: {
    dmb(): void;
    dsb(): void;
    isb(): void;
  };
/** The CPU: ending the firmware, seeding Math.random, the job budget, and what the arch offers besides. */
  export const cpu: {
    /** Ends the firmware with `code` (QEMU: the emulator's exit status; hardware: halt). */
    exit(code: number): never;
    /** Reseeds Math.random (64 bits as two 32-bit halves), e.g. from a hardware RNG. */
    seedRandom(high: number, low: number): void;
    /**
     * Sets the per-job execution budget in milliseconds from now on (0: none), as `--max-job-ms`
     * does at build time: a job (top-level code, a promise job, a timer callback, an interrupt
     * handler) that runs longer is stopped with an uncatchable error and the firmware exits 7.
     * The running job is timed from this call. A RangeError unless a whole number from 0 to
     * 2^31 - 1; starts the board's clock. docs/event-loop.md.
     */
    setJobBudget(ms: number): void;
    /**
     * The command line the boot loader passed (amd64: the PVH start info's cmdline, where
     * Firecracker and QEMU microvm,acpi=off announce virtio-mmio devices); "" on an amd64 board
     * without one; absent on the other arches. Copied at boot, at most 2048 bytes of printable
     * ASCII (other bytes read as spaces); a RangeError when the line was longer. docs/hal.md.
     */
    commandLine?(): string;
    /**
     * 32 random bits from the CPU's random number instruction (x86 RDRAND), for boards whose
     * hardware RNG is the CPU's, or on the Linux boards from the kernel (getrandom(2)). Absent on
     * CPUs without such an instruction in the ISA (ARM, RISC-V); a TypeError where the CPU lacks
     * it (CPUID says so), an InternalError if it keeps failing. docs/hal.md.
     */
    random32?(): number;
    /**
     * Resets the machine, as a power cycle would (amd64: UEFI ResetSystem when BOOTX64.EFI started
     * the firmware, else the PC's reset control register, the i8042, a triple fault). Under QEMU,
     * which runs with -no-reboot, the run ends with exit code 6. Only on the amd64 bare-metal
     * boards. docs/hal.md.
     */
    reset?(): never;
  };

  /**
   * One bank of a banked interrupt controller (BCM2835 style): a pending register whose set bits
   * are lines that are pending and enabled, and write-1-to-enable / write-1-to-disable registers.
   * Line `firstLine + bit` is bit `bit` of the bank. docs/interrupts.md.
   */
  export interface IrqBank {
    readonly firstLine: number;
    /** Address of the pending register (read by the native top half on every IRQ). */
    readonly pending: number;
    /** Address of the write-1-to-enable register. */
    readonly enable: number;
    /** Address of the write-1-to-disable register. */
    readonly disable: number;
    /** Bits of `pending` that are lines of this bank; others (summary bits) are ignored. */
    readonly mask: number;
  }
  /** How the native top half finds, masks and unmasks lines. Drivers build it (drivers/irq/). */
  export interface BankedIrqController {
    readonly kind: "banked";
    readonly banks: readonly IrqBank[];
  }
  /**
   * One bank of 32 lines of a claim controller. Line `firstLine + bit` is bit `bit`.
   */
  export interface ClaimIrqBank {
    readonly firstLine: number;
    /** Address of the enable register: a read-write bitmap (PLIC), or write-1-to-enable when `disable` is given (GIC ISENABLER). */
    readonly enable: number;
    /** Address of the write-1-to-disable register (GIC ICENABLER); absent for a read-write bitmap. */
    readonly disable?: number;
    /** Bits of the bank that are lines. */
    readonly mask: number;
  }
  /**
   * A controller whose top half claims lines from a register until it reads `none`; a claimed
   * line cannot interrupt again until completed, which the loop does after the handler
   * (RISC-V PLIC; ARM GICv2 with GICC_CTLR.EOImode set). docs/interrupts.md.
   */
  export interface ClaimIrqController {
    readonly kind: "claim";
    /** Address of the claim register of this CPU (PLIC claim/complete, GIC GICC_IAR). */
    readonly claim: number;
    /** Address the line is written to after its handler (default `claim`; GIC: GICC_DIR). */
    readonly complete?: number;
    /** Address the line is written to as soon as it is claimed (GIC: GICC_EOIR, the priority drop). */
    readonly priorityDrop?: number;
    /** The claimed value (after `idMask`) that means no line is pending (default 0; GIC 1023). */
    readonly none?: number;
    /** Bits of the claim register that are the line (default all; GIC 0x3ff). */
    readonly idMask?: number;
    readonly banks: readonly ClaimIrqBank[];
  }
  /** Lines of a vectored controller (`enable` is not used: lines are masked through `window`). */
  export interface VectoredIrqBank {
    readonly firstLine: number;
    /** Bits of the bank that are lines. */
    readonly mask: number;
  }
  /**
   * A controller whose every line has its own CPU vector (x86: the I/O APIC routes input `line` to
   * vector `firstVector + line`; the arch's interrupt entry hands the vector to the top half). A
   * line is masked and unmasked with a read-modify-write of the register at index
   * `firstIndex + indexStride * line` behind `select` / `window` (I/O APIC: IOREGSEL/IOWIN and the
   * redirection entry's low word, mask bit 16); the top half masks a taken line and writes 0 to
   * `eoi` (local APIC EOI) at once; the loop unmasks the line after its handler.
   * docs/interrupts.md.
   */
  export interface VectoredIrqController {
    readonly kind: "vectored";
    /** Vector of line 0 (32..255). */
    readonly firstVector: number;
    /** Address written with 0 to end each interrupt (local APIC EOI). */
    readonly eoi: number;
    /** Address of the index register (I/O APIC IOREGSEL). */
    readonly select: number;
    /** Address of the data register (I/O APIC IOWIN). */
    readonly window: number;
    /** Index of line 0's mask register (I/O APIC: 0x10, redirection entry 0 low word). */
    readonly firstIndex: number;
    /** Index distance between lines (I/O APIC: 2). */
    readonly indexStride: number;
    /** The mask bit in that register (I/O APIC: 1 << 16). */
    readonly maskBit: number;
    readonly banks: readonly VectoredIrqBank[];
  }
/** The interrupt controllers the native top half can drive; hal.irq.attach() takes one. */
  export type IrqController = BankedIrqController | ClaimIrqController | VectoredIrqController;

/** Options of hal.irq.on(). */
  export interface IrqHandlerOptions {
    /**
     * Whether a handler on this line keeps the event loop alive (default true). Drivers set it
     * false for lines that only serve other work, such as the loop clock's own deadline interrupt.
     */
    readonly keepAlive?: boolean;
  }
  /** Routes interrupt lines to handlers; `hal.irq` on the target, a fake in host tests. */
  export interface IrqRouter {
    /**
     * Runs `handler(line)` from the event loop after each interrupt on `line` (never in interrupt
     * context). The line is masked by the top half and unmasked after the handler returns, so the
     * handler must clear the device's interrupt condition. One handler per line; throws if taken.
     */
    on(line: number, handler: (line: number) => void, options?: IrqHandlerOptions): void;
    /** Removes the handler and disables the line. */
    off(line: number): void;
  }
/** Interrupts: handlers per line (run by the event loop), the controller, and per-line counts. docs/interrupts.md. */
  export const irq: IrqRouter & {
    /** Installs the interrupt controller (once, from the board/SoC module). */
    attach(controller: IrqController): void;
    /** Interrupts taken per line, for every line that has fired or has a handler. */
    counts(): Array<{ line: number; count: number }>;
  };

  /** A free-running counter as two 32-bit registers (read high, low, high again). */
  export interface SplitCounter {
    readonly kind: "mmio32x2";
    readonly low: number;
    readonly high: number;
  }
  /** A free-running 64-bit counter register (8-byte aligned; RISC-V mtime). */
  export interface WideCounter {
    readonly kind: "mmio64";
    readonly address: number;
  }
/** The free-running counters the event loop's clock can read. */
  export type ClockCounter = SplitCounter | WideCounter;
  /**
   * The CPU's own timer, read and armed natively (hal/arch: the ARMv7 generic timer's CNTPCT and
   * CNTP_CVAL). Its interrupt is masked by the arch on IRQ entry; the board still enables its
   * line at the interrupt controller (an irq.on handler with keepAlive false). A TypeError on a
   * CPU without one.
   */
  export interface CpuTimerClockSource {
    /** Counter frequency; absent: what the CPU reports (ARM: CNTFRQ). */
    readonly hz?: number;
    /** The frequency when `hz` is absent and the CPU reports 0 (nobody set CNTFRQ); without it that is a RangeError. */
    readonly fallbackHz?: number;
    readonly counter: { readonly kind: "cpu-timer" };
  }
  /** The event loop's clock: a counter it reads and a deadline interrupt it arms through the board. */
  export interface ClockSource {
    /** Counter frequency. */
    readonly hz: number;
    readonly counter: ClockCounter;
    /**
     * Arms the deadline interrupt for counter value `deadline` (an integer below 2^53). It may
     * fire early (e.g. a 32-bit comparator clamps far deadlines; the loop re-arms), never late.
     */
    arm(deadline: number): void;
  }
/** The event loop's clock: attached once by the board, then read for timers, Date and performance.now(). */
  export const clock: {
    /** Makes `source` the loop's clock (once, from the board/SoC module); time starts here. */
    attach(source: ClockSource | CpuTimerClockSource): void;
    /** The counter now, in ticks (0 before a clock is attached). */
    now(): number;
    /** Ticks per second of the attached clock (0 before one is attached). */
    hz(): number;
    /** Sets the wall clock (Date.now()) to `ms` since the Unix epoch; it runs on from there. */
    setTime(ms: number): void;
  };
  /**
   * Memory for devices that read or write RAM themselves (the VideoCore mailbox, framebuffers):
   * a region the MMU maps uncached, so the CPU and the device see the same bytes without cache
   * maintenance. Allocations are never freed (firmware allocates its DMA buffers once).
   */
  export interface DmaBuffer {
    /** Physical address of the first byte. */
    readonly addr: number;
    /** The same bytes as an ArrayBuffer (length = the requested size). */
    readonly buffer: ArrayBuffer;
  }
/** Allocates from the uncached DMA region. */
  export interface DmaAllocator {
    /** `size` bytes aligned to `align` (a power of two, default 16); throws RangeError when the region is full. */
    alloc(size: number, align?: number): DmaBuffer;
  }
/** The DMA region's allocator (board.json dmaSize; 1 MiB by default). */
  export const dma: DmaAllocator;

/** The engine heap's figures. */
  export const mem: {
    /** Engine heap: bytes in use now, high-water mark, and the runtime's memory limit. */
    stats(): { used: number; peak: number; limit: number };
  };
  /**
   * Units of the firmware image besides the firmware itself: bundles the build compiled beside it
   * that are read and evaluated on first use (tools/lib/units.ts), so code hello world never
   * needs costs it no boot time and no heap.
   */
  export const image: {
    /** Evaluates the unit once and returns its module namespace; throws if there is none. */
    load(name: string): unknown;
    /**
     * REPL builds only (`npm run repl`, docs/repl.md); absent elsewhere. Runs a one-unit image of
     * script bytecode the host compiled, after the checks every image unit gets, in the global
     * scope, and returns its completion value; a refused image is a TypeError saying why.
     */
    exec?(image: Uint8Array): unknown;
    /** REPL builds only: once interrupt `line` is taken, running JS stops with
        "InternalError: interrupted" (the host's Ctrl-C); -1 stops watching. */
    watchBreak?(line: number): void;
    /**
     * REPL and `--updatable` builds only; absent elsewhere. Boots the firmware again without a
     * power cycle (docs/updates.md, "The soft restart"): every interrupt line is masked, the
     * engine's state is restored from its snapshot and unit "main" runs again, so nothing the
     * running code made or registered (objects, globals, timers, interrupt handlers) survives,
     * except `kept`, which `kept()` returns after the restart. `beforeRestart`, when given, runs
     * once the checks have passed and before the first interrupt line is masked: the place to
     * stop devices that write memory on their own (docs/updates.md, "Devices are stopped before
     * the restart"); if it throws, there is no restart and its error is thrown here. Does not
     * return; throws a TypeError on a firmware without an engine snapshot (the Linux boards) and
     * a RangeError when `kept` cannot be held beside the heap's fresh state.
     */
    restart?(kept: Uint8Array, beforeRestart?: () => void): never;
    /** REPL and `--updatable` builds only: the bytes the last `restart()` kept, once (a second call,
        a cold boot and an empty `kept` give undefined); checked against a checksum taken before the
        restart (damaged bytes are a console message and undefined). */
    kept?(): ArrayBuffer | undefined;
  };
}
