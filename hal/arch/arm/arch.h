/* CPU helpers for 32-bit ARM (ARMv6 ARM1176 and ARMv7-A), used by the native HAL module. */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H

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

#endif
