/*
 * Printing uncaught exceptions on the early console. The stack's frames name the bundle
 * (firmware.js:LINE); the host maps them back to the TypeScript sources with the esbuild source
 * map when it reads the console (tools/lib/source-map.ts).
 */
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "report.h"

static void print_value(JSContext *ctx, JSValueConst v)
{
    const char *s = JS_ToCString(ctx, v);
    if (s) {
        tsm_console_puts(s);
        JS_FreeCString(ctx, s);
    } else {
        JS_FreeValue(ctx, JS_GetException(ctx));
        tsm_console_puts("<unprintable value>");
    }
}

/* A stack overflow's stack has thousands of frames: the first and last few say where it started
   and what recursed; the rest is one line (the simulator prints the same, tools/sim/stack-trace.ts). */
#define FRAMES_FIRST 8
#define FRAMES_LAST 4

static void print_stack(const char *s)
{
    size_t frames = 0;
    for (const char *p = s; *p; p++)
        frames += *p == '\n';
    if (frames <= FRAMES_FIRST + FRAMES_LAST + 1) {
        tsm_console_puts(s);
        return;
    }
    size_t line = 0;
    const char *p = s;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        if (line < FRAMES_FIRST || line >= frames - FRAMES_LAST) {
            tsm_console_write(p, len);
        } else if (line == FRAMES_FIRST) {
            tsm_console_puts("    ... ");
            tsm_console_put_dec((int64_t)(frames - FRAMES_FIRST - FRAMES_LAST));
            tsm_console_puts(" frames elided ...\n");
        }
        p += len;
        line++;
    }
}

static int is_internal_error(JSContext *ctx, JSValueConst exc, const char *message)
{
    if (!JS_IsError(ctx, exc))
        return 0;
    JSValue msg = JS_GetPropertyStr(ctx, exc, "message");
    const char *s = JS_ToCString(ctx, msg);
    int match = s && strcmp(s, message) == 0;
    if (s)
        JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, msg);
    return match;
}

int tsm_report_exception(JSContext *ctx, JSValueConst exc, const char *prefix)
{
    tsm_console_puts(prefix);
    print_value(ctx, exc);
    tsm_console_puts("\n");
    if (JS_IsError(ctx, exc)) {
        JSValue stack = JS_GetPropertyStr(ctx, exc, "stack");
        const char *s = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;
        if (s) {
            print_stack(s);
            JS_FreeCString(ctx, s);
        }
        JS_FreeValue(ctx, stack);
    }
    if (is_internal_error(ctx, exc, "out of memory"))
        return TSM_EXIT_OUT_OF_MEMORY;
    return TSM_EXIT_UNCAUGHT;
}

int tsm_report_pending_exception(JSContext *ctx)
{
    JSValue exc = JS_GetException(ctx);
    /* JS_ThrowOutOfMemory may leave a bare null when even the error object cannot be made. */
    if (JS_IsNull(exc)) {
        tsm_console_puts("Uncaught InternalError: out of memory\n");
        return TSM_EXIT_OUT_OF_MEMORY;
    }
    int code = tsm_report_exception(ctx, exc, "Uncaught ");
    JS_FreeValue(ctx, exc);
    return code;
}
