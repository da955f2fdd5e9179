/* CPU helpers for RISC-V (RV64), used by the engine's loop and the native HAL module. */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

static inline void tsm_arch_dmb(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
static inline void tsm_arch_dsb(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }
static inline void tsm_arch_isb(void) { __asm__ volatile("fence.i" ::: "memory"); }

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
/* WFI wakes on a pending enabled interrupt even with mstatus.MIE clear (privileged spec 3.3.3). */
static inline void tsm_arch_wait(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif
