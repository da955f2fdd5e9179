/*
 * QuickJS's malloc hooks over the firmware heap (alloc.c), with the accounting QuickJS expects
 * from custom hooks: malloc_size and malloc_count, checked against the runtime's memory limit so
 * that running out is a catchable "out of memory" error rather than a NULL deep inside C.
 */
#include "quickjs.h"
#include "tsmetal.h"
#include "alloc.h"
#include "heap.h"

/* QuickJS's own estimate of per-block overhead, kept so its accounting stays comparable. */
#define BLOCK_OVERHEAD 8

static size_t js_limit;

void tsm_heap_get_stats(tsm_heap_stats *out)
{
    tsm_alloc_stats a;
    tsm_alloc_get_stats(&a);
    out->used = a.used;
    out->peak = a.peak;
    out->limit = js_limit;
}

static void *heap_malloc(JSMallocState *s, size_t size)
{
    if (s->malloc_size + size > s->malloc_limit)
        return NULL;
    void *p = tsm_alloc(size);
    if (!p)
        return NULL;
    s->malloc_count++;
    s->malloc_size += tsm_alloc_usable_size(p) + BLOCK_OVERHEAD;
    return p;
}

static void heap_free(JSMallocState *s, void *p)
{
    if (!p)
        return;
    s->malloc_count--;
    s->malloc_size -= tsm_alloc_usable_size(p) + BLOCK_OVERHEAD;
    tsm_alloc_free(p);
}

static void *heap_realloc(JSMallocState *s, void *p, size_t size)
{
    if (!p)
        return size ? heap_malloc(s, size) : NULL;
    if (size == 0) {
        heap_free(s, p);
        return NULL;
    }
    size_t old = tsm_alloc_usable_size(p);
    if (s->malloc_size + size - old > s->malloc_limit)
        return NULL;
    void *q = tsm_alloc_realloc(p, size);
    if (!q)
        return NULL;
    s->malloc_size += tsm_alloc_usable_size(q) - old;
    return q;
}

static size_t heap_usable_size(const void *p)
{
    return tsm_alloc_usable_size(p);
}

const JSMallocFunctions tsm_heap_functions = {
    heap_malloc, heap_free, heap_realloc, heap_usable_size,
};

void tsm_heap_set_limit(size_t limit)
{
    js_limit = limit;
}
