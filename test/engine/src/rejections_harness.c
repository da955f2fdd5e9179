/*
 * Host test of engine/src/rejections.c inside the patched QuickJS (test/engine/src/rejections.test.ts).
 * argv[1] is a scenario; the script it evaluates rejects promises and handles some of them; then
 * the jobs run and tsm_rejections_report prints what is left. The console is stdout; the exit
 * status is what the report returned (-1, none left: 0).
 *   handled N     N promises rejected at once, then all handled in a scrambled order: none left
 *   unhandled N   N rejections never handled, every other handled one between them
 *   oom           a rejection the tracker has no memory left for
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "rejections.h"

void tsm_console_write(const char *s, size_t len) { fwrite(s, 1, len, stdout); }
void tsm_console_puts(const char *s) { fputs(s, stdout); }
void tsm_console_put_dec(int64_t v) { printf("%lld", (long long)v); }

static int eval(JSContext *ctx, const char *src)
{
    JSValue v = JS_Eval(ctx, src, strlen(src), "harness.js", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(v)) {
        JSValue e = JS_GetException(ctx);
        const char *s = JS_ToCString(ctx, e);
        printf("harness script threw: %s\n", s ? s : "?");
        return -1;
    }
    JS_FreeValue(ctx, v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 100;
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    tsm_rejections_install(rt);
    char src[2048];
    int n = argc > 2 ? atoi(argv[2]) : 0;
    if (strcmp(argv[1], "handled") == 0) {
        /* Handlers arrive in an order unrelated to the rejections' (a multiplicative scramble),
           which exercises the hash table's deletion. */
        snprintf(src, sizeof src,
                 "const n = %d, ps = [];"
                 "for (let i = 0; i < n; i++) ps.push(Promise.reject(new Error('r' + i)));"
                 "let k = 0; for (let i = 0; i < n; i++) { k = (k + 7919) %% n;"
                 "  ps[k].catch(() => {}); }"
                 "for (let i = 0; i < n; i++) ps[i].catch(() => {});",
                 n);
    } else if (strcmp(argv[1], "unhandled") == 0) {
        snprintf(src, sizeof src,
                 "for (let i = 0; i < %d; i++) {"
                 "  Promise.reject(new Error('handled ' + i)).catch(() => {});"
                 "  Promise.reject(new Error('reason ' + i)); }",
                 n);
    } else if (strcmp(argv[1], "oom") == 0) {
        /* 1,024 rejections fill the table; then the limit leaves room for another promise but
           not for the table to double (1,024 more 24-byte entries). */
        if (eval(ctx, "for (let i = 0; i < 1024; i++) Promise.reject(i);") < 0)
            return 101;
        JSMemoryUsage usage;
        JS_ComputeMemoryUsage(rt, &usage);
        JS_SetMemoryLimit(rt, (size_t)usage.malloc_size + 8192);
        snprintf(src, sizeof src, "Promise.reject(1024);");
    } else {
        return 100;
    }
    if (eval(ctx, src) < 0)
        return 101;
    JSContext *job_ctx;
    while (JS_ExecutePendingJob(rt, &job_ctx) > 0) {
    }
    int code = tsm_rejections_report(ctx);
    fflush(stdout);
    return code < 0 ? 0 : code;
}
