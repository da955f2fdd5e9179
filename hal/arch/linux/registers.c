/*
 * The simulated register space of the Linux targets (docs/boards/linux.md, "Register space").
 * `npm run linux` (tools/lib/linux-registers.ts) runs the board's peripheral models in Node and
 * passes three pipes: fd 3 carries requests from here, fd 4 the answers, fd 5 a byte whenever the
 * machine's interrupt output rises. Each access is one fixed-size request, answered before the
 * next, so register accesses stay ordered and synchronous as on a bus. An address no model
 * claims is a CPU fault (exit 4), like a data abort; so is any access when the executable was
 * started without the pipes (no `--tsm-registers` argument: nothing but memory here, and
 * hal.mmio never touches the process's own memory).
 *
 * The CPU's interrupt line: every answer carries the controller's output, and the notification
 * pipe wakes a sleeping firmware. With the line up and interrupts unmasked the top half runs
 * (tsm_linux_take_irq), masked, as an exception entry would; it disables the lines it queues, so
 * the line drops in the answers of its own accesses.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "arch.h"
#include "irq.h"

enum { FD_REQUEST = 3, FD_ANSWER = 4, FD_NOTIFY = 5 };
enum { OP_READ = 1, OP_WRITE = 2 };
enum { STATUS_OK = 0, STATUS_UNMAPPED = 1 };

/* Little-endian on all three targets, as tools/lib/linux-registers.ts decodes them. */
struct request {
    uint8_t op, width;
    uint16_t reserved;
    uint32_t value;
    uint64_t address;
};
struct answer {
    uint32_t value;
    uint8_t status, line;
    uint16_t reserved;
};
_Static_assert(sizeof(struct request) == 16 && sizeof(struct answer) == 8, "protocol sizes");

struct pollfd {
    int fd;
    short events, revents;
};

volatile int tsm_linux_irq_masked = 1, tsm_linux_irq_line;
static int has_registers;

void tsm_linux_registers_open(void)
{
    has_registers = 1;
}

int tsm_linux_has_registers(void)
{
    return has_registers;
}

static void host_gone(void)
{
    tsm_console_puts("\ntsmetal: CPU fault: the register space's host (npm run linux) went away\n");
    tsm_exit(TSM_EXIT_FAULT);
}

/* Blocks until `fd` is readable (it may be non-blocking, or the call interrupted). */
static void wait_readable(int fd, const struct tsm_linux_timespec *timeout)
{
    struct pollfd p = { fd, TSM_POLLIN, 0 };
    tsm_linux_syscall(TSM_SYS_PPOLL, (long)&p, 1, (long)timeout, 0);
}

static void transfer(long nr, int fd, void *buf, unsigned len)
{
    uint8_t *b = buf;
    while (len) {
        long n = tsm_linux_syscall(nr, fd, (long)b, len, 0);
        if (n == -TSM_EAGAIN || n == -TSM_EINTR) {
            if (nr == TSM_SYS_READ)
                wait_readable(fd, 0);
            continue;
        }
        if (n <= 0)
            host_gone();
        b += n;
        len -= (unsigned)n;
    }
}

static uint32_t access(uint8_t op, unsigned width, uintptr_t addr, uint32_t value)
{
    if (!has_registers)
        tsm_linux_report_fault("data abort", addr, " (no register space: the executable runs without npm run linux's models)\n");
    struct request rq = { op, (uint8_t)width, 0, value, (uint64_t)addr };
    struct answer a;
    transfer(TSM_SYS_WRITE, FD_REQUEST, &rq, sizeof rq);
    transfer(TSM_SYS_READ, FD_ANSWER, &a, sizeof a);
    if (a.status != STATUS_OK)
        tsm_linux_report_fault("data abort", addr, op == OP_READ ? " (read: no register there in the simulated register space)\n"
                                                                : " (write: no register there in the simulated register space)\n");
    tsm_linux_irq_line = a.line;
    if (a.line && !tsm_linux_irq_masked)
        tsm_linux_take_irq();
    return a.value;
}

uint32_t tsm_arch_mmio_read(uintptr_t addr, unsigned width)
{
    return access(OP_READ, width, addr, 0);
}

void tsm_arch_mmio_write(uintptr_t addr, unsigned width, uint32_t value)
{
    access(OP_WRITE, width, addr, value);
}

void tsm_linux_take_irq(void)
{
    if (tsm_linux_irq_masked)
        return;
    tsm_linux_irq_masked = 1;
    tsm_linux_irq_line = 0;
    tsm_irq_top_half();
    tsm_linux_irq_masked = 0;
}

/* tsm_arch_poll_irq (engine/include/tsmetal-hooks.h): a notification that came while the CPU ran
   without touching a register (a JS loop) raises the line now, and is taken if unmasked, as a
   CPU would have taken it. A zero-timeout ppoll, which the seccomp filter already allows. */
void tsm_arch_poll_irq(void)
{
    /* Writable: ppoll(2) writes the time left back, and qemu-user fails the call (EFAULT) where
       it cannot, though the kernel ignores that. */
    struct tsm_linux_timespec now = { 0, 0 };
    if (!has_registers || tsm_linux_irq_line)
        return;
    tsm_linux_wait_irq(&now);
    if (tsm_linux_irq_line && !tsm_linux_irq_masked)
        tsm_linux_take_irq();
}

void tsm_linux_wait_irq(const struct tsm_linux_timespec *timeout)
{
    /* The line is already up (taken when interrupts are unmasked): no sleep, as WFI. */
    if (tsm_linux_irq_line)
        return;
    struct pollfd p = { FD_NOTIFY, TSM_POLLIN, 0 };
    long n = tsm_linux_syscall(TSM_SYS_PPOLL, (long)&p, 1, (long)timeout, 0);
    if (n <= 0)
        return;
    uint8_t drain[64];
    long got = tsm_linux_syscall(TSM_SYS_READ, FD_NOTIFY, (long)drain, sizeof drain, 0);
    if (got == 0)
        host_gone();
    if (got > 0)
        tsm_linux_irq_line = 1;
}
