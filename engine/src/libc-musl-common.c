/*
 * What musl needs from tsmetal on both targets that link it (engine/src/libc-musl.c in ring 0 on
 * the amd64 boards, engine/src/libc-linux-musl.c in the linux-amd64 executable).
 */
#include <stdio.h>
#include <sys/time.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

/* Date.now() (engine/src/libc-common.c): the board's clock, not the host's wall clock, and
   without a round trip through `syscall`. */
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    tsm_libc_time(tv);
    return 0;
}

/* musl's assert(): an engine bug, reported like a CPU fault (never a hang). */
void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    printf("\ntsmetal: engine assertion failed: %s (%s:%d, %s)\n", expr, file, line, func ? func : "?");
    tsm_exit(TSM_EXIT_FAULT);
}
