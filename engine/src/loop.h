/* The event loop (docs/event-loop.md): runs until nothing can happen any more. */
#ifndef TSM_LOOP_H
#define TSM_LOOP_H

#include "quickjs.h"

/* Runs jobs, interrupt handlers and timers, sleeping in between; returns the exit code. */
int tsm_loop_run(JSRuntime *rt, JSContext *ctx);

#endif
