/*
 * CPU faults of the Linux targets: SIGSEGV, SIGBUS, SIGILL and SIGFPE are caught, reported on the
 * console with the faulting address (siginfo_t si_addr, sigaction(2)) and end the firmware with
 * exit 4, as a data abort does on a board. hal.mmio never causes one: its accesses go to the
 * simulated register space (registers.c), whose unmapped addresses are reported here too
 * (tsm_linux_report_fault). The handler never returns, so it needs no restorer of its own (x86-64
 * still requires SA_RESTORER, and gets one that exits); it runs on an alternate signal stack
 * (sigaltstack(2)), because the page below the main stack is made inaccessible here
 * (hal/arch/linux/linux.ld __stack_guard) and a stack overflow faults with sp in it.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "arch.h"

/* rt_sigaction numbers and the kernel's struct sigaction: arch/x86/include/uapi/asm/signal.h,
   arch/arm/include/asm/signal.h (with sa_restorer), include/uapi/asm-generic/signal.h (RISC-V:
   none). The mask is the kernel's 64-bit sigset_t on all three. */
#if defined(__x86_64__)
#define SYS_RT_SIGACTION 13
#define SYS_MPROTECT 10
#define SYS_SIGALTSTACK 131
#define HAS_RESTORER 1
#elif defined(__arm__)
#define SYS_RT_SIGACTION 174
#define SYS_MPROTECT 125
#define SYS_SIGALTSTACK 186
#define HAS_RESTORER 1
#elif defined(__riscv)
#define SYS_RT_SIGACTION 134
#define SYS_MPROTECT 226
#define SYS_SIGALTSTACK 132
#define HAS_RESTORER 0
#endif

#define SA_SIGINFO 4ul
#define SA_ONSTACK 0x08000000ul
#define SA_RESTORER 0x04000000ul
#define PROT_NONE 0

extern uint8_t __stack_guard[];

/* stack_t (include/uapi/asm-generic/signal.h; the same on x86-64 and ARM). */
struct signal_stack {
    void *sp;
    int flags;
    unsigned long size;
};

static uint8_t __attribute__((aligned(16))) signal_stack[16384];

struct kernel_sigaction {
    void (*handler)(int, void *, void *);
    unsigned long flags;
#if HAS_RESTORER
    void (*restorer)(void);
#endif
    uint64_t mask;
};

/* siginfo_t: si_signo, si_errno, si_code (ints), then the union, pointer-aligned; si_addr is its
   first member for these signals (include/uapi/asm-generic/siginfo.h). */
struct fault_info {
    int signo, err, code;
    void *addr;
};

static const struct {
    int signo;
    const char *name;
} faults[] = { { 11, "SIGSEGV" }, { 7, "SIGBUS" }, { 4, "SIGILL" }, { 8, "SIGFPE" } };

static void on_fault(int signo, void *info, void *context)
{
    (void)context;
    const char *name = "signal";
    for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++)
        if (faults[i].signo == signo)
            name = faults[i].name;
    uintptr_t addr = (uintptr_t)((struct fault_info *)info)->addr;
    if (signo == 11 && addr - (uintptr_t)__stack_guard < 4096)
        tsm_linux_report_fault(name, addr, "\n  stack overflow: the main stack ran into its guard page\n");
    /* SIGSEGV and SIGBUS: an address the process has not mapped, a bug in the C. */
    tsm_linux_report_fault(name, addr, signo == 11 || signo == 7 ? " (not mapped in the process)\n" : "\n");
}

void tsm_linux_report_fault(const char *kind, uintptr_t addr, const char *why)
{
    tsm_console_puts("\ntsmetal: CPU fault: ");
    tsm_console_puts(kind);
    tsm_console_put_hex(" at address ", addr, 2 * (int)sizeof addr);
    tsm_console_puts(why);
    tsm_exit(TSM_EXIT_FAULT);
}

#if HAS_RESTORER
static void never_returns(void)
{
    tsm_exit(TSM_EXIT_FAULT);
}
#endif

void tsm_linux_catch_faults(void)
{
    struct kernel_sigaction sa = {
        .handler = on_fault,
        .flags = SA_SIGINFO | SA_ONSTACK
#if HAS_RESTORER
                 | SA_RESTORER,
        .restorer = never_returns,
#else
        ,
#endif
        .mask = ~0ull, /* nothing else interrupts the report */
    };
    struct signal_stack ss = { .sp = signal_stack, .flags = 0, .size = sizeof signal_stack };
    tsm_linux_syscall(SYS_SIGALTSTACK, (long)&ss, 0, 0, 0);
    for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++)
        tsm_linux_syscall(SYS_RT_SIGACTION, faults[i].signo, (long)&sa, 0, sizeof sa.mask);
    /* Before the seccomp filter (boot.c), which allows no mprotect. */
    tsm_linux_syscall(SYS_MPROTECT, (long)__stack_guard, 4096, PROT_NONE, 0);
}
