/*
 * The loop clock on x86-64 (hal.clock.attach({ counter: { kind: "cpu-timer" } }), arch.h): the
 * time-stamp counter as the counter, the local APIC timer in one-shot mode as the deadline.
 *
 * Neither frequency is architectural. Both are found once per boot, when the loop unit attaches
 * the clock (never at engine init: the snapshot is made on the build machine's QEMU).
 *
 * TSC, from the first source that answers, in an order that depends on CPUID.1:ECX[31] (a
 * hypervisor is present; SDM vol. 2A, CPUID, "reserved for hypervisor use"):
 * - under a hypervisor: (1) leaf 0x40000010, the VMware-defined timing leaf (EAX = TSC kHz,
 *   EBX = APIC bus kHz) when the hypervisor's leaf range reaches it (0x40000000 EAX); (2) the
 *   8254 PIT; (3) leaf 0x15/0x16 as below. The hypervisor's own word comes first and leaves
 *   0x15/0x16 last because those describe the host's processor, which a VMM may pass through
 *   while it scales the guest's TSC (KVM_SET_TSC_KHZ; Firecracker does so when it restores a
 *   snapshot on a host of another TSC rate: src/vmm/src/builder.rs, is_tsc_scaling_required),
 *   while the PIT it emulates counts the guest's time. Cloud Hypervisor fills leaf 0x40000010
 *   from KVM_GET_TSC_KHZ, with EBX = 1,000,000 (KVM's APIC timer runs at 1 GHz, APIC_BUS_CYCLE_NS),
 *   when the host TSC is invariant (arch/src/x86_64/mod.rs, configure_vcpu), and has no PIT (it
 *   never calls KVM_CREATE_PIT2); Firecracker creates KVM's in-kernel PIT with the port 0x61
 *   stub (src/vmm/src/arch/x86_64/vm.rs setup_irqchip: create_pit2, KVM_PIT_SPEAKER_DUMMY) and
 *   has no leaf 0x40000010. QEMU's TCG has none of these leaves (target/i386/cpu.c, cpu_x86_cpuid:
 *   its hypervisor range ends at 0x40000001; leaves 0x15 and 0x16 read 0 even with level=0x16 and
 *   tsc-frequency set, QEMU 7.2), so under QEMU the PIT is the only source.
 * - on bare metal: (1) leaf 0x15, TSC = crystal (ECX) * EBX / EAX (SDM vol. 3, 19.7.3); (2) where
 *   ECX is 0 but the ratio is given, leaf 0x16's base frequency (EAX[15:0], MHz), which is the
 *   nominal TSC frequency on those processors (the SDM lists their crystal per model; Linux's
 *   native_calibrate_tsc() derives it from leaf 0x16 the same way); (3) the 8254 PIT. Leaf 0x16
 *   alone is not used: the SDM says its data follows the processor's specification "and does not
 *   reflect actual values" (CPUID, leaf 16H), like the brand string.
 * - the PIT: channel 2 at 1,193,182 Hz (gate and output on port 0x61, as on every PC), only when
 *   its read-back status shows the mode just programmed; a port with no device reads all ones
 *   (QEMU without a PIT; Cloud Hypervisor, vmm/src/vm.rs pio_read). The window is timed from one
 *   change of its count to another, and the result rounded up by the time one poll takes at
 *   each end, so the frequency is never under-estimated: a timer computed from it is never early.
 *   For the same reason the TSC kHz of leaf 0x40000010, a truncated figure, is taken as the top
 *   of its kHz.
 * With no source, tsm_arch_cpu_timer_hz() returns 0 and tsm_arch_cpu_timer_no_hz() says what was
 * tried: clock.attach throws that (hal/native/clock.c), an uncaught error (exit 1).
 *
 * Local APIC timer (SDM vol. 3, 11.5.4): leaf 0x40000010's EBX when that leaf gave the TSC; on
 * bare metal, the crystal of leaf 0x15 (11.5.4: the timer runs at "the processor's bus clock or
 * core crystal clock frequency (when TSC/core crystal clock ratio is enumerated in CPUID leaf
 * 0x15)"); otherwise measured against the TSC, rounded down. Under a hypervisor the crystal is not
 * used: the APIC timer is the VMM's (1 GHz on KVM) whatever the host's crystal. A frequency that
 * is too low makes a deadline fire early, never late, and the loop re-arms a deadline that fired
 * early. The APIC timer's counter is 32 bits; arm() clamps a deadline to one second ahead.
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

/* CPUID leaves (SDM vol. 2A, CPUID; the hypervisor range as Linux's and VMware's guests read it). */
#define CPUID_HYPERVISOR_BIT (1u << 31) /* leaf 1, ECX */
#define LEAF_HYPERVISOR 0x40000000u     /* EAX = the hypervisor's last leaf, EBX:ECX:EDX = vendor */
#define LEAF_TIMING 0x40000010u         /* EAX = TSC kHz, EBX = APIC bus kHz */
#define LEAF_HYPERVISOR_LAST 0x4fffffffu

/* 8254 PIT (Intel 82C54 datasheet): channel 2's counter, the mode register, and port 0x61. */
#define PIT_HZ 1193182u
#define PIT_CH2 0x42u
#define PIT_MODE 0x43u
#define PIT_CH2_MODE2 0xb4u   /* channel 2, low then high byte, mode 2 (rate generator), binary */
#define PIT_CH2_LATCH 0x80u   /* counter latch command for channel 2 */
/* Read-back command (82C54 "Read-Back Command"): latch channel 2's status, not its count. Its
   status byte then holds, in bits 5..0, the access mode, mode and BCD bit just programmed. */
#define PIT_CH2_STATUS 0xe8u
#define PIT_STATUS_PROGRAM 0x3fu
#define PIT_CH2_MODE2_STATUS 0x34u
#define PORT_61 0x61u
#define PORT_61_GATE2 0x01u
#define PORT_61_SPEAKER 0x02u
/* 10 ms of PIT: ~2 ppm from the polls at either end. */
#define PIT_WINDOW_TICKS 11932u
/* Bounds on the polls, so a PIT that does not count fails the calibration instead of hanging:
   a count changes every 838 ns, the window is 10 ms. */
#define EDGE_POLL_LIMIT 1000000u
#define WINDOW_POLL_LIMIT 100000000u

static uint32_t tsc_hz, lapic_hz;
static volatile uint32_t *lapic;

/* What the search found: what each source showed, for the message when none answered, and the
   APIC timer's rate where a source gave it with the TSC's. It lives in the section of amd64.h's
   TSM_ARCH_STATE, the state of this boot on this VM, not in .bss, which the engine snapshot saves
   and every boot restores: a firmware that never attaches the clock pays nothing for it.
   find_tsc_hz() clears it first (the section is not loaded). */
#define SEARCH_STATE __attribute__((section(".arch_state")))
static struct {
    uint32_t lapic_given_hz;               /* 0: measure it */
    int hypervisor;
    uint32_t vendor[3], hypervisor_last;   /* leaf 0x40000000 */
    uint32_t timing_khz;                   /* leaf 0x40000010 EAX */
    uint32_t basic_last;                   /* leaf 0 EAX */
    uint32_t ratio_den, ratio_num, crystal; /* leaf 0x15 EAX, EBX, ECX */
    uint32_t base_mhz;                     /* leaf 0x16 EAX[15:0] */
    uint8_t pit_status;
} seen SEARCH_STATE;

static volatile uint32_t *lapic_reg(uint32_t offset)
{
    return (volatile uint32_t *)((uintptr_t)(tsm_arch_rdmsr(MSR_APIC_BASE) & APIC_BASE_MASK) + offset);
}

/* The vendor of leaf 0x40000000 is "Microsoft Hv" (three little-endian words). */
static int hyper_v(void)
{
    return seen.vendor[0] == 0x7263694du && seen.vendor[1] == 0x666f736fu && seen.vendor[2] == 0x76482074u;
}

/* Leaf 0x40000010 when the hypervisor's range reaches it. Hyper-V ("Microsoft Hv") defines the
   leaves of that range its own way (TLFS), so its range is not read as VMware's. */
static uint64_t tsc_hz_from_timing_leaf(void)
{
    uint32_t r[4];
    tsm_arch_cpuid(LEAF_HYPERVISOR, r);
    seen.hypervisor_last = r[0];
    seen.vendor[0] = r[1];
    seen.vendor[1] = r[2];
    seen.vendor[2] = r[3];
    if (hyper_v())
        return 0;
    if (r[0] < LEAF_TIMING || r[0] > LEAF_HYPERVISOR_LAST)
        return 0;
    tsm_arch_cpuid(LEAF_TIMING, r);
    seen.timing_khz = r[0];
    if (!r[0])
        return 0;
    /* The APIC figure, kHz too, is taken as it is (rounded down, on the safe side for it). */
    seen.lapic_given_hz = r[1] <= 0xffffffffu / 1000 ? r[1] * 1000 : 0;
    return (uint64_t)r[0] * 1000 + 999;
}

/* Leaf 0x15 (with 0x16 where ECX is 0). `crystal_for_apic`: the APIC timer runs at the crystal
   (bare metal only; see the top of the file). */
static uint64_t tsc_hz_from_crystal_leaf(int crystal_for_apic)
{
    uint32_t r[4];
    tsm_arch_cpuid(0, r);
    seen.basic_last = r[0];
    if (r[0] < 0x15)
        return 0;
    tsm_arch_cpuid(0x15, r);
    seen.ratio_den = r[0];
    seen.ratio_num = r[1];
    seen.crystal = r[2];
    if (!r[0] || !r[1])
        return 0;
    uint64_t hz, crystal = r[2];
    if (crystal) {
        /* Rounded up, as the PIT's measurement is: never a timer early. */
        hz = (crystal * r[1] + r[0] - 1) / r[0];
    } else {
        if (seen.basic_last < 0x16)
            return 0;
        uint32_t b[4];
        tsm_arch_cpuid(0x16, b);
        seen.base_mhz = b[0] & 0xffff;
        if (!seen.base_mhz)
            return 0;
        hz = (uint64_t)seen.base_mhz * 1000000;
        /* crystal = TSC * EAX / EBX, in two steps that cannot overflow (EAX <= EBX: the TSC is
           never slower than its crystal; otherwise the crystal is left unknown). */
        crystal = r[0] <= r[1] ? hz / r[1] * r[0] + hz % r[1] * r[0] / r[1] : 0;
    }
    if (crystal_for_apic && crystal && crystal <= 0xffffffffu)
        seen.lapic_given_hz = (uint32_t)crystal;
    return hz;
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

static void pit_ch2_program(void)
{
    tsm_arch_out8(PIT_MODE, PIT_CH2_MODE2);
    tsm_arch_out8(PIT_CH2, 0); /* 0 = 65536: the longest period */
    tsm_arch_out8(PIT_CH2, 0);
}

static uint64_t tsc_hz_from_pit(void)
{
    uint8_t saved = tsm_arch_in8(PORT_61);
    tsm_arch_out8(PORT_61, (uint8_t)((saved & ~PORT_61_SPEAKER) | PORT_61_GATE2));
    pit_ch2_program();
    /* Is there a PIT? Checked before the polls, which would take seconds where each port access
       is a VM exit to the VMM's user space (Cloud Hypervisor). */
    tsm_arch_out8(PIT_MODE, PIT_CH2_STATUS);
    seen.pit_status = tsm_arch_in8(PIT_CH2);
    if ((seen.pit_status & PIT_STATUS_PROGRAM) != PIT_CH2_MODE2_STATUS) {
        tsm_arch_out8(PORT_61, saved);
        return 0;
    }
    pit_ch2_program(); /* a fresh count; also resets the low/high byte order */
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

/* The sources in the order of the top of the file. */
static uint64_t find_tsc_hz(void)
{
    uint32_t r[4];
    seen = (typeof(seen)){ 0 };
    tsm_arch_cpuid(1, r);
    seen.hypervisor = (r[2] & CPUID_HYPERVISOR_BIT) != 0;
    uint64_t hz;
    if (seen.hypervisor) {
        if ((hz = tsc_hz_from_timing_leaf()) || (hz = tsc_hz_from_pit()))
            return hz;
        return tsc_hz_from_crystal_leaf(0);
    }
    if ((hz = tsc_hz_from_crystal_leaf(1)))
        return hz;
    return tsc_hz_from_pit();
}

/* Both measurements run with interrupts masked: a top half between a counter read and the TSC
   read next to it would stretch one side of the comparison. (They run when the loop unit
   attaches the clock, before any handler can have enabled a line.) */
uint32_t tsm_arch_cpu_timer_hz(void)
{
    if (!tsc_hz) {
        unsigned saved = tsm_arch_irq_save();
        uint64_t hz = find_tsc_hz();
        tsm_arch_irq_restore(saved);
        /* clock.attach refuses 0 and anything above 4 GHz with a RangeError. */
        tsc_hz = hz > 0xffffffffu ? 0xffffffffu : (uint32_t)hz;
    }
    return tsc_hz;
}

/* The message of a failed search, appended to the caller's buffer (no printf here). */
static struct {
    char *buf;
    unsigned len, size;
} out SEARCH_STATE;

static void put(const char *s)
{
    while (*s && out.len + 1 < out.size)
        out.buf[out.len++] = *s++;
    out.buf[out.len] = 0;
}

static void put_hex(uint32_t v)
{
    char b[11] = "0x";
    int n = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        unsigned d = (v >> shift) & 0xf;
        if (d || n || shift == 0)
            b[2 + n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    }
    b[2 + n] = 0;
    put(b);
}

static void put_vendor(void)
{
    char v[13];
    for (int i = 0; i < 12; i++) {
        char c = (char)(seen.vendor[i / 4] >> (8 * (i % 4)));
        v[i] = c >= 0x20 && c < 0x7f ? c : '.';
    }
    v[12] = 0;
    put("\"");
    put(v);
    put("\"");
}

static void put_timing_leaf(void)
{
    put("CPUID 0x40000010 ");
    if (hyper_v()) {
        put("not read (Hyper-V's leaves)");
    } else if (seen.hypervisor_last < LEAF_TIMING || seen.hypervisor_last > LEAF_HYPERVISOR_LAST) {
        put("absent (hypervisor ");
        put_vendor();
        put(", leaves to ");
        put_hex(seen.hypervisor_last);
        put(")");
    } else {
        put("reports 0 kHz (hypervisor ");
        put_vendor();
        put(")");
    }
}

static void put_pit(void)
{
    if ((seen.pit_status & PIT_STATUS_PROGRAM) != PIT_CH2_MODE2_STATUS) {
        put("no 8254 PIT (channel 2 status ");
        put_hex(seen.pit_status);
        put(")");
    } else {
        put("the 8254 PIT's channel 2 does not count");
    }
}

static void put_crystal_leaf(void)
{
    put("CPUID 0x15 ");
    if (seen.basic_last < 0x15) {
        put("absent (leaves to ");
        put_hex(seen.basic_last);
        put(")");
    } else if (!seen.ratio_den || !seen.ratio_num) {
        put("gives no ratio (EAX ");
        put_hex(seen.ratio_den);
        put(", EBX ");
        put_hex(seen.ratio_num);
        put(")");
    } else if (seen.basic_last < 0x16) {
        put("gives no crystal (ECX 0) and 0x16 is absent");
    } else {
        put("gives no crystal (ECX 0) and 0x16 no base frequency");
    }
}

/* What was tried, in the order it was: for clock.attach's error when the TSC rate is unknown. */
const char *tsm_arch_cpu_timer_no_hz(char *buf, unsigned size)
{
    out.buf = buf;
    out.len = 0;
    out.size = size;
    if (!size)
        return buf;
    put("no TSC frequency source: ");
    if (seen.hypervisor) {
        put_timing_leaf();
        put("; ");
        put_pit();
        put("; ");
        put_crystal_leaf();
    } else {
        put("no hypervisor (CPUID.1:ECX[31] clear); ");
        put_crystal_leaf();
        put("; ");
        put_pit();
    }
    return buf;
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
    if (seen.lapic_given_hz) {
        lapic[LAPIC_LVT_TIMER / 4] = LVT_MASKED | TSM_LAPIC_TIMER_VECTOR;
        lapic[LAPIC_TIMER_DIVIDE / 4] = TIMER_DIVIDE_BY_1;
        lapic_hz = seen.lapic_given_hz;
    } else {
        unsigned saved = tsm_arch_irq_save();
        lapic_hz = measure_lapic_hz();
        tsm_arch_irq_restore(saved);
    }
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

/* The timer's interrupt: end it at the APIC (11.8.5); the loop looks at the clock itself. After a
   soft restart (engine/src/restart.c) the old boot's one-shot count may still fire before this
   boot's tsm_arch_cpu_timer_start: `lapic` is then 0 again (the snapshot restored .bss), so the
   APIC is found from its MSR for that end of interrupt. */
void tsm_amd64_timer_interrupt(void)
{
    volatile uint32_t *apic = lapic ? lapic : lapic_reg(0);
    apic[LAPIC_EOI / 4] = 0;
}
