/*
 * musl (Debian's musl-dev, x86-64) underneath the engine, in ring 0 with no operating system.
 *
 * musl's static libc.a asks the kernel for everything with the `syscall` instruction, inlined
 * in each function, so the calls cannot be replaced at link time; instead the arch turns the
 * instruction into a call of tsm_syscall (hal/arch/amd64/syscall-entry.S), served here. The set
 * is what the engine's use of musl reaches: the start-up (arch_prctl for the thread pointer
 * behind errno, set_tid_address), console writes (write, writev; ioctl says "not a terminal"),
 * exit, abort's signal calls, lseek and close from stdio, and the clock. malloc is ours (libc-malloc.c), so brk and mmap
 * are refused. Any other call is a bug to fix here, reported like a CPU fault (exit 4) rather
 * than answered with a guess.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define SIGABRT 6

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*ldso)(void));

static int enter_engine(int argc, char **argv, char **envp)
{
    (void)argc; (void)argv; (void)envp;
    tsm_engine_boot();
}

/* What a Linux kernel puts on the initial stack (argc is passed apart): argv, envp and the
   auxiliary vector musl's __init_libc reads. No AT_PHDR: the image has no TLS segment
   (firmware.ld refuses one), so musl's static TLS needs nothing from the program headers. */
static const size_t initial_stack[] = {
    (size_t) "tsmetal", 0, /* argv */
    0,                     /* envp */
    AT_PAGESZ, 4096, AT_NULL, 0,
};

void tsm_libc_start(void)
{
    __libc_start_main(enter_engine, 1, (char **)initial_stack, 0, 0, 0);
    tsm_exit(TSM_EXIT_ENGINE_INIT);
}

static long console_write(long fd, const void *buf, size_t len)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    tsm_console_write(buf, len);
    return (long)len;
}

static long console_writev(long fd, const struct iovec *iov, long n)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    long total = 0;
    for (long i = 0; i < n; i++) {
        tsm_console_write(iov[i].iov_base, iov[i].iov_len);
        total += (long)iov[i].iov_len;
    }
    return total;
}

static long clock_gettime_call(struct timespec *ts)
{
    struct timeval tv;
    tsm_libc_time(&tv);
    ts->tv_sec = tv.tv_sec;
    ts->tv_nsec = tv.tv_usec * 1000;
    return 0;
}

static void put_dec(long v)
{
    char buf[21];
    int i = sizeof buf - 1;
    buf[i] = 0;
    unsigned long u = (unsigned long)v;
    do
        buf[--i] = (char)('0' + u % 10);
    while (u /= 10);
    tsm_console_puts(buf + i);
}

long tsm_syscall(long a1, long a2, long a3, long a4, long a5, long a6, long nr)
{
    (void)a4; (void)a5; (void)a6;
    switch (nr) {
    case SYS_write:
        return console_write(a1, (const void *)a2, (size_t)a3);
    case SYS_writev:
        return console_writev(a1, (const struct iovec *)a2, a3);
    case SYS_ioctl:
        return -ENOTTY;
    case SYS_exit:
    case SYS_exit_group:
        tsm_exit((int)a1);
    case SYS_arch_prctl:
        if (a1 == ARCH_SET_FS) {
            tsm_arch_set_thread_pointer((uintptr_t)a2);
            return 0;
        }
        if (a1 == ARCH_GET_FS) {
            *(uintptr_t *)a2 = tsm_arch_thread_pointer();
            return 0;
        }
        return -EINVAL;
    case SYS_set_tid_address:
    case SYS_getpid:
    case SYS_gettid:
        return 1;
    case SYS_rt_sigprocmask:
    case SYS_rt_sigaction:
        return 0;
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_kill:
        if ((nr == SYS_tgkill ? a3 : a2) == SIGABRT)
            tsm_libc_abort();
        return 0;
    case SYS_clock_gettime:
        return clock_gettime_call((struct timespec *)a2);
    case SYS_brk:
    case SYS_mmap:
        return -ENOMEM;
    case SYS_lseek: /* stdio asks when flushing: the console cannot seek */
        return -ESPIPE;
    case SYS_close:
        return 0;
    }
    tsm_console_puts("\ntsmetal: the C library made system call ");
    put_dec(nr);
    tsm_console_puts(", which the firmware does not serve (engine/src/libc-musl.c)\n");
    tsm_exit(TSM_EXIT_FAULT);
}

