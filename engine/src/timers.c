/*
 * Timers for the event loop (docs/event-loop.md), after the HTML standard's timer initialisation
 * steps: the timeout is converted like a WebIDL `long` (ToInt32), negative means 0, the handler
 * must be a function (no strings: there is no eval), extra arguments are passed through, and
 * setTimeout and setInterval share one list of ids (either clear function clears either).
 * Nested-timer clamping is not done. A timer fires once the clock has reached its deadline:
 * never early. Intervals are rescheduled from their previous deadline, so they do not drift,
 * but never into the past: a late interval does not fire in a burst.
 */
#include <string.h>
#include "quickjs.h"
#include "timers.h"
#include "tsmetal-hooks.h"
#include "tsmetal.h"

typedef struct {
    uint64_t deadline;
    uint64_t interval; /* ticks; meaningful when repeat */
    uint32_t seq;
    int32_t id;
    int repeat;
    int argc;
    JSValue func;
    JSValue *argv;
} timer;

static timer *heap;
static int n_timers, capacity;
static int32_t next_id = 1;
static uint32_t next_seq;

static int before(const timer *a, const timer *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && (int32_t)(a->seq - b->seq) < 0);
}

static void sift_up(int i)
{
    timer t = heap[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!before(&t, &heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = t;
}

static void sift_down(int i)
{
    timer t = heap[i];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= n_timers)
            break;
        if (child + 1 < n_timers && before(&heap[child + 1], &heap[child]))
            child++;
        if (!before(&heap[child], &t))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = t;
}

static timer remove_at(int i)
{
    timer t = heap[i];
    heap[i] = heap[--n_timers];
    if (i < n_timers) {
        sift_down(i);
        sift_up(i);
    }
    return t;
}

static int push(JSContext *ctx, const timer *t)
{
    if (n_timers == capacity) {
        int cap = capacity ? capacity * 2 : 16;
        timer *h = js_realloc(ctx, heap, (size_t)cap * sizeof *h);
        if (!h)
            return -1;
        heap = h;
        capacity = cap;
    }
    heap[n_timers] = *t;
    sift_up(n_timers++);
    return 0;
}

/* After a burst the list's storage would stay at its peak (10^5 pending timers keep ~6 MB):
   halve it whenever it falls to a quarter full, so pushes and removals stay amortised O(1)
   without the two thresholds meeting. A failed shrink keeps the larger block. */
static void shrink(JSContext *ctx)
{
    if (capacity <= 16 || n_timers > capacity / 4)
        return;
    int cap = capacity / 2;
    timer *h = js_realloc(ctx, heap, (size_t)cap * sizeof *h);
    if (h) {
        heap = h;
        capacity = cap;
    }
}

static void free_timer(JSContext *ctx, timer *t)
{
    JS_FreeValue(ctx, t->func);
    for (int i = 0; i < t->argc; i++)
        JS_FreeValue(ctx, t->argv[i]);
    js_free(ctx, t->argv);
}

int tsm_timers_pending(void)
{
    return n_timers > 0;
}

uint64_t tsm_timers_next_deadline(void)
{
    return heap[0].deadline;
}

uint32_t tsm_timers_sequence(void)
{
    return next_seq;
}

int tsm_timers_run_due(JSContext *ctx, uint64_t now, uint32_t seq_limit)
{
    if (n_timers == 0 || heap[0].deadline > now || (int32_t)(heap[0].seq - seq_limit) >= 0)
        return 0;
    timer t = remove_at(0);
    JSValue func = JS_DupValue(ctx, t.func);
    if (t.repeat) {
        /* Back in the list before the callback runs, so that it can clear itself. */
        t.deadline += t.interval;
        if (t.deadline <= now)
            t.deadline = now + t.interval;
        t.seq = next_seq++;
        if (push(ctx, &t) < 0) {
            free_timer(ctx, &t);
            JS_FreeValue(ctx, func);
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
    }
    /* The arguments are duplicated for the call: clearInterval() inside it may free the timer. */
    JSValue args[t.argc > 0 ? t.argc : 1];
    for (int i = 0; i < t.argc; i++)
        args[i] = JS_DupValue(ctx, t.argv[i]);
    if (!t.repeat)
        free_timer(ctx, &t);
    JSValue r = JS_Call(ctx, func, JS_UNDEFINED, t.argc, args);
    for (int i = 0; i < t.argc; i++)
        JS_FreeValue(ctx, args[i]);
    JS_FreeValue(ctx, func);
    /* After the callback, not before: bookkeeping stays off the interrupt-to-callback path. */
    shrink(ctx);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(ctx, r);
    return 1;
}

static JSValue set_timer(JSContext *ctx, int argc, JSValueConst *argv, int repeat)
{
    if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
        return JS_ThrowTypeError(ctx, "%s: the handler must be a function",
                                 repeat ? "setInterval" : "setTimeout");
    if (!tsm_clock_attached() && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    if (!tsm_clock_attached())
        return JS_ThrowTypeError(ctx, "%s: this board attached no clock (hal.clock.attach)",
                                 repeat ? "setInterval" : "setTimeout");
    int32_t ms = 0;
    if (argc > 1 && JS_ToInt32(ctx, &ms, argv[1]) < 0)
        return JS_EXCEPTION;
    if (ms < 0)
        ms = 0;
    timer t = { 0 };
    t.interval = tsm_clock_ticks_from_ms((uint32_t)ms);
    t.deadline = tsm_clock_now() + t.interval;
    t.repeat = repeat;
    t.argc = argc > 2 ? argc - 2 : 0;
    if (t.argc) {
        t.argv = js_malloc(ctx, (size_t)t.argc * sizeof(JSValue));
        if (!t.argv)
            return JS_EXCEPTION;
        for (int i = 0; i < t.argc; i++)
            t.argv[i] = JS_DupValue(ctx, argv[i + 2]);
    }
    t.func = JS_DupValue(ctx, argv[0]);
    t.id = next_id;
    t.seq = next_seq++;
    if (push(ctx, &t) < 0) {
        free_timer(ctx, &t);
        return JS_EXCEPTION;
    }
    /* Ids stay positive: after 2^31 - 1 timers they start again at 1. */
    next_id = next_id == INT32_MAX ? 1 : next_id + 1;
    return JS_NewInt32(ctx, t.id);
}

static JSValue js_set_timeout(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return set_timer(ctx, argc, argv, 0);
}

static JSValue js_set_interval(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return set_timer(ctx, argc, argv, 1);
}

static JSValue js_clear_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t id;
    /* Like browsers: anything that is not a live id (undefined, null, a stale id) is ignored. */
    if (argc < 1 || !JS_IsNumber(argv[0]) || JS_ToInt32(ctx, &id, argv[0]) < 0)
        return JS_UNDEFINED;
    for (int i = 0; i < n_timers; i++) {
        if (heap[i].id == id) {
            timer t = remove_at(i);
            free_timer(ctx, &t);
            shrink(ctx);
            break;
        }
    }
    return JS_UNDEFINED;
}

static JSValue run_microtask(JSContext *ctx, int argc, JSValueConst *argv)
{
    return JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
}

static JSValue js_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
        return JS_ThrowTypeError(ctx, "queueMicrotask: the callback must be a function");
    if (JS_EnqueueJob(ctx, run_microtask, 1, argv) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue js_performance_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!tsm_clock_attached() && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    return JS_NewFloat64(ctx, tsm_clock_elapsed_ms());
}

static JSValue js_performance_time_origin(JSContext *ctx, JSValueConst this_val)
{
    if (!tsm_clock_attached() && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    return JS_NewFloat64(ctx, tsm_clock_origin_wall_ms());
}

static const JSCFunctionListEntry performance_funcs[] = {
    JS_CFUNC_DEF("now", 0, js_performance_now),
    JS_CGETSET_DEF("timeOrigin", js_performance_time_origin, NULL),
};

static const JSCFunctionListEntry global_funcs[] = {
    JS_CFUNC_DEF("setTimeout", 2, js_set_timeout),
    JS_CFUNC_DEF("setInterval", 2, js_set_interval),
    JS_CFUNC_DEF("clearTimeout", 1, js_clear_timer),
    JS_CFUNC_DEF("clearInterval", 1, js_clear_timer),
    JS_CFUNC_DEF("queueMicrotask", 1, js_queue_microtask),
};

int tsm_timers_install(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue performance = JS_NewObject(ctx);
    int r = -1;
    if (!JS_IsException(performance)) {
        JS_SetPropertyFunctionList(ctx, performance, performance_funcs, 2);
        JS_SetPropertyFunctionList(ctx, global, global_funcs, 5);
        r = JS_DefinePropertyValueStr(ctx, global, "performance", performance,
                                      JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0 ? -1 : 0;
    }
    JS_FreeValue(ctx, global);
    return r;
}
