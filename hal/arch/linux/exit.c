/*
 * Exit and host files for the Linux targets. The firmware's exit code is the process's exit
 * status: exit_group(2) ends every thread (there is only one). The engine snapshot is not made for
 * these targets (tools/lib/snapshot.ts), so there is no host file to save: the executable has no
 * way to open one.
 */
#include <stddef.h>
#include "tsmetal-hooks.h"
#include "arch.h"

void tsm_exit(int code)
{
    for (;;)
        tsm_linux_syscall(TSM_SYS_EXIT_GROUP, code, 0, 0, 0);
}

int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n)
{
    (void)path; (void)parts; (void)lens; (void)n;
    return -1;
}
