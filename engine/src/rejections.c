/*
 * Unhandled promise rejections. QuickJS calls the tracker when a promise is rejected with no
 * handler (is_handled = 0) and again if a handler is attached later (is_handled = 1). Whatever is
 * still unhandled once the job queue drains is reported like an uncaught exception: a rejected
 * async main must never end silently with exit code 0.
 */
#include "quickjs.h"
#include "rejections.h"

#define MAX_TRACKED 16

static struct {
    JSValue promise;
    JSValue reason;
} tracked[MAX_TRACKED];
static int n_tracked;
static int n_dropped;

static void tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                    JS_BOOL is_handled, void *opaque)
{
    (void)opaque;
    if (is_handled) {
        for (int i = 0; i < n_tracked; i++) {
            if (JS_VALUE_GET_PTR(tracked[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, tracked[i].promise);
                JS_FreeValue(ctx, tracked[i].reason);
                tracked[i] = tracked[--n_tracked];
                return;
            }
        }
        return;
    }
    if (n_tracked == MAX_TRACKED) {
        n_dropped++;
        return;
    }
    tracked[n_tracked].promise = JS_DupValue(ctx, promise);
    tracked[n_tracked].reason = JS_DupValue(ctx, reason);
    n_tracked++;
}

void tsm_rejections_install(JSRuntime *rt)
{
    JS_SetHostPromiseRejectionTracker(rt, tracker, NULL);
}

int tsm_rejections_take(JSContext *ctx, JSValue *reason)
{
    if (n_tracked == 0) {
        if (n_dropped == 0)
            return 0;
        *reason = JS_UNDEFINED;
        n_dropped = 0;
        return 1;
    }
    *reason = tracked[0].reason;
    JS_FreeValue(ctx, tracked[0].promise);
    tracked[0] = tracked[--n_tracked];
    return 1;
}
