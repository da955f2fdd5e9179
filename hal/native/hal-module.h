#ifndef TSM_HAL_MODULE_H
#define TSM_HAL_MODULE_H
#include "quickjs.h"
/* Creates the native ES module `hal` (hal/hal.d.ts documents its surface). */
JSModuleDef *tsm_hal_module_init(JSContext *ctx, const char *name);

/* hal.io (hal/native/port-io.c), linked only where the CPU has an I/O port space: weak, so
   elsewhere `io` is an empty object. */
extern const JSCFunctionListEntry tsm_port_io_funcs[] __attribute__((weak));
extern const int tsm_port_io_funcs_count __attribute__((weak));
#endif
