/*
 * The event loop's clock: a free-running counter the board describes (hal.clock.attach) and a
 * deadline interrupt it arms through the board's JS function. What the engine calls (the counter,
 * arming, the wall clock) is in the contract: engine/include/tsmetal-hooks.h, section 4.
 */
#ifndef TSM_CLOCK_H
#define TSM_CLOCK_H

#include "quickjs.h"

/* The `clock` namespace of the native module. */
extern const JSCFunctionListEntry tsm_clock_funcs[];
extern const int tsm_clock_funcs_count;

#endif
