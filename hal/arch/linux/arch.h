/*
 * The Linux userspace targets (linux-amd64, linux-arm, linux-riscv64; docs/boards/linux.md): the
 * engine, loop and native HAL as an ordinary static Linux executable. The "CPU" is a process: its
 * register space is simulated by the host (`npm run linux`) over pipes, and its interrupt line is
 * a flag the register answers and a notification pipe set (hal/arch/linux/registers.c; no signals
 * are used). The loop clock is CLOCK_MONOTONIC; sleeping waits on the notification pipe, or
 * clock_nanosleep without a host, until the armed deadline. The system calls are made by
 * tsm_linux_syscall (hal/arch/linux/<arch>/start.S), never through the C library, so the same C
 * works over musl (amd64), newlib (arm) and picolibc (riscv64).
 */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

#include <stdint.h>

/* System call numbers: arch/x86/entry/syscalls/syscall_64.tbl, arch/arm/tools/syscall.tbl (EABI),
   include/uapi/asm-generic/unistd.h (RISC-V) in the Linux source. ARM is 32-bit: its
   clock_gettime, clock_nanosleep and ppoll take the old 32-bit struct timespec, which `long`
   matches. */
#if defined(__x86_64__)
#define TSM_SYS_READ 0
#define TSM_SYS_WRITE 1
#define TSM_SYS_PPOLL 271
#define TSM_SYS_CLOCK_GETTIME 228
#define TSM_SYS_CLOCK_NANOSLEEP 230
#define TSM_SYS_EXIT_GROUP 231
#define TSM_SYS_GETRANDOM 318
#elif defined(__arm__)
#define TSM_SYS_READ 3
#define TSM_SYS_WRITE 4
#define TSM_SYS_PPOLL 336
#define TSM_SYS_EXIT_GROUP 248
#define TSM_SYS_CLOCK_GETTIME 263
#define TSM_SYS_CLOCK_NANOSLEEP 265
#define TSM_SYS_GETRANDOM 384
#elif defined(__riscv) && __riscv_xlen == 64
#define TSM_SYS_READ 63
#define TSM_SYS_WRITE 64
#define TSM_SYS_PPOLL 73
#define TSM_SYS_EXIT_GROUP 94
#define TSM_SYS_CLOCK_GETTIME 113
#define TSM_SYS_CLOCK_NANOSLEEP 115
#define TSM_SYS_GETRANDOM 278
#else
#error "hal/arch/linux: no system call table for this CPU"
#endif
/* Numbered alike on every arch since Linux 5.1's unified table (>= 403). */
#define TSM_SYS_CLOSE_RANGE 436

#define TSM_CLOCK_MONOTONIC 1
#define TSM_TIMER_ABSTIME 1
#define TSM_EINTR 4
#define TSM_EAGAIN 11
#define TSM_POLLIN 1

struct tsm_linux_timespec {
    long tv_sec;
    long tv_nsec;
};

/* One system call; returns the kernel's result (-errno on failure). start.S, per arch. */
long tsm_linux_syscall(long nr, long a1, long a2, long a3, long a4);

/* From the initial stack (argc, argv...) to the engine: hal/arch/linux/boot.c, through
   tsm_linux_boot, which the C library's start-up calls where it has one (musl:
   engine/src/libc-linux-musl.c) and is therefore in the contract (engine/include/tsmetal-hooks.h). */
void tsm_linux_start(uintptr_t *initial_sp) __attribute__((noreturn));
/* Reports SIGSEGV, SIGBUS, SIGILL and SIGFPE as CPU faults, exit 4 (hal/arch/linux/fault.c). */
void tsm_linux_catch_faults(void);
/* The report of a CPU fault: `kind` at `addr`, then `why` (with its newline); exits 4. */
void tsm_linux_report_fault(const char *kind, uintptr_t addr, const char *why) __attribute__((noreturn));
/* Allows only the system calls above from now on (hal/arch/linux/seccomp.c): 0, or -errno. */
long tsm_linux_restrict_syscalls(void);

/* A process has no caches or buses to order for anyone else: compiler barriers. */
static inline void tsm_arch_dmb(void) { __asm__ volatile("" ::: "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("" ::: "memory"); }
static inline void tsm_arch_isb(void) { __asm__ volatile("" ::: "memory"); }

#define TSM_TOP_HALF_ATTR

/* The simulated register space (hal/arch/linux/registers.c): every hal.mmio access and every
   register access of the interrupt top half is a request to the host (hal/native/mmio-access.h). */
#define TSM_ARCH_MMIO_HOOKS 1
uint32_t tsm_arch_mmio_read(uintptr_t addr, unsigned width);
void tsm_arch_mmio_write(uintptr_t addr, unsigned width, uint32_t value);

/* Whether `npm run linux` passed the register space's pipes (boot.c, from the command line). */
void tsm_linux_registers_open(void);
int tsm_linux_has_registers(void);

/*
 * The CPU's interrupt line, emulated: `tsm_linux_irq_masked` is the CPU's mask (set at reset, as
 * on a board), `tsm_linux_irq_line` the controller's output as the host last reported it (in
 * every register answer, and on the notification pipe). With the line up and interrupts
 * unmasked, tsm_linux_take_irq runs the top half, with interrupts masked, as the CPU's interrupt
 * entry would; that happens after a register answer and when interrupts are unmasked.
 */
extern volatile int tsm_linux_irq_masked, tsm_linux_irq_line;
void tsm_linux_take_irq(void);
static inline void tsm_arch_irq_enable(void)
{
    tsm_linux_irq_masked = 0;
    if (tsm_linux_irq_line)
        tsm_linux_take_irq();
}
static inline void tsm_arch_irq_disable(void) { tsm_linux_irq_masked = 1; }
static inline unsigned tsm_arch_irq_save(void)
{
    unsigned m = (unsigned)tsm_linux_irq_masked;
    tsm_linux_irq_masked = 1;
    return m;
}
static inline void tsm_arch_irq_restore(unsigned m)
{
    if (!m)
        tsm_arch_irq_enable();
}
static inline void tsm_arch_deadline_armed(void) {}
/* Waits for the host's interrupt notification until `timeout` (relative; NULL: no limit), and
   raises the line if one came. */
void tsm_linux_wait_irq(const struct tsm_linux_timespec *timeout);

/*
 * The loop clock is the "cpu-timer" counter kind (hal/native/clock.c): CLOCK_MONOTONIC in
 * nanoseconds, with the deadline kept in hal/arch/linux/monotonic.c. tsm_arch_wait sleeps until
 * it, or a while when none is armed; the loop re-reads the clock after every wait, so waking
 * early is harmless.
 */
#define TSM_ARCH_CPU_TIMER 1
uint64_t tsm_arch_cpu_timer_count(void);
uint32_t tsm_arch_cpu_timer_hz(void);
void tsm_arch_cpu_timer_start(void);
void tsm_arch_cpu_timer_arm(uint64_t deadline);
void tsm_arch_wait(void);

#endif
