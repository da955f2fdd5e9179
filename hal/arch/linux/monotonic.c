/*
 * The loop clock of the Linux targets: hal.clock's "cpu-timer" counter kind (hal/native/clock.c)
 * read from CLOCK_MONOTONIC in nanoseconds (clock_gettime(2)), and the deadline a sleep in
 * clock_nanosleep(2) with TIMER_ABSTIME, so a signal or a late start never stretches it. Like a
 * one-shot hardware timer, an armed deadline is used by one wait. With the register space's host
 * the wait also ends at its interrupt notification (registers.c); without a host and a deadline
 * (nothing can interrupt) it is a second long.
 */
#include <stdint.h>
#include "arch.h"

#define NS_PER_S 1000000000u

static uint64_t deadline;
static int armed;

uint64_t tsm_arch_cpu_timer_count(void)
{
    struct tsm_linux_timespec ts = { 0, 0 };
    tsm_linux_syscall(TSM_SYS_CLOCK_GETTIME, TSM_CLOCK_MONOTONIC, (long)&ts, 0, 0);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint32_t tsm_arch_cpu_timer_hz(void)
{
    return NS_PER_S;
}

void tsm_arch_cpu_timer_start(void) {}

void tsm_arch_cpu_timer_arm(uint64_t at)
{
    deadline = at;
    armed = 1;
}

void tsm_arch_wait(void)
{
    struct tsm_linux_timespec ts = { 1, 0 };
    long flags = 0;
    if (tsm_linux_has_registers()) {
        /* Until the deadline or the host's interrupt notification, whichever comes first
           (ppoll's timeout is relative); with no deadline, until an interrupt. */
        if (!armed) {
            tsm_linux_wait_irq(0);
            return;
        }
        armed = 0;
        uint64_t now = tsm_arch_cpu_timer_count(), left = deadline > now ? deadline - now : 0;
        ts.tv_sec = (long)(left / NS_PER_S);
        ts.tv_nsec = (long)(left % NS_PER_S);
        tsm_linux_wait_irq(&ts);
        return;
    }
    if (armed) {
        ts.tv_sec = (long)(deadline / NS_PER_S);
        ts.tv_nsec = (long)(deadline % NS_PER_S);
        flags = TSM_TIMER_ABSTIME;
        armed = 0;
    }
    tsm_linux_syscall(TSM_SYS_CLOCK_NANOSLEEP, TSM_CLOCK_MONOTONIC, flags, (long)&ts, 0);
}
