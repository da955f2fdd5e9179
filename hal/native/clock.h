/*
 * The event loop's clock: a free-running counter the board describes (hal.clock.attach) and a
 * deadline interrupt it arms through the board's JS function. Also the wall clock behind
 * Date.now() and the time origin of performance.now().
 */
#ifndef TSM_CLOCK_H
#define TSM_CLOCK_H

#include <stdint.h>
#include "quickjs.h"

/* Whether a board attached a clock; until then timers cannot be set. */
int tsm_clock_attached(void);
/* The counter, in ticks (0 before a clock is attached). */
uint64_t tsm_clock_now(void);
/* Ticks for at least `ms` milliseconds (rounded up). */
uint64_t tsm_clock_ticks_from_ms(uint32_t ms);
/* Asks the board to interrupt at or before `deadline`; -1 if its arm() threw. */
int tsm_clock_arm(JSContext *ctx, uint64_t deadline);
/* Milliseconds since the clock was attached (performance.now()). */
double tsm_clock_elapsed_ms(void);
/* Wall-clock milliseconds at the time origin (performance.timeOrigin). */
double tsm_clock_origin_wall_ms(void);
/* Wall clock in microseconds since the Unix epoch (gettimeofday, Date.now()). */
int64_t tsm_clock_wall_us(void);

/* The `clock` namespace of the native module. */
extern const JSCFunctionListEntry tsm_clock_funcs[];
extern const int tsm_clock_funcs_count;

#endif
