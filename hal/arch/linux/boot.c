/*
 * From the process's start to the engine (docs/boards/linux.md). The executable keeps nothing it
 * inherited beyond standard input, output and error, and the register space's pipes (fds 3-5)
 * when `npm run linux` says it passed them (argument REGISTERS_ARG): every other descriptor is
 * closed before any JavaScript runs (close_range(2), Linux 5.9; a kernel or emulator without it
 * answers ENOSYS and `npm run linux` passes no others anyway; under `--gdb` on qemu-user the
 * launcher closes them instead, INHERITED_CLOSED_ARG); CPU faults are caught (fault.c),
 * then a seccomp filter allows only the few system calls the firmware makes (seccomp.c): where it
 * cannot be installed the firmware says so on standard error and exits 8, unless asked to run
 * without one. The command line is not given to the firmware: the bundle runs unchanged, as on a
 * board.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "arch.h"

/* tools/lib/linux.ts passes it with fds 3-5 open (hal/arch/linux/registers.c). */
#define REGISTERS_ARG "--tsm-registers=3,4,5"
/* Run on when the seccomp filter cannot be installed (npm run linux --allow-no-seccomp, and
   always under qemu-user, which refuses guest filters): without it the firmware refuses to run. */
#define ALLOW_NO_SECCOMP_ARG "--tsm-allow-no-seccomp"
/* npm run linux --gdb under qemu-user (tools/lib/gdb.ts INHERITED_CLOSED_ARG): the launcher closed
   every inherited descriptor above 5 before it became the emulator, so what is open above 5 is the
   emulator's gdbstub, in this same process: closing it would end the debug session. */
#define INHERITED_CLOSED_ARG "--tsm-inherited-closed"

static int is_arg(const char *a, const char *want)
{
    while (*want && *a == *want) {
        a++;
        want++;
    }
    return *want == 0 && *a == 0;
}

/* To standard error: standard output is the firmware's console. */
static void say(const char *s)
{
    const char *e = s;
    while (*e)
        e++;
    tsm_linux_syscall(TSM_SYS_WRITE, 2, (long)s, e - s, 0);
}

static void say_errno(long r)
{
    char digits[8], *p = digits + sizeof digits;
    unsigned long n = (unsigned long)-r;
    *--p = 0;
    do
        *--p = (char)('0' + n % 10);
    while ((n /= 10) && p > digits);
    say(p);
}

/* The filter, or (when allowed) a warning that there is none, or a refusal to run (exit 8). */
static void restrict_syscalls(int allow_none)
{
    long r = tsm_linux_restrict_syscalls();
    if (r == 0)
        return;
    say(allow_none ? "tsmetal: warning: no seccomp filter (prctl refused it, errno " : "tsmetal: the seccomp filter could not be installed (prctl refused it, errno ");
    say_errno(r);
    if (allow_none) {
        say("): the firmware runs without system call filtering (" ALLOW_NO_SECCOMP_ARG ")\n");
        return;
    }
    say("): refusing to run without it; npm run linux --allow-no-seccomp (the executable's "
        ALLOW_NO_SECCOMP_ARG ") runs it anyway\n");
    tsm_exit(TSM_EXIT_NO_SECCOMP);
}

void tsm_linux_boot(int argc, char **argv)
{
    int registers = 0, allow_no_seccomp = 0, inherited_closed = 0;
    for (int i = 1; i < argc; i++) {
        registers |= is_arg(argv[i], REGISTERS_ARG);
        allow_no_seccomp |= is_arg(argv[i], ALLOW_NO_SECCOMP_ARG);
        inherited_closed |= is_arg(argv[i], INHERITED_CLOSED_ARG);
    }
    if (registers)
        tsm_linux_registers_open();
    if (!(inherited_closed && registers))
        tsm_linux_syscall(TSM_SYS_CLOSE_RANGE, registers ? 6 : 3, (long)~0u, 0, 0);
    tsm_linux_catch_faults();
    restrict_syscalls(allow_no_seccomp);
    tsm_engine_boot();
}

/* The initial stack: argc, then argv[0..argc), NULL, envp (System V ABI, per arch's psABI). */
void tsm_linux_start(uintptr_t *initial_sp)
{
    tsm_linux_boot((int)initial_sp[0], (char **)(initial_sp + 1));
}
