#ifndef TSM_REPORT_H
#define TSM_REPORT_H
#include "quickjs.h"
/* Print an exception with its stack; returns the exit code it deserves. */
int tsm_report_exception(JSContext *ctx, JSValueConst exc, const char *prefix);
/* Same for the context's pending exception, which it clears. */
int tsm_report_pending_exception(JSContext *ctx);
#endif
