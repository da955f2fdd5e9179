/* CPU helpers for 32-bit ARM (ARMv6 ARM1176 and ARMv7-A), used by the native HAL module. */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

#include <stdint.h>

#if __ARM_ARCH >= 7
static inline void tsm_arch_dmb(void) { __asm__ volatile("dmb" ::: "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void tsm_arch_isb(void) { __asm__ volatile("isb" ::: "memory"); }
#else
/* ARMv6 has no barrier instructions: CP15 c7 operations (ARM1176JZF-S TRM 3.2.22). */
static inline void tsm_arch_dmb(void) { __asm__ volatile("mcr p15, 0, %0, c7, c10, 5" :: "r"(0) : "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("mcr p15, 0, %0, c7, c10, 4" :: "r"(0) : "memory"); }
static inline void tsm_arch_isb(void) { __asm__ volatile("mcr p15, 0, %0, c7, c5, 4" :: "r"(0) : "memory"); }
#endif

/* A semihosting call (hal/arch/semihosting.c): SVC 0x123456 in ARM state, SVC 0xAB in Thumb
   state (ARM semihosting spec), op in r0, block in r1. */
static inline uintptr_t tsm_arch_semihost(uintptr_t op, volatile void *block)
{
    register uintptr_t r0 __asm__("r0") = op;
    register volatile void *r1 __asm__("r1") = block;
#ifdef __thumb__
    __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
    return r0;
}

/* The IRQ top half runs without saving VFP registers (vectors.S): keep the compiler off them. */
#define TSM_TOP_HALF_ATTR __attribute__((target("general-regs-only")))

/* Interrupt masking (CPSR.I) and sleeping until an interrupt, for the event loop. */
static inline void tsm_arch_irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void tsm_arch_irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline unsigned tsm_arch_irq_save(void)
{
    unsigned cpsr;
    __asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(cpsr) :: "memory");
    return cpsr;
}
static inline void tsm_arch_irq_restore(unsigned cpsr)
{
    if (!(cpsr & 0x80))
        tsm_arch_irq_enable();
}
/* The loop armed the clock's deadline. A memory-mapped timer's deadline is an ordinary controller
   line; the generic timer's is unmasked by tsm_arch_cpu_timer_arm itself: nothing to do. */
static inline void tsm_arch_deadline_armed(void) {}

#if __ARM_ARCH >= 7
/*
 * The ARMv7 generic timer as the loop clock (hal.clock.attach with counter kind "cpu-timer";
 * ARM ARM B8): CNTPCT is the counter, the PL1 physical timer's CNTP_CVAL the deadline. Its
 * interrupt (a GIC PPI) is masked at the timer (CNTP_CTL.IMASK) on IRQ entry once it has fired
 * (vectors.S), as RISC-V clears mie.MTIE, and unmasked when the loop arms the next deadline.
 */
#define TSM_ARCH_CPU_TIMER 1
#define CNTP_CTL_ENABLE 1u
/* Set by tsm_arch_cpu_timer_start: vectors.S only touches the timer of a firmware that uses it. */
extern volatile uint32_t tsm_arch_cpu_timer_in_use;
static inline uint64_t tsm_arch_cpu_timer_count(void)
{
    uint32_t lo, hi;
    /* ISB: CNTPCT may otherwise be read out of order (ARM ARM B8.1.2). */
    __asm__ volatile("isb\n\tmrrc p15, 0, %0, %1, c14" : "=r"(lo), "=r"(hi));
    return ((uint64_t)hi << 32) | lo;
}
/* CNTFRQ: the counter frequency as boot firmware (or QEMU: 62.5 MHz) set it; 0 if nobody did. */
static inline uint32_t tsm_arch_cpu_timer_hz(void)
{
    uint32_t hz;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(hz));
    return hz;
}
static inline void tsm_arch_cpu_timer_start(void)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" :: "r"(0u)); /* CNTP_CTL: off */
    tsm_arch_cpu_timer_in_use = 1;
}
static inline void tsm_arch_cpu_timer_arm(uint64_t deadline)
{
    __asm__ volatile("mcrr p15, 2, %0, %1, c14" :: "r"((uint32_t)deadline), "r"((uint32_t)(deadline >> 32)));
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 1\n\tisb" :: "r"(CNTP_CTL_ENABLE) : "memory");
}
#endif
/* Wait for interrupt: wakes on a pending IRQ even while CPSR.I masks it (ARM ARM B1.8.13). */
#if __ARM_ARCH >= 7
static inline void tsm_arch_wait(void) { __asm__ volatile("dsb\n\twfi" ::: "memory"); }
#else
/* ARMv6: the CP15 c7 Wait For Interrupt operation, after draining the write buffer (ARM1176JZF-S TRM 3.2.22). */
static inline void tsm_arch_wait(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c10, 4\n\tmcr p15, 0, %0, c7, c0, 4" :: "r"(0) : "memory");
}
#endif

#endif
