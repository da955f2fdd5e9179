#ifndef TSM_HAL_MODULE_H
#define TSM_HAL_MODULE_H
#include "quickjs.h"
/* The native module's own tables; tsm_hal_module_init, which the engine calls, is in the contract
   (engine/include/tsmetal-hooks.h). */

/* hal.io (hal/native/port-io.c), linked only where the CPU has an I/O port space: weak, so
   elsewhere `io` is an empty object. */
extern const JSCFunctionListEntry tsm_port_io_funcs[] __attribute__((weak));
extern const int tsm_port_io_funcs_count __attribute__((weak));
/* Further members of hal.cpu on CPUs that have them (hal/native/cpu-random.c: random32 from x86
   RDRAND), linked only by those targets: weak, so elsewhere hal.cpu has no such member. */
extern const JSCFunctionListEntry tsm_cpu_extra_funcs[] __attribute__((weak));
extern const int tsm_cpu_extra_funcs_count __attribute__((weak));
#endif
