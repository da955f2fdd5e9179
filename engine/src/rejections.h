#ifndef TSM_REJECTIONS_H
#define TSM_REJECTIONS_H
#include "quickjs.h"
void tsm_rejections_install(JSRuntime *rt);
/* Takes the oldest still-unhandled rejection's reason (caller frees it); 0 when there is none. */
int tsm_rejections_take(JSContext *ctx, JSValue *reason);
#endif
