/*
 * The loop clock on x86-64 (hal.clock.attach({ counter: { kind: "cpu-timer" } }), arch.h): the
 * time-stamp counter as the counter, the local APIC timer in one-shot mode as the deadline.
 *
 * Neither frequency is architectural, so both are measured once per boot, when the loop unit
 * attaches the clock (never at engine init: the snapshot is made on the build machine's QEMU):
 * - TSC: CPUID leaf 0x15 when it gives the crystal clock and the TSC/crystal ratio (SDM vol. 3,
 *   19.7.3); otherwise against the 8254 PIT's channel 2 at 1,193,182 Hz (gate and output on port
 *   0x61, as on every PC). The PIT window is timed from one change of its count to another, and
 *   the result rounded up by the time one poll takes at each end, so the frequency is never
 *   under-estimated: a timer computed from it is never early.
 * - local APIC timer (SDM vol. 3, 11.5.4): against the TSC, and rounded down, so a deadline never
 *   fires late (the loop re-arms a deadline that fired early).
 * The APIC timer's counter is 32 bits; arm() clamps a deadline to one second ahead.
 */
#include <stdint.h>
#include "arch.h"
#include "tsmetal.h"

#define MSR_APIC_BASE 0x1bu
#define APIC_BASE_MASK 0xfffff000ull
/* Local APIC registers (SDM vol. 3, table 11-1). */
#define LAPIC_EOI 0x0b0u
#define LAPIC_LVT_TIMER 0x320u
#define LAPIC_TIMER_INITIAL 0x380u
#define LAPIC_TIMER_CURRENT 0x390u
#define LAPIC_TIMER_DIVIDE 0x3e0u
#define LVT_MASKED (1u << 16)
#define TIMER_DIVIDE_BY_1 0xbu /* 11.5.4: bits 0, 1, 3 = 1011b */

/* 8254 PIT (Intel 82C54 datasheet): channel 2's counter, the mode register, and port 0x61. */
#define PIT_HZ 1193182u
#define PIT_CH2 0x42u
#define PIT_MODE 0x43u
#define PIT_CH2_MODE2 0xb4u   /* channel 2, low then high byte, mode 2 (rate generator), binary */
#define PIT_CH2_LATCH 0x80u   /* counter latch command for channel 2 */
#define PORT_61 0x61u
#define PORT_61_GATE2 0x01u
#define PORT_61_SPEAKER 0x02u
/* 10 ms of PIT: ~2 ppm from the polls at either end. */
#define PIT_WINDOW_TICKS 11932u
/* Bounds on the polls, so a VMM without a PIT (port reads give all ones, which never change)
   fails the calibration instead of hanging: a count changes every 838 ns, the window is 10 ms. */
#define EDGE_POLL_LIMIT 1000000u
#define WINDOW_POLL_LIMIT 100000000u

static uint32_t tsc_hz, lapic_hz;
static volatile uint32_t *lapic;

static volatile uint32_t *lapic_reg(uint32_t offset)
{
    return (volatile uint32_t *)((uintptr_t)(tsm_arch_rdmsr(MSR_APIC_BASE) & APIC_BASE_MASK) + offset);
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* CPUID 0x15: TSC = crystal * EBX / EAX, when all three are reported (often ECX is 0). */
static uint64_t tsc_hz_from_cpuid(void)
{
    uint32_t r[4];
    cpuid(0, r);
    if (r[0] < 0x15)
        return 0;
    cpuid(0x15, r);
    if (!r[0] || !r[1] || !r[2])
        return 0;
    return (uint64_t)r[2] * r[1] / r[0];
}

static uint16_t pit_ch2_count(void)
{
    tsm_arch_out8(PIT_MODE, PIT_CH2_LATCH);
    uint8_t lo = tsm_arch_in8(PIT_CH2);
    return (uint16_t)(lo | tsm_arch_in8(PIT_CH2) << 8);
}

/* Waits for the PIT count to change from `from`; the TSC then, and the TSC cost of one poll. */
static int pit_edge(uint16_t from, uint16_t *count, uint64_t *tsc, uint64_t *poll)
{
    uint64_t before = tsm_arch_cpu_timer_count();
    for (uint32_t n = 0; n < EDGE_POLL_LIMIT; n++) {
        uint64_t t = tsm_arch_cpu_timer_count();
        uint16_t c = pit_ch2_count();
        if (c != from) {
            *count = c;
            *tsc = t;
            *poll = t - before;
            return 0;
        }
        before = t;
    }
    return -1;
}

static uint64_t tsc_hz_from_pit(void)
{
    uint8_t saved = tsm_arch_in8(PORT_61);
    tsm_arch_out8(PORT_61, (uint8_t)((saved & ~PORT_61_SPEAKER) | PORT_61_GATE2));
    tsm_arch_out8(PIT_MODE, PIT_CH2_MODE2);
    tsm_arch_out8(PIT_CH2, 0); /* 0 = 65536: the longest period */
    tsm_arch_out8(PIT_CH2, 0);
    uint16_t c0, c1, c;
    uint64_t t0, t1, p0, p1;
    uint64_t hz = 0;
    if (pit_edge(pit_ch2_count(), &c0, &t0, &p0) == 0) {
        /* Mode 2 counts down and reloads: elapsed ticks are differences modulo 2^16. */
        c = c0;
        for (uint32_t n = 0; n < WINDOW_POLL_LIMIT; n++) {
            c = pit_ch2_count();
            if ((uint16_t)(c0 - c) >= PIT_WINDOW_TICKS)
                break;
        }
        if (pit_edge(c, &c1, &t1, &p1) == 0) {
            uint64_t ticks = (uint16_t)(c0 - c1);
            if (ticks < PIT_WINDOW_TICKS) /* the window loop gave up: a PIT that does not count */
                ticks = 0;
            /* Each edge happened within one poll around its TSC reading (after the previous
               poll's count read, before this one's): the window was at most t1 - t0 + p0 + p1
               TSC ticks long, and the frequency is taken from that, rounded up. */
            if (ticks)
                hz = ((t1 - t0 + p0 + p1) * PIT_HZ + ticks - 1) / ticks;
        }
    }
    tsm_arch_out8(PORT_61, saved);
    return hz;
}

/* Both measurements run with interrupts masked: a top half between a counter read and the TSC
   read next to it would stretch one side of the comparison. (They run when the loop unit
   attaches the clock, before any handler can have enabled a line.) */
uint32_t tsm_arch_cpu_timer_hz(void)
{
    if (!tsc_hz) {
        unsigned saved = tsm_arch_irq_save();
        uint64_t hz = tsc_hz_from_cpuid();
        if (!hz)
            hz = tsc_hz_from_pit();
        tsm_arch_irq_restore(saved);
        /* clock.attach refuses 0 and anything above 4 GHz with a RangeError. */
        tsc_hz = hz > 0xffffffffu ? 0xffffffffu : (uint32_t)hz;
    }
    return tsc_hz;
}

/* The APIC timer's ticks per second, counted down over 1 ms of TSC with the timer masked. */
static uint32_t measure_lapic_hz(void)
{
    uint64_t window = tsc_hz / 1000;
    lapic[LAPIC_LVT_TIMER / 4] = LVT_MASKED | TSM_LAPIC_TIMER_VECTOR;
    lapic[LAPIC_TIMER_DIVIDE / 4] = TIMER_DIVIDE_BY_1;
    /* The TSC is read before the count starts and after it is read, so the TSC interval holds
       the APIC's, and the result (rounded down) never has more APIC ticks per second than the
       timer counts: a deadline computed from it comes early, never late. */
    uint64_t t0 = tsm_arch_cpu_timer_count();
    lapic[LAPIC_TIMER_INITIAL / 4] = 0xffffffffu;
    while (tsm_arch_cpu_timer_count() - t0 < window)
        ;
    uint32_t left = lapic[LAPIC_TIMER_CURRENT / 4];
    uint64_t t1 = tsm_arch_cpu_timer_count();
    lapic[LAPIC_TIMER_INITIAL / 4] = 0;
    return (uint32_t)((uint64_t)(0xffffffffu - left) * tsc_hz / (t1 - t0));
}

void tsm_arch_cpu_timer_start(void)
{
    lapic = lapic_reg(0);
    if (!tsc_hz)
        tsm_arch_cpu_timer_hz();
    unsigned saved = tsm_arch_irq_save();
    lapic_hz = measure_lapic_hz();
    tsm_arch_irq_restore(saved);
    if (!lapic_hz)
        lapic_hz = 1;
    /* One-shot mode (LVT bits 17-18 = 00), unmasked: it fires when the count reaches 0. */
    lapic[LAPIC_LVT_TIMER / 4] = TSM_LAPIC_TIMER_VECTOR;
}

void tsm_arch_cpu_timer_arm(uint64_t deadline)
{
    uint64_t now = tsm_arch_cpu_timer_count();
    uint64_t delta = deadline > now ? deadline - now : 0;
    /* At most one second ahead: delta * lapic_hz then fits in 64 bits and the count in 32. */
    if (delta > tsc_hz)
        delta = tsc_hz;
    uint64_t count = delta * lapic_hz / tsc_hz;
    /* Writing the initial count restarts the one-shot timer; 0 would stop it. */
    lapic[LAPIC_TIMER_INITIAL / 4] = count ? (uint32_t)count : 1u;
}

/* The timer's interrupt: end it at the APIC (11.8.5); the loop looks at the clock itself. */
void tsm_amd64_timer_interrupt(void)
{
    lapic[LAPIC_EOI / 4] = 0;
}
