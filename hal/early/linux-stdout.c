/*
 * Early console of the Linux targets: write(2) to the file descriptor in board.json's
 * earlyConsole.base (1, standard output), retried after a partial write or EINTR and given up on
 * any other error (a closed pipe must not hang the firmware). For panics and uncaught errors, and
 * the firmware console itself (hal/arch/linux/host-console.c).
 */
#include <stddef.h>
#include "tsmetal-hooks.h"
#include "arch.h"

#ifndef TSM_EARLY_CONSOLE_BASE
#error "TSM_EARLY_CONSOLE_BASE comes from the board's board.json (earlyConsole.base)"
#endif

void tsm_console_write(const char *s, size_t len)
{
    while (len > 0) {
        long n = tsm_linux_syscall(TSM_SYS_WRITE, TSM_EARLY_CONSOLE_BASE, (long)s, (long)len, 0);
        if (n == -TSM_EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}
