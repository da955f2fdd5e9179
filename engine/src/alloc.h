/*
 * The firmware heap: a two-level segregated-fit allocator (after TLSF, Masmano et al. 2004).
 * O(1) malloc and free with immediate coalescing, which keeps a long-running firmware from
 * fragmenting and makes JS_NewContext's thousands of small allocations cheap. It also serves the
 * C library (malloc/free/realloc/calloc and newlib's reentrant forms), so every byte of the heap
 * is accounted in one place.
 */
#ifndef TSM_ALLOC_H
#define TSM_ALLOC_H

#include <stddef.h>

void tsm_alloc_init(void *start, size_t size);
void *tsm_alloc(size_t size);
void tsm_alloc_free(void *p);
void *tsm_alloc_realloc(void *p, size_t size);
size_t tsm_alloc_usable_size(const void *p);

typedef struct {
    size_t used;      /* bytes in allocated blocks, headers included */
    size_t peak;      /* high-water mark of used */
    size_t capacity;  /* bytes the heap manages */
} tsm_alloc_stats;

void tsm_alloc_get_stats(tsm_alloc_stats *out);

/* First address past the heap's used part (what an engine snapshot must save). */
unsigned char *tsm_alloc_extent(void);
/* After the heap's used part and the allocator's state were restored from a snapshot: rewrites
   the end-of-heap sentinel, which lies outside the saved part. */
void tsm_alloc_restored(void);

/* Walks the heap and checks its invariants; returns 0 when consistent (for tests). */
int tsm_alloc_check(void);

#endif
