#ifndef TSM_HAL_MODULE_H
#define TSM_HAL_MODULE_H
#include "quickjs.h"
/* Creates the native ES module `hal` (hal/hal.d.ts documents its surface). */
JSModuleDef *tsm_hal_module_init(JSContext *ctx, const char *name);
#endif
