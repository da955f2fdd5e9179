/*
 * External interrupts on x86-64 (vectors 32..255; vectors.S saves the registers and the x87/SSE
 * state first, so this C may use any register). The local APIC timer is the loop's deadline
 * (cpu-timer.c: only EOI); the spurious vector needs no EOI (SDM vol. 3, 11.9); every other
 * vector belongs to the interrupt controller the board attached ("vectored": hal/native/irq.c,
 * which masks the line and signals EOI). A vector nobody owns is reported like a fault, exit 4.
 */
#include <stdint.h>
#include "arch.h"
#include "irq.h"
#include "amd64.h"

void tsm_amd64_timer_interrupt(void);
void tsm_amd64_interrupt(const struct tsm_amd64_frame *f);

void tsm_amd64_interrupt(const struct tsm_amd64_frame *f)
{
    if (f->vector == TSM_LAPIC_TIMER_VECTOR)
        tsm_amd64_timer_interrupt();
    else if (f->vector != TSM_LAPIC_SPURIOUS_VECTOR && !tsm_irq_top_half_vector((uint32_t)f->vector))
        tsm_amd64_fault(f);
}
