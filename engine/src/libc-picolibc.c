/*
 * What picolibc (RISC-V) expects underneath it. There is no OS: malloc is served by the firmware
 * heap (libc-malloc.c), the engine does no file I/O, and exit goes to semihosting.
 */
#include <sys/time.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    tsm_libc_time(tv);
    return 0;
}

void _exit(int code)
{
    tsm_exit(code);
}

int getpid(void)
{
    return 1;
}

/* SIGABRT raised inside the C library (abort() itself is ours, libc-common.c): report it as
   a fault rather than hang. */
int kill(int pid, int sig)
{
    (void)pid; (void)sig;
    tsm_libc_abort();
}
