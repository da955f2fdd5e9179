#ifndef TSM_REJECTIONS_H
#define TSM_REJECTIONS_H
#include "quickjs.h"
void tsm_rejections_install(JSRuntime *rt);
/* Nonzero while a rejection is unhandled or tracking ran out of memory: the event loop tests it
   after every batch of jobs, on the interrupt-to-handler path, so the test is one load. */
extern int tsm_rejections_pending;
int tsm_rejections_report_all(JSContext *ctx);
/* Prints every still-unhandled rejection with its reason, oldest first, and returns the exit code
   (1, or 3 if tracking them ran out of memory); -1 when there is none. */
static inline int tsm_rejections_report(JSContext *ctx)
{
    return tsm_rejections_pending ? tsm_rejections_report_all(ctx) : -1;
}
#endif
