/*
 * setTimeout/setInterval and their clear functions, queueMicrotask and performance: the timing
 * globals of the event loop (engine/src/loop.c). Timers are kept in a binary heap ordered by
 * deadline, then by creation, so equal deadlines fire in the order they were set.
 */
#ifndef TSM_TIMERS_H
#define TSM_TIMERS_H

#include <stdint.h>
#include "quickjs.h"

/* Defines the globals on ctx's global object; -1 on failure. */
int tsm_timers_install(JSContext *ctx);

int tsm_timers_pending(void);
/* Deadline of the next timer (only when tsm_timers_pending()). */
uint64_t tsm_timers_next_deadline(void);
/* Sequence number the next timer will get: timers below it exist now. */
uint32_t tsm_timers_sequence(void);
/* Runs the next timer if its deadline is <= now and it was set before `seq_limit`: 1 if one ran,
   0 if none was due, -1 if its callback threw (the exception is pending in ctx). */
int tsm_timers_run_due(JSContext *ctx, uint64_t now, uint32_t seq_limit);

#endif
