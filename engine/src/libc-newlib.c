/*
 * The system calls newlib expects underneath it. There is no OS: malloc is served by the firmware
 * heap (libc-malloc.c, so no sbrk), output goes to the early console, files do not exist, and time
 * comes from the board's clock (hal/native/clock.c).
 *
 * printf and __assert_func are ours too: the engine calls them only on internal errors, and
 * newlib's pull in its FILE-based printf machinery (about 15 KB) for those two calls. Ours format
 * with newlib's vsnprintf, which the engine uses anyway, and write to the early console.
 */
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "tsmetal.h"
#include "clock.h"

#undef errno
extern int errno;

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    tsm_console_write(buf, (size_t)len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd; (void)buf; (void)len;
    errno = EBADF;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd; (void)offset; (void)whence;
    errno = ESPIPE;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd <= 2;
}

int _getpid(void)
{
    return 1;
}

/* abort() raises SIGABRT through here: report it as a fault rather than hang. */
int _kill(int pid, int sig)
{
    (void)pid; (void)sig;
    tsm_console_puts("tsmetal: abort() called (signal raised inside the C runtime)\n");
    tsm_exit(TSM_EXIT_FAULT);
}

void _exit(int code)
{
    tsm_exit(code);
}

/* Date.now(): the board's clock, from the documented epoch 2000-01-01T00:00:00Z unless the board
   or app set the time (hal/native/clock.c). */
int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    if (tv) {
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
    return 0;
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
