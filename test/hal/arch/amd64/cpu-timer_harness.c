/*
 * Host harness for hal/arch/amd64/cpu-timer.c (test/hal/arch/amd64/cpu-timer.test.ts): the file
 * is compiled into this one, against cpu-timer-host/arch.h, over a simulated VM:
 *   cpu-timer_harness [hv] [pit] [tsc=<Hz>] [leaf=<leaf>:<eax>:<ebx>:<ecx>:<edx>]...
 * `hv` sets CPUID.1:ECX[31]; `pit` gives an 8254 (otherwise every port reads 0xff); `tsc` is the
 * TSC's rate (default 2 GHz), which advances 40 ticks per RDTSC and 120 per port access. CPUID
 * answers the given leaves; a leaf in range but not given reads 0, and a leaf above the range
 * (basic: leaf 0's EAX; hypervisor: 0x40000000's EAX) reads the last basic leaf, as Intel CPUs
 * do (SDM vol. 2A, CPUID). Leaf 0 defaults to 0xd.
 * Prints "hz <TSC Hz> apic <APIC timer Hz> count1ms <initial count armed for 1 ms>", or
 * "error <tsm_arch_cpu_timer_no_hz()>", then "ports <port accesses of the search>".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "cpu-timer.c"

#define MAX_LEAVES 16
static struct { uint32_t leaf, r[4]; } leaves[MAX_LEAVES];
static int n_leaves, hypervisor, has_pit;
static uint64_t sim_tsc_hz = 2000000000u, now, port_accesses;
static volatile uint32_t *apic_page;

/* The PIT's channel 2: programmed at `start`, mode 2 from 65536, counting at 1,193,182 Hz. */
static struct {
    uint64_t start;
    int programmed, low_next, latched, status_latched;
    uint16_t latch;
    uint8_t status;
} ch2;

static const uint32_t *given(uint32_t leaf)
{
    for (int i = 0; i < n_leaves; i++)
        if (leaves[i].leaf == leaf)
            return leaves[i].r;
    return NULL;
}

void tsm_arch_cpuid(uint32_t leaf, uint32_t r[4])
{
    static const uint32_t none[4];
    const uint32_t *basic0 = given(0);
    uint32_t basic_last = basic0 ? basic0[0] : 0xd;
    const uint32_t *hv0 = given(0x40000000);
    uint32_t hv_last = hypervisor && hv0 ? hv0[0] : 0;
    const uint32_t *v = given(leaf);
    if (leaf == 0 && !v) {
        static uint32_t def[4] = { 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 };
        v = def;
    } else if (leaf == 1) {
        static uint32_t one[4];
        one[2] = hypervisor ? 1u << 31 : 0;
        v = one;
    } else if (!v) {
        int in_range = leaf <= basic_last || (leaf >= 0x40000000 && leaf <= hv_last);
        v = in_range ? none : (given(basic_last) ? given(basic_last) : none);
    } else if (leaf >= 0x40000000 && leaf <= 0x4fffffff && leaf > hv_last) {
        v = given(basic_last) ? given(basic_last) : none;
    }
    memcpy(r, v, 16);
}

uint64_t tsm_arch_cpu_timer_count(void)
{
    uint64_t t = now;
    now += 40;
    return t;
}

uint64_t tsm_arch_rdmsr(uint32_t msr)
{
    return msr == 0x1b ? (uint64_t)(uintptr_t)apic_page | 0x900 : 0;
}

static uint16_t ch2_count(void)
{
    uint64_t ticks = (now - ch2.start) * PIT_HZ / sim_tsc_hz;
    return (uint16_t)(0x10000 - ticks % 0x10000);
}

static uint8_t port_61;

uint8_t tsm_arch_in8(uint16_t port)
{
    now += 120;
    port_accesses++;
    if (!has_pit)
        return 0xff;
    if (port == 0x61)
        return port_61;
    if (port != 0x42 || !ch2.programmed)
        return 0xff;
    if (ch2.status_latched) {
        ch2.status_latched = 0;
        return ch2.status;
    }
    uint16_t c = ch2.latched ? ch2.latch : ch2_count();
    uint8_t b = ch2.low_next ? (uint8_t)c : (uint8_t)(c >> 8);
    if (!ch2.low_next)
        ch2.latched = 0;
    ch2.low_next = !ch2.low_next;
    return b;
}

void tsm_arch_out8(uint16_t port, uint8_t v)
{
    now += 120;
    port_accesses++;
    if (!has_pit)
        return;
    if (port == 0x61)
        port_61 = v;
    else if (port == 0x43 && v == 0xb4) {
        ch2.programmed = 1;
        ch2.low_next = 1;
        ch2.latched = 0;
        ch2.status_latched = 0;
    } else if (port == 0x43 && v == 0x80) {
        ch2.latch = ch2_count();
        ch2.latched = 1;
    } else if (port == 0x43 && v == 0xe8) {
        ch2.status = 0x80 | 0x34;
        ch2.status_latched = 1;
    } else if (port == 0x42 && !ch2.low_next) {
        ch2.start = now; /* the count starts once both bytes are written */
        ch2.low_next = 1;
    } else if (port == 0x42) {
        ch2.low_next = 0;
    }
}

static uint32_t parse(const char *s)
{
    return (uint32_t)strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
    /* The APIC page: APIC_BASE_MASK keeps 32 bits of the MSR, so it must lie below 4 GiB. */
    apic_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (apic_page == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "hv"))
            hypervisor = 1;
        else if (!strcmp(argv[i], "pit"))
            has_pit = 1;
        else if (!strncmp(argv[i], "tsc=", 4))
            sim_tsc_hz = strtoull(argv[i] + 4, NULL, 0);
        else if (!strncmp(argv[i], "leaf=", 5) && n_leaves < MAX_LEAVES) {
            char *p = argv[i] + 5;
            leaves[n_leaves].leaf = parse(p);
            for (int k = 0; k < 4; k++) {
                p = strchr(p, ':');
                if (!p) {
                    fprintf(stderr, "leaf=<leaf>:<eax>:<ebx>:<ecx>:<edx>\n");
                    return 2;
                }
                leaves[n_leaves].r[k] = parse(++p);
            }
            n_leaves++;
        } else {
            fprintf(stderr, "unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    /* A measured APIC timer sees 1,000,000 ticks gone in its 1 ms window: ~1 GHz. */
    apic_page[LAPIC_TIMER_CURRENT / 4] = 0xffffffffu - 1000000u;
    uint32_t hz = tsm_arch_cpu_timer_hz();
    uint64_t search_ports = port_accesses;
    if (!hz) {
        char why[1024]; /* larger than hal/native/clock.c's: the test sees any message's length */
        printf("error %s\nports %llu\n", tsm_arch_cpu_timer_no_hz(why, sizeof why), (unsigned long long)search_ports);
        return 0;
    }
    tsm_arch_cpu_timer_start();
    now = 1000000;
    tsm_arch_cpu_timer_arm(now + hz / 1000);
    printf("hz %u apic %u count1ms %u\nports %llu\n", hz, lapic_hz, apic_page[LAPIC_TIMER_INITIAL / 4], (unsigned long long)search_ports);
    return 0;
}
