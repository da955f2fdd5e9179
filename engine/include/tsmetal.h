/*
 * The C contract between the engine (engine/src/) and the HAL (hal/), the engine's half: what the
 * engine provides that the HAL's C and assembly call. The other half, every hook the HAL provides
 * to the engine, is tsmetal-hooks.h beside this file. Both sides include this folder
 * (engine/include/) and never each other's folders (test/engine/include.test.ts checks it, with
 * the include paths tools/lib/engine.ts compiles with). docs/hal.md, "The C contract".
 */
#ifndef TSMETAL_H
#define TSMETAL_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"

/* Exit codes (docs/build-pipeline.md). An app's own hal.cpu.exit(n) passes n through. */
enum {
    TSM_EXIT_OK = 0,
    TSM_EXIT_UNCAUGHT = 1,      /* uncaught exception or unhandled promise rejection */
    TSM_EXIT_BAD_IMAGE = 2,     /* bytecode image corrupt or built for another engine */
    TSM_EXIT_OUT_OF_MEMORY = 3,
    TSM_EXIT_FAULT = 4,         /* CPU exception (abort, undefined instruction) */
    TSM_EXIT_ENGINE_INIT = 5,   /* runtime or context could not be created */
    /* 6: the board reset (watchdog, reboot): decided by the host from how QEMU ended. */
    TSM_EXIT_JOB_BUDGET = 7,    /* a job ran longer than its execution budget (tsm_budget_set) */
    TSM_EXIT_NO_SECCOMP = 8,    /* Linux targets: the seccomp filter could not be installed (hal/arch/linux/boot.c) */
};

/* Formatting on the early console (engine/src/console.c, over the hook tsm_console_write), for
   fault reports and boot checks in C: `s`; `label` then v as 0x and `digits` hex digits (1..16);
   v in decimal. Safe at any time, interrupts masked included. */
void tsm_console_puts(const char *s);
void tsm_console_put_hex(const char *label, uint64_t v, int digits);
void tsm_console_put_dec(int64_t v);

/*
 * Entry points. The arch's boot stub calls exactly one of them, once stack, .bss and FPU are
 * ready, and none returns:
 * - tsm_engine_boot: the engine itself (engine/src/engine.c): snapshot or fresh runtime, the
 *   image check, unit "main", the event loop, then tsm_exit with the exit code.
 * - tsm_libc_start: where the C library needs its own start-up first (bare-metal musl on amd64:
 *   TLS and the thread pointer behind errno; engine/src/libc-musl.c), which then enters
 *   tsm_engine_boot.
 * - tsm_linux_musl_start: linux-amd64's start.S, with the initial stack pointer (argc, argv...):
 *   musl's own start-up, then the hook tsm_linux_boot (engine/src/libc-linux-musl.c).
 */
void tsm_engine_boot(void) __attribute__((noreturn));
void tsm_libc_start(void) __attribute__((noreturn));
void tsm_linux_musl_start(uintptr_t *initial_sp) __attribute__((noreturn));

/* Bare-metal musl (amd64): the arch turns each `syscall` instruction into a call of this
   (hal/arch/amd64/syscall-entry.S), arguments in the System V order and the number last; it
   serves the few calls musl makes (engine/src/libc-musl.c) and returns the kernel-style result. */
long tsm_syscall(long a1, long a2, long a3, long a4, long a5, long a6, long nr);

/* Evaluates (once) the image unit `name` and returns its module namespace, or an exception
   (hal.image.load). */
JSValue tsm_engine_load_unit(JSContext *ctx, const char *name);

/* Evaluates the board's "loop" unit (the event loop's clock and interrupt drivers) the first time
   timers, the clock or interrupts are used: 0 when done or the image has none, -1 with an
   exception pending in ctx. The native module calls it from hal.clock and hal.irq. The second
   form is for C callers without a context (gettimeofday): it reports an exception and exits. */
int tsm_engine_start_loop(JSContext *ctx);
void tsm_engine_start_loop_or_exit(void);

/* Heap accounting shared by the engine allocator and hal.mem.stats(). */
typedef struct {
    size_t used;
    size_t peak;
    size_t limit;
} tsm_heap_stats;

void tsm_heap_get_stats(tsm_heap_stats *out);

/* The per-job execution budget (docs/event-loop.md, "Execution budget"; engine/src/budget.c):
   sets it to `ms` (0: none) from now on, `source` naming the setting in messages (hal.cpu.
   setJobBudget); -1 with an exception pending in ctx. */
int tsm_budget_set(JSContext *ctx, uint32_t ms, const char *source);

#ifdef TSM_REPL
/* The REPL build only (engine/src/repl.c, docs/repl.md): runs a one-unit image of script bytecode
   after the image checks (hal.image.exec), and arms (line >= 0) or disarms (-1) the interrupt
   handler that stops running JS once interrupt `line` is taken (hal.image.watchBreak); -1 with an
   exception pending in ctx. */
JSValue tsm_repl_exec(JSContext *ctx, const uint8_t *data, size_t size);
int tsm_repl_watch_break(JSContext *ctx, int line);

/* The soft restart (engine/src/restart.c, docs/updates.md; the same builds): whether `len` bytes
   can be kept across a restart (-1 with an exception pending: no engine snapshot, or no room);
   the restart itself, called by hal.image.restart with interrupts masked at every line the HAL
   enabled, which boots the image again from the snapshot with `kept` saved; and hal.image.kept(),
   those bytes as an ArrayBuffer once after a restart, else undefined. */
int tsm_engine_can_restart(JSContext *ctx, size_t len);
void tsm_engine_restart(const uint8_t *kept, size_t len) __attribute__((noreturn));
JSValue tsm_engine_kept(JSContext *ctx);
#endif

#endif
