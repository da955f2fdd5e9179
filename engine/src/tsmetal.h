/*
 * The contract between the engine and the HAL. The engine knows no board: everything it needs
 * from the machine is here, implemented by hal/arch/<arch>/ and hal/early/.
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
    TSM_EXIT_JOB_BUDGET = 7,    /* a job ran longer than its execution budget (budget.h) */
    TSM_EXIT_NO_SECCOMP = 8,    /* Linux targets: the seccomp filter could not be installed (hal/arch/linux/boot.c) */
};

/* Early console: polled, usable before and after JS runs (panics, uncaught errors). */
void tsm_console_write(const char *s, size_t len);
void tsm_console_puts(const char *s);
/* `label` then v as 0x and `digits` hex digits (1..16). */
void tsm_console_put_hex(const char *label, uint64_t v, int digits);
void tsm_console_put_dec(int64_t v);

/* Ends the program: under QEMU the emulator exits with `code`; on hardware the CPU halts. */
void tsm_exit(int code) __attribute__((noreturn));

/* Writes parts[0..n) one after another to a file on the host running the emulator (snapshot
   builds only); returns 0 on success. */
int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n);

/* Entered by the arch boot stub once stack, .bss and FPU are ready. Never returns. */
void tsm_engine_boot(void) __attribute__((noreturn));

/* Evaluates (once) the image unit `name` and returns its module namespace, or an exception. */
JSValue tsm_engine_load_unit(JSContext *ctx, const char *name);

/* Evaluates the board's "loop" unit (the event loop's clock and interrupt drivers) the first time
   timers, the clock or interrupts are used: 0 when done or the image has none, -1 with an
   exception pending in ctx. The second form is for C callers without a context (gettimeofday):
   it reports an exception and exits. */
int tsm_engine_start_loop(JSContext *ctx);
void tsm_engine_start_loop_or_exit(void);

/* Heap accounting shared by the engine allocator and hal.mem.stats(). */
typedef struct {
    size_t used;
    size_t peak;
    size_t limit;
} tsm_heap_stats;

void tsm_heap_get_stats(tsm_heap_stats *out);

/* Linker-script symbols (hal/arch/<arch>/firmware.ld), one set for every arch. */
extern uint8_t __heap_start[], __heap_end[];
extern uint8_t __stack_bottom[], __stack_top[];
/* Memory for devices, mapped uncached where there is an MMU (hal.dma). */
extern uint8_t __dma_start[], __dma_end[];
/* The image is writable: units are relocated in place when read (engine.c). */
extern uint8_t tsm_bytecode_start[], tsm_bytecode_end[];
/* Link-time settings (tools/lib/link.ts --defsym): absolute symbols whose address is the value.
   tsm_memory_limit: the JS memory limit in bytes (0: derived from the heap); tsm_max_job_ms: the
   per-job execution budget (0: none; budget.h); tsm_js_stack_limit: the JS stack limit in bytes
   (0: the stack less a reserve). */
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

#endif
