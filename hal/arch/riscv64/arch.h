/* CPU helpers for RISC-V (RV64), used by the engine's loop and the native HAL module. */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

#include <stdint.h>

static inline void tsm_arch_dmb(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }
static inline void tsm_arch_isb(void) { __asm__ volatile("fence.i" ::: "memory"); }

/* A semihosting call (hal/arch/semihosting.c): the RISC-V Semihosting spec's uncompressed
   slli/ebreak/srai sequence, op in a0, block in a1. */
static inline uintptr_t tsm_arch_semihost(uintptr_t op, volatile void *block)
{
    register uintptr_t a0 __asm__("a0") = op;
    register volatile void *a1 __asm__("a1") = block;
    __asm__ volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
                     "slli x0, x0, 0x1f\n\tebreak\n\tsrai x0, x0, 7\n\t.option pop"
                     : "+r"(a0) : "r"(a1) : "memory");
    return a0;
}

/* The trap entry saves what the C calling convention needs; nothing more to ask of the compiler. */
#define TSM_TOP_HALF_ATTR

/* Machine interrupts (mstatus.MIE) and sleeping until one is pending. */
static inline void tsm_arch_irq_enable(void) { __asm__ volatile("csrsi mstatus, 8" ::: "memory"); }
static inline void tsm_arch_irq_disable(void) { __asm__ volatile("csrci mstatus, 8" ::: "memory"); }
static inline unsigned tsm_arch_irq_save(void)
{
    unsigned long m;
    __asm__ volatile("csrrci %0, mstatus, 8" : "=r"(m) :: "memory");
    return (unsigned)(m & 8);
}
static inline void tsm_arch_irq_restore(unsigned m)
{
    if (m)
        tsm_arch_irq_enable();
}
/* The machine timer interrupt (mie.MTIE) is the loop's deadline: the trap handler disables it
   when it fires (mip.MTIP stays set until mtimecmp is written again), the loop enables it after
   the board's arm() has written mtimecmp. */
#define TSM_RISCV_MTIE (1u << 7)
static inline void tsm_arch_deadline_armed(void) { __asm__ volatile("csrs mie, %0" :: "r"(TSM_RISCV_MTIE) : "memory"); }
/* WFI wakes on a pending enabled interrupt even with mstatus.MIE clear (privileged spec 3.3.3). */
static inline void tsm_arch_wait(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif
