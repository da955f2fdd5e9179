/*
 * The C library's allocator entry points, served by the firmware heap (alloc.c) so newlib's own
 * allocations (strtod's bignums, stdio) come from the same accounted pool. Defining the
 * reentrant forms too keeps newlib's dlmalloc out of the link.
 */
#include <stddef.h>
#include <string.h>
#include "alloc.h"

struct _reent;

void *malloc(size_t n) { return tsm_alloc(n); }
void free(void *p) { tsm_alloc_free(p); }
void *realloc(void *p, size_t n) { return tsm_alloc_realloc(p, n); }
size_t malloc_usable_size(void *p) { return tsm_alloc_usable_size(p); }

void *calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    void *p = tsm_alloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *_malloc_r(struct _reent *r, size_t n) { (void)r; return malloc(n); }
void _free_r(struct _reent *r, void *p) { (void)r; free(p); }
void *_realloc_r(struct _reent *r, void *p, size_t n) { (void)r; return realloc(p, n); }
void *_calloc_r(struct _reent *r, size_t n, size_t size) { (void)r; return calloc(n, size); }
size_t _malloc_usable_size_r(struct _reent *r, void *p) { (void)r; return malloc_usable_size(p); }
