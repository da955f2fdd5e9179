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

/* A semihosting call (hal/arch/semihosting.c): ARM state SVC 0x123456, op in r0, block in r1. */
static inline uintptr_t tsm_arch_semihost(uintptr_t op, volatile void *block)
{
    register uintptr_t r0 __asm__("r0") = op;
    register volatile void *r1 __asm__("r1") = block;
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
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
/* The loop armed the clock's deadline: on ARM it is an ordinary controller line, nothing to do. */
static inline void tsm_arch_deadline_armed(void) {}
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
