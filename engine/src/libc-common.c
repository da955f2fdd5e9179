/*
 * What the engine needs from any C library on the target, the same with newlib (ARM) and picolibc
 * (RISC-V): the time behind Date.now(), and printf, __assert_func and abort. The engine calls
 * those only on internal errors, and the C library's own pull in its FILE-based printf machinery
 * (about 15 KB with newlib) or its signals (raise, kill) for them. Ours format with vsnprintf
 * (engine/src/libc-printf.c), which the engine uses anyway, and write to the early console.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

/* Date.now(): the board's clock, from the documented epoch 2000-01-01T00:00:00Z unless the board
   or app set the time (hal/native/clock.c). */
void tsm_libc_time(struct timeval *tv)
{
    if (!tv)
        return;
    if (!tsm_clock_attached())
        tsm_engine_start_loop_or_exit();
    int64_t us = tsm_clock_wall_us();
    int64_t s = us / 1000000, rem = us % 1000000;
    if (rem < 0) { /* before 1970: tv_usec stays in [0, 1e6) */
        s--;
        rem += 1000000;
    }
    tv->tv_sec = (time_t)s;
    tv->tv_usec = (suseconds_t)rem;
}

int printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        tsm_console_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    return n;
}

/* An engine assertion: a bug, reported like a CPU fault (never a hang). */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    printf("\ntsmetal: engine assertion failed: %s (%s:%d, %s)\n", expr, file, line, func ? func : "?");
    tsm_exit(TSM_EXIT_FAULT);
}

/* abort(), or SIGABRT raised inside the C runtime: report it as a fault rather than hang. */
void tsm_libc_abort(void)
{
    tsm_console_puts("tsmetal: abort() called (an internal error in the engine or the C runtime)\n");
    tsm_exit(TSM_EXIT_FAULT);
}

/* QuickJS calls abort() on internal errors. The libraries' raise SIGABRT through kill, which
   ends in tsm_libc_abort anyway (libc-newlib.c, libc-picolibc.c, libc-musl.c), but links their
   signal handling (1 KB with newlib); on linux-amd64 the seccomp filter would answer musl's with
   SIGSYS. */
void abort(void)
{
    tsm_libc_abort();
}

/* The engine formatted with a conversion engine/src/libc-printf.c does not carry (floating
   point, %n): a bug, reported like an assertion rather than printed wrong. */
void tsm_libc_bad_format(const char *spec, size_t len)
{
    tsm_console_puts("\ntsmetal: engine bug: printf conversion \"");
    tsm_console_write(spec, len);
    tsm_console_puts("\" is not supported (engine/src/libc-printf.c formats no floating point)\n");
    tsm_exit(TSM_EXIT_FAULT);
}
