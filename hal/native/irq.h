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

/* Whether a taken line waits for its handler (call with interrupts masked before sleeping). */
int tsm_irq_queued(void);

/* Runs the handler of the lowest queued line and unmasks it: 1 if one ran, 0 if none was
   queued, -1 if the handler threw (the exception is pending in ctx). */
int tsm_irq_dispatch_one(JSContext *ctx);

/* Whether some handler keeps the event loop alive (hal.irq.on without keepAlive: false). */
int tsm_irq_keeps_alive(void);

/* The `irq` namespace of the native module. */
extern const JSCFunctionListEntry tsm_irq_funcs[];
extern const int tsm_irq_funcs_count;

#endif
