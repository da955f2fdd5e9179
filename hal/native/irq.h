/*
 * Interrupt lines for the event loop: the top half the arch IRQ vector calls, the queue of taken
 * lines, and the JS handlers registered with hal.irq.on(). The controller is described by its
 * driver in TypeScript (hal.irq.attach); nothing here knows a particular SoC.
 */
#ifndef TSM_IRQ_H
#define TSM_IRQ_H

#include "quickjs.h"

/* Called by hal/arch/<arch>/ with interrupts masked: masks and queues every pending line. */
void tsm_irq_top_half(void);

/* Called by the arch with interrupts masked for an external interrupt on `vector` (x86): a
   "vectored" controller's line is masked, queued and its EOI written; 1 if the vector was such a
   line, 0 if not (no vectored controller, or a vector outside its lines). */
int tsm_irq_top_half_vector(uint32_t vector);

/* Masks every line a handler enabled, completing a claimed one still waiting for its handler,
   and leaves interrupts masked on the CPU: before a soft restart (hal.image.restart), whose
   snapshot restore forgets the handlers. */
void tsm_irq_quiesce(void);

/* What the event loop calls (tsm_irq_queued, tsm_irq_dispatch_one, tsm_irq_keeps_alive) is in the
   contract: engine/include/tsmetal-hooks.h, section 4. */

/* The `irq` namespace of the native module. */
extern const JSCFunctionListEntry tsm_irq_funcs[];
extern const int tsm_irq_funcs_count;

#endif
