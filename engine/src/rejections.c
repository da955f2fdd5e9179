/*
 * Unhandled promise rejections. QuickJS calls the tracker when a promise is rejected with no
 * handler (is_handled = 0) and again if a handler is attached later (is_handled = 1;
 * perform_promise_then). Whatever is still unhandled once the job queue drains is reported like
 * an uncaught exception, every one with its reason, in the order they happened: a rejected async
 * main must never end silently with exit code 0.
 *
 * There is no fixed cap: the rejections live in an array in rejection order, grown with
 * js_realloc_rt (so the JS memory limit is the only bound), and an open-addressing hash table
 * (linear probing, backward-shift deletion) finds a promise's entry when a handler arrives, so
 * removing one is O(1) on average. A removed entry leaves a hole that is squeezed out when the
 * array would otherwise grow. If tracking cannot get memory, the firmware reports that it ran
 * out of memory (exit code 3) rather than forget a rejection.
 */
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "report.h"
#include "rejections.h"

typedef struct {
    void *key;          /* the promise object; NULL once a handler arrived (a hole) */
    JSValue promise;
    JSValue reason;
} entry;

static entry *entries;
static uint32_t n_entries, cap_entries, n_live;
/* Entry index + 1 by the promise's hash; 0 is an empty slot. A power of two, at most half full. */
static uint32_t *slots;
static uint32_t n_slots;
static int out_of_memory;

static uint32_t home_of(void *key)
{
    uintptr_t p = (uintptr_t)key >> 3;
    return (uint32_t)(p ^ (p >> 29)) * 2654435761u & (n_slots - 1);
}

static void slot_insert(uint32_t index)
{
    uint32_t i = home_of(entries[index].key);
    while (slots[i])
        i = (i + 1) & (n_slots - 1);
    slots[i] = index + 1;
}

/* Refills the table from the live entries (after it grew, or the array was squeezed). */
static void rehash(void)
{
    memset(slots, 0, n_slots * sizeof(slots[0]));
    for (uint32_t i = 0; i < n_entries; i++) {
        if (entries[i].key)
            slot_insert(i);
    }
}

static uint32_t slot_find(void *key)
{
    if (n_slots == 0)
        return UINT32_MAX;
    for (uint32_t i = home_of(key);; i = (i + 1) & (n_slots - 1)) {
        if (!slots[i])
            return UINT32_MAX;
        if (entries[slots[i] - 1].key == key)
            return i;
    }
}

/* Knuth's Algorithm R (TAOCP 6.4): empties slot i, moving later members of its cluster back. */
static void slot_remove(uint32_t i)
{
    uint32_t mask = n_slots - 1;
    for (uint32_t j = i;;) {
        slots[i] = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!slots[j])
                return;
            uint32_t k = home_of(entries[slots[j] - 1].key);
            /* Stays if its home lies cyclically in (i, j]. */
            if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
                continue;
            slots[i] = slots[j];
            i = j;
            break;
        }
    }
}

/* Squeezes the holes out of the array, keeping the order. */
static void compact(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < n_entries; i++) {
        if (entries[i].key)
            entries[n++] = entries[i];
    }
    n_entries = n;
    rehash();
}

/* Room for one more entry: squeezes out holes if they are at least half, else grows both. */
static int reserve(JSRuntime *rt)
{
    if (n_entries < cap_entries)
        return 0;
    if (n_live <= n_entries / 2 && n_entries > 0) {
        compact();
        return 0;
    }
    uint32_t cap = cap_entries ? cap_entries * 2 : 16;
    entry *e = js_realloc_rt(rt, entries, cap * sizeof(entry));
    if (!e)
        return -1;
    entries = e;
    uint32_t *s = js_realloc_rt(rt, slots, 2 * cap * sizeof(uint32_t));
    if (!s)
        return -1; /* the array is larger than cap_entries says: harmless */
    slots = s;
    n_slots = 2 * cap;
    cap_entries = cap;
    rehash();
    return 0;
}

static void tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                    JS_BOOL is_handled, void *opaque)
{
    (void)opaque;
    void *key = JS_VALUE_GET_PTR(promise);
    if (is_handled) {
        uint32_t s = slot_find(key);
        if (s == UINT32_MAX)
            return;
        entry *e = &entries[slots[s] - 1];
        slot_remove(s);
        JS_FreeValue(ctx, e->promise);
        JS_FreeValue(ctx, e->reason);
        e->key = NULL;
        n_live--;
        /* All handled (the usual case): the array starts over, the table is already empty. */
        if (n_live == 0) {
            n_entries = 0;
            tsm_rejections_pending = out_of_memory;
        }
        return;
    }
    if (reserve(JS_GetRuntime(ctx)) < 0) {
        out_of_memory = 1;
        tsm_rejections_pending = 1;
        return;
    }
    entry *e = &entries[n_entries];
    e->key = key;
    e->promise = JS_DupValue(ctx, promise);
    e->reason = JS_DupValue(ctx, reason);
    slot_insert(n_entries);
    n_entries++;
    n_live++;
    tsm_rejections_pending = 1;
}

void tsm_rejections_install(JSRuntime *rt)
{
    JS_SetHostPromiseRejectionTracker(rt, tracker, NULL);
}

int tsm_rejections_pending;

int tsm_rejections_report_all(JSContext *ctx)
{
    if (out_of_memory) {
        tsm_console_puts("Uncaught InternalError: out of memory (tracking unhandled promise rejections)\n");
        return TSM_EXIT_OUT_OF_MEMORY;
    }
    if (n_live == 0)
        return -1;
    int code = TSM_EXIT_UNCAUGHT;
    for (uint32_t i = 0; i < n_entries; i++) {
        if (!entries[i].key)
            continue;
        /* Held while printed: a reason's toString may run JS that changes the table. */
        JSValue reason = JS_DupValue(ctx, entries[i].reason);
        if (tsm_report_exception(ctx, reason, "Uncaught (in promise) ") == TSM_EXIT_OUT_OF_MEMORY)
            code = TSM_EXIT_OUT_OF_MEMORY;
        JS_FreeValue(ctx, reason);
    }
    return code;
}
