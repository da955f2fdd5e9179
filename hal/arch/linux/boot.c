/*
 * From the process's start to the engine (docs/boards/linux.md). The executable keeps nothing it
 * inherited beyond standard input, output and error, and the register space's pipes (fds 3-5)
 * when `npm run linux` says it passed them (argument REGISTERS_ARG): every other descriptor is
 * closed before any JavaScript runs (close_range(2), Linux 5.9; a kernel or emulator without it
 * answers ENOSYS and `npm run linux` passes no others anyway); CPU faults are caught (fault.c),
 * then a seccomp filter allows only the few system calls the firmware makes (seccomp.c). The
 * command line is not given to the firmware: the bundle runs unchanged, as on a board.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "arch.h"

/* tools/lib/linux.ts passes it with fds 3-5 open (hal/arch/linux/registers.c). */
#define REGISTERS_ARG "--tsm-registers=3,4,5"

static int is_registers_arg(const char *a)
{
    const char *want = REGISTERS_ARG;
    while (*want && *a == *want) {
        a++;
        want++;
    }
    return *want == 0 && *a == 0;
}

void tsm_linux_boot(int argc, char **argv)
{
    int registers = argc == 2 && is_registers_arg(argv[1]);
    if (registers)
        tsm_linux_registers_open();
    tsm_linux_syscall(TSM_SYS_CLOSE_RANGE, registers ? 6 : 3, (long)~0u, 0, 0);
    tsm_linux_catch_faults();
    /* Where the kernel takes no filter (qemu-user refuses them), the firmware still runs: the
       engine has no file or network API to begin with (docs/boards/linux.md). */
    tsm_linux_restrict_syscalls();
    tsm_engine_boot();
}

/* The initial stack: argc, then argv[0..argc), NULL, envp (System V ABI, per arch's psABI). */
void tsm_linux_start(uintptr_t *initial_sp)
{
    tsm_linux_boot((int)initial_sp[0], (char **)(initial_sp + 1));
}
