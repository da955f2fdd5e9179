/* CPU helpers for x86-64 (ring 0, long mode), used by the engine's loop and the native HAL. */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

#include <stdint.h>

/* x86 orders loads and stores to write-back memory itself (Intel SDM vol. 3, 9.2.2); MMIO is
   mapped uncached, where accesses are not reordered. The fences still order non-temporal
   stores and, through the "memory" clobber, the compiler. */
static inline void tsm_arch_dmb(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("mfence" ::: "memory"); }
/* Instruction fetch is coherent with stores on x86 (SDM vol. 3, 11.6): a compiler barrier. */
static inline void tsm_arch_isb(void) { __asm__ volatile("" ::: "memory"); }

/* The interrupt entry saves every register the top half might touch, the x87/SSE state included
   (vectors.S, FXSAVE): nothing to ask of the compiler. */
#define TSM_TOP_HALF_ATTR

/* Interrupt masking (RFLAGS.IF). */
static inline void tsm_arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void tsm_arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline unsigned tsm_arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq\n\tpop %0\n\tcli" : "=r"(flags) :: "memory");
    return (unsigned)(flags & 0x200);
}
static inline void tsm_arch_irq_restore(unsigned flags)
{
    if (flags & 0x200)
        tsm_arch_irq_enable();
}
/* The loop's deadline is the "cpu-timer" below, armed natively: nothing more to do here. */
static inline void tsm_arch_deadline_armed(void) {}

/*
 * The TSC and the local APIC timer as the loop clock (hal.clock.attach with counter kind
 * "cpu-timer"; hal/arch/amd64/cpu-timer.c, docs/boards/microvm.md): RDTSC is the counter, at a
 * frequency found once per boot (CPUID leaf 0x40000010, 0x15/0x16, or measured against the PIT);
 * the deadline is the local APIC timer in one-shot mode, whose interrupt (TSM_LAPIC_TIMER_VECTOR)
 * the arch takes itself: it only signals EOI, the loop re-reads the counter when it wakes.
 */
#define TSM_ARCH_CPU_TIMER 1
#define TSM_LAPIC_TIMER_VECTOR 0xf0u
/* The local APIC's spurious vector (SDM vol. 3, 11.9): bits 0..3 set, as P6-family APICs need. */
#define TSM_LAPIC_SPURIOUS_VECTOR 0xffu
static inline uint64_t tsm_arch_cpu_timer_count(void)
{
    uint32_t lo, hi;
    /* LFENCE first: RDTSC may otherwise run ahead of earlier instructions (SDM vol. 2B, RDTSC). */
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}
uint32_t tsm_arch_cpu_timer_hz(void);
/* When tsm_arch_cpu_timer_hz() is 0: which sources were tried and what they showed, written to
   buf (at most size bytes with the NUL); returns buf. */
#define TSM_ARCH_CPU_TIMER_NO_HZ 1
const char *tsm_arch_cpu_timer_no_hz(char *buf, unsigned size);
void tsm_arch_cpu_timer_start(void);
void tsm_arch_cpu_timer_arm(uint64_t deadline);
/* Called with interrupts masked (engine/src/loop.c). STI delays recognition of interrupts by one
   instruction (SDM vol. 2B, STI), so an interrupt that became pending after the loop's last check
   is taken at the HLT, never lost between the two; the loop masks them again after. */
static inline void tsm_arch_wait(void) { __asm__ volatile("sti\n\thlt\n\tcli" ::: "memory"); }

/* Port I/O (SDM vol. 1, 18.2): the 64 KiB I/O address space of x86. */
static inline uint8_t tsm_arch_in8(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline uint16_t tsm_arch_in16(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline uint32_t tsm_arch_in32(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}
static inline void tsm_arch_out8(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline void tsm_arch_out16(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline void tsm_arch_out32(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port) : "memory"); }

/* CPUID (SDM vol. 2A) of `leaf`, sub-leaf 0: EAX, EBX, ECX, EDX in r[0..3]. */
static inline void tsm_arch_cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* RDRAND (SDM vol. 2B): CPUID.01H:ECX bit 30 says the CPU has it; CF = 0 means no number yet. */
static inline int tsm_arch_has_random(void)
{
    uint32_t a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : "c"(0));
    return (c >> 30) & 1;
}
static inline int tsm_arch_random32(uint32_t *out)
{
    uint8_t ok;
    __asm__ volatile("rdrand %0\n\tsetc %1" : "=r"(*out), "=qm"(ok) :: "cc");
    return ok;
}

/* Resets the machine (hal.cpu.reset(); efi-handoff.c: UEFI ResetSystem, then the PC's ways). */
void tsm_arch_reset(void) __attribute__((noreturn));

/* Model-specific registers (SDM vol. 4). */
static inline uint64_t tsm_arch_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void tsm_arch_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define TSM_MSR_FS_BASE 0xc0000100u

/* The thread pointer the C library's TLS hangs off (musl: arch_prctl(ARCH_SET_FS)). */
static inline void tsm_arch_set_thread_pointer(uintptr_t p) { tsm_arch_wrmsr(TSM_MSR_FS_BASE, p); }
static inline uintptr_t tsm_arch_thread_pointer(void) { return (uintptr_t)tsm_arch_rdmsr(TSM_MSR_FS_BASE); }

#endif
