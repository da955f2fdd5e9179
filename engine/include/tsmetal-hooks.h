/*
 * Every hook the HAL provides to the engine, in one file: what an arch (hal/arch/<arch>/), a
 * board (board.json's early console and memory map) and the native module (hal/native/, the same
 * on every target) must supply, each with what it must do, when it is called and whether it may
 * be absent, as TamaGo's runtime/goos/goos.go does for its boards. The engine knows no board and
 * names no hal/ path: it includes this header. The other half of the contract, what the engine
 * provides to the HAL (entry points, console formatting, units, heap, budget), is tsmetal.h
 * beside it; docs/hal.md, "The C contract".
 *
 * A new arch is: hal/arch/<arch>/arch.h (section 1), C or assembly for section 2, a linker script
 * for section 3, and its entry in tools/lib/targets.ts (its sources, and includeDirs
 * ["hal/arch/<arch>"], the folder "arch.h" is found in). A new board picks an early console
 * driver (hal/early/) and its memory map in board.json (section 5).
 */
#ifndef TSMETAL_HOOKS_H
#define TSMETAL_HOOKS_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"

/*
 * 1. The arch's inline helpers: "arch.h".
 *
 * Some hooks sit on the event loop's hot paths (`npm run bench` measures idle_insns_per_s and
 * irq_latency_insns), so they are static inline functions in the arch's own header. The build
 * puts the arch's folder on the include path (tools/lib/engine.ts, the target's includeDirs) and
 * this header includes it by the name "arch.h"; nothing else in the engine names it. An arch may
 * define any of them as an ordinary function instead (hal/arch/linux: tsm_arch_wait). The
 * declarations below repeat each one's type, so a definition of another type does not compile,
 * and a required hook an arch lacks fails the link. A host build of single engine files (unit
 * tests, the bytecode compiler) has no arch: there TSM_FREESTANDING is not defined.
 */
#ifdef TSM_FREESTANDING
#include "arch.h"

/* Required. Masks interrupts on the CPU. The event loop calls it before it looks for work and
   sleeps (engine/src/loop.c), so an interrupt taken after the look cannot be missed. */
void tsm_arch_irq_disable(void);
/* Required. Unmasks interrupts; one pending is taken at once. The loop calls it after a wait. */
void tsm_arch_irq_enable(void);
/* Required. Masks interrupts and returns the previous state, which restore puts back (unmasking
   only if they were unmasked): short critical sections of the HAL (hal/native/irq.c) that run
   with interrupts masked or not. */
unsigned tsm_arch_irq_save(void);
void tsm_arch_irq_restore(unsigned state);
/* Required. Called with interrupts masked when the loop has nothing to do: sleeps until an
   interrupt is pending — it must wake for one although it is masked (WFI; x86 STI;HLT;CLI) —
   and returns with interrupts still masked. May return early: the loop looks again. */
void tsm_arch_wait(void);
/* Required, may be empty. Called by hal/native/clock.c after the board's arm() has set the
   clock's deadline: whatever else the CPU needs for that interrupt to be taken (RISC-V: enable
   mie.MTIE, which the trap handler clears when it fires). */
void tsm_arch_deadline_armed(void);
/* Required. hal.barrier's data memory barrier, data synchronisation barrier and instruction
   synchronisation barrier; at least compiler barriers. */
void tsm_arch_dmb(void);
void tsm_arch_dsb(void);
void tsm_arch_isb(void);
/* Required, may be empty: the attribute of the C the interrupt entry calls before it has saved
   every register (ARM: general-regs-only, since its vectors do not save the VFP registers). */
#ifndef TSM_TOP_HALF_ATTR
#error "arch.h must define TSM_TOP_HALF_ATTR (empty when the interrupt entry saves every register)"
#endif

/* Optional: TSM_ARCH_CPU_TIMER, when the CPU has a counter with a deadline interrupt of its own
   (hal.clock.attach with counter kind "cpu-timer"; without it that kind is a TypeError). count
   is the free-running counter (read on every loop turn), hz its frequency (0: unknown; then the
   board's fallbackHz), start readies it once at attach with no deadline armed, and arm sets the
   one deadline, replacing the last. */
#ifdef TSM_ARCH_CPU_TIMER
uint64_t tsm_arch_cpu_timer_count(void);
uint32_t tsm_arch_cpu_timer_hz(void);
void tsm_arch_cpu_timer_start(void);
void tsm_arch_cpu_timer_arm(uint64_t deadline);
#endif
/* Optional: TSM_ARCH_CPU_TIMER_NO_HZ, when tsm_arch_cpu_timer_hz() can be 0 with no fallback:
   a sentence naming the sources tried, for clock.attach's RangeError (amd64), written to buf (at
   most size bytes with its NUL); returns buf. */
#ifdef TSM_ARCH_CPU_TIMER_NO_HZ
const char *tsm_arch_cpu_timer_no_hz(char *buf, unsigned size);
#endif
/* Optional: TSM_ARCH_MMIO_HOOKS, when device registers are not memory: every hal.mmio access and
   every register access of the interrupt top half is one of these (width 1, 2 or 4) instead of a
   volatile access (hal/native/mmio-access.h; the Linux targets' simulated register space). */
#ifdef TSM_ARCH_MMIO_HOOKS
uint32_t tsm_arch_mmio_read(uintptr_t addr, unsigned width);
void tsm_arch_mmio_write(uintptr_t addr, unsigned width, uint32_t value);
#endif
/* Needed where hal/arch/semihosting.c is linked (ARM, RISC-V): one semihosting call, operation
   `op`, parameter block `block`; returns the host's answer. */
uintptr_t tsm_arch_semihost(uintptr_t op, volatile void *block);
/* Needed where hal/native/port-io.c is linked (hal.io; amd64): the I/O port space. */
uint8_t tsm_arch_in8(uint16_t port);
uint16_t tsm_arch_in16(uint16_t port);
uint32_t tsm_arch_in32(uint16_t port);
void tsm_arch_out8(uint16_t port, uint8_t v);
void tsm_arch_out16(uint16_t port, uint16_t v);
void tsm_arch_out32(uint16_t port, uint32_t v);
/* Needed where hal/native/cpu-random.c is linked (hal.cpu.random32; amd64): whether the CPU has
   a random number instruction, and one 32-bit number from it (0 when none was ready). */
int tsm_arch_has_random(void);
int tsm_arch_random32(uint32_t *out);
/* Needed there too (hal.cpu.reset; amd64: hal/arch/amd64/efi-handoff.c): resets the machine. */
void tsm_arch_reset(void) __attribute__((noreturn));
/* May be absent (weak): the command line the boot loader passed (PVH hvm_start_info.cmdline_paddr
   on amd64), copied at boot into memory the snapshot does not restore. Returns its bytes, *len
   set, NUL-free printable ASCII; NULL when it was longer than the copy holds (nothing is
   truncated silently). hal.cpu.commandLine() (hal/native/hal-module.c) is "" without it. */
const char *tsm_arch_command_line(size_t *len) __attribute__((weak));
/* May be absent (weak): takes an interrupt the CPU has not been told of yet. Only the Linux
   targets have one (hal/arch/linux/registers.c): their interrupt line is news on a pipe, read at
   register accesses and waits, so engine/src/repl.c polls it for Ctrl-C in a loop that makes
   neither. On a CPU an interrupt needs no polling. */
void tsm_arch_poll_irq(void) __attribute__((weak));
/* Needed where engine/src/libc-musl.c is linked (bare-metal musl): the thread pointer the C
   library's TLS hangs off, for musl's arch_prctl(ARCH_SET_FS / ARCH_GET_FS). */
void tsm_arch_set_thread_pointer(uintptr_t p);
uintptr_t tsm_arch_thread_pointer(void);
#endif /* TSM_FREESTANDING */

/*
 * 2. The arch's and the board's functions.
 *
 * Besides these, the arch's boot stub enters the engine through tsmetal.h's tsm_engine_boot (or
 * tsm_libc_start, tsm_linux_musl_start) once stack, .bss and FPU are ready, and its interrupt
 * entry calls the native module's top half with interrupts masked (tsm_irq_top_half, or
 * tsm_irq_top_half_vector on x86: hal/native/irq.h), which queues the taken lines for the loop.
 */

/* Required: the early console. board.json's earlyConsole names hal/early/<driver>.c and its base
   address (TSM_EARLY_CONSOLE_BASE). Polled and init-free, usable at any time — before JS runs,
   with interrupts masked, inside a fault report — and it must not hang on a dead UART (give up
   on a byte after a bounded wait). The C library's stdout, uncaught-error reports and panics
   write here; the firmware's own console is the TypeScript driver. */
void tsm_console_write(const char *s, size_t len);

/* Required: ends the program with `code` (tsmetal.h's TSM_EXIT_*, or hal.cpu.exit's): under QEMU
   the emulator exits with it (semihosting, hal/arch/semihosting.c; isa-debug-exit,
   hal/arch/amd64/exit.c), on Linux the process (hal/arch/linux/exit.c); on hardware the CPU
   halts. Called once, for every way the firmware ends. */
void tsm_exit(int code) __attribute__((noreturn));

/* Required to link; used by snapshot builds only (engine/src/snapshot.c): writes parts[0..n) one
   after another to the file `path` on the host running the emulator; 0 on success, -1 where
   there is no host to write to (hal/arch/linux/exit.c: those targets make no snapshot). */
int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n);

/* The Linux targets only (hal/arch/linux/boot.c): from the command line to tsm_engine_boot (the
   register space's pipes, fault handlers, the seccomp filter). Called by the arch's start-up
   (tsm_linux_start), or by the C library's where it has one (engine/src/libc-linux-musl.c). */
void tsm_linux_boot(int argc, char **argv) __attribute__((noreturn));

/*
 * 3. The link: the arch's linker script (hal/arch/<arch>/firmware.ld, hal/arch/linux/linux.ld)
 * defines these symbols, with the board's layout and settings from tools/lib/link.ts (--defsym).
 */

/* Required: the heap (from loadAddress + imageMax), the main stack, and memory for devices,
   mapped uncached where there is an MMU (hal.dma; board.json dmaSize bytes, --defsym
   TSM_DMA_SIZE, default 1 MiB). */
extern uint8_t __heap_start[], __heap_end[];
extern uint8_t __stack_bottom[], __stack_top[];
extern uint8_t __dma_start[], __dma_end[];
/* Required: the bytecode image (.tsm_bytecode), writable: units are relocated in place when read
   (engine/src/engine.c). */
extern uint8_t tsm_bytecode_start[], tsm_bytecode_end[];
/* Required: link-time settings, absolute symbols whose address is the value. tsm_memory_limit:
   the JS memory limit in bytes (0: derived from the heap); tsm_max_job_ms: the per-job execution
   budget (0: none); tsm_js_stack_limit: the JS stack limit in bytes (0: the stack less a
   reserve). Read them with tsm_link_setting. */
extern uint8_t tsm_memory_limit[], tsm_max_job_ms[], tsm_js_stack_limit[];

/*
 * Reads a link-time setting through a pointer kept in .rodata (declare it as
 * `static uint8_t *const ref = symbol;`), never as a constant built into instructions: on
 * RISC-V the linker relaxes a small constant into shorter code, which moves every later function
 * between images with different settings, and the engine snapshot holds function pointers. The
 * empty asm makes the compiler load the pointer instead of folding it (and stops it assuming a
 * symbol's address is never 0).
 */
static inline uintptr_t tsm_link_setting(uint8_t *const *ref)
{
    __asm__("" : "+r"(ref));
    return (uintptr_t)*ref;
}

/*
 * 4. The native module (hal/native/, on every target). Required.
 */

/* Creates the native ES module `hal` (hal/hal.d.ts documents its surface). Called by the engine's
   module loader the first time a module imports "hal". */
JSModuleDef *tsm_hal_module_init(JSContext *ctx, const char *name);

/* The event loop's clock (hal/native/clock.c): a free-running counter the board describes
   (hal.clock.attach) and a deadline interrupt it arms. Also the wall clock behind Date.now() and
   the time origin of performance.now(). The loop and timers call these on every turn. */
/* Whether a board attached a clock; until then timers cannot be set. */
int tsm_clock_attached(void);
/* The counter, in ticks (0 before a clock is attached). */
uint64_t tsm_clock_now(void);
/* Ticks for at least `ms` milliseconds (rounded up). */
uint64_t tsm_clock_ticks_from_ms(uint32_t ms);
/* Asks the board to interrupt at or before `deadline`, called before the loop sleeps; -1 if the
   board's arm() threw (the exception is pending in ctx). */
int tsm_clock_arm(JSContext *ctx, uint64_t deadline);
/* Milliseconds since the clock was attached (performance.now()). */
double tsm_clock_elapsed_ms(void);
/* Wall-clock milliseconds at the time origin (performance.timeOrigin). */
double tsm_clock_origin_wall_ms(void);
/* Wall clock in microseconds since the Unix epoch (gettimeofday, Date.now()). */
int64_t tsm_clock_wall_us(void);

/* Interrupt lines (hal/native/irq.c): the top half queues taken lines, the loop runs their JS
   handlers (hal.irq.on) one per turn. */
/* Whether a taken line waits for its handler; called with interrupts masked before sleeping. */
int tsm_irq_queued(void);
/* Whether interrupt `line` was taken and waits for its handler (the REPL's Ctrl-C, repl.c). */
int tsm_irq_line_queued(uint32_t line);
/* Runs the handler of the lowest queued line and unmasks it: 1 if one ran, 0 if none was
   queued, -1 if the handler threw (the exception is pending in ctx). */
int tsm_irq_dispatch_one(JSContext *ctx);
/* Whether some handler keeps the event loop alive (hal.irq.on without keepAlive: false). */
int tsm_irq_keeps_alive(void);

/*
 * 5. From the build (tools/lib/engine.ts), compile-time: TSM_FREESTANDING (a target build, not
 * the host's), TSM_EARLY_CONSOLE_BASE (board.json earlyConsole.base, for hal/early/),
 * TSM_MEMORY_MAP (board.json memoryMap as a C initializer of {base, size, type} for the arch's
 * MMU code; types 1 RAM, 2 uncached, 3 device), TSM_ENABLE_EVAL (--enable-eval) and
 * TSM_ENGINE_ID (the bytecode fingerprint's input, engine/src/blob.h).
 */

#endif
