/*
 * hal/arch/amd64/arch.h as the host harness of cpu-timer.c sees it (cpu-timer_harness.c): CPUID,
 * port I/O, the TSC and MSRs come from a simulated VM instead of the instructions.
 */
#ifndef TSM_ARCH_H
#define TSM_ARCH_H
#include <stdint.h>

#define TSM_ARCH_CPU_TIMER 1
#define TSM_LAPIC_TIMER_VECTOR 0xf0u

void tsm_arch_cpuid(uint32_t leaf, uint32_t r[4]);
uint8_t tsm_arch_in8(uint16_t port);
void tsm_arch_out8(uint16_t port, uint8_t v);
uint64_t tsm_arch_rdmsr(uint32_t msr);
uint64_t tsm_arch_cpu_timer_count(void);
static inline unsigned tsm_arch_irq_save(void) { return 0; }
static inline void tsm_arch_irq_restore(unsigned flags) { (void)flags; }

uint32_t tsm_arch_cpu_timer_hz(void);
const char *tsm_arch_cpu_timer_no_hz(char *buf, unsigned size);
void tsm_arch_cpu_timer_start(void);
void tsm_arch_cpu_timer_arm(uint64_t deadline);
#endif
