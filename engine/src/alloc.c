/* Hot path of every engine allocation: worth speed over size even in an -Os build. */
#pragma GCC optimize("O2")

#include <stdint.h>
#include <string.h>
#include "alloc.h"

#define INLINE static inline __attribute__((always_inline))

/* Payload alignment: what malloc must guarantee (8 on 32-bit ARM, 16 on 64-bit ABIs). */
#define ALIGN (2 * sizeof(size_t))
/* A used block costs one word, its size. The word before it (prev_phys) lies in the previous
   block's payload and is only written while that block is free (TLSF's boundary tag). So block
   sizes are one word short of a multiple of ALIGN, which keeps every payload aligned. */
#define HDR sizeof(size_t)
/* A free block holds two list links, and the next block's prev_phys in its last word. */
#define MIN_PAYLOAD (3 * sizeof(size_t))

#define SL_LOG2 4
#define SL_COUNT (1u << SL_LOG2)
#define ALIGN_LOG2 (sizeof(size_t) == 8 ? 4 : 3)
#define FL_SHIFT (SL_LOG2 + ALIGN_LOG2)
#define SMALL_BLOCK ((size_t)1 << FL_SHIFT)
/* First-level lists cover blocks up to 2^(FL_COUNT + FL_SHIFT - 2) bytes: all of RAM on 32-bit
   targets, 512 GiB on 64-bit ones; fl_bitmap has a bit per list. */
#define FL_COUNT (sizeof(size_t) == 8 ? 32 : 32 - FL_SHIFT + 1)
#define MAX_BLOCK ((size_t)1 << (FL_COUNT + FL_SHIFT - 2))

/* Payload sizes up to QUICK_MAX use the quick lists. */
#define QUICK_MAX (32 * ALIGN)
#define QUICK_CLASSES (QUICK_MAX / ALIGN + 1)

#define FREE 1u
#define PREV_FREE 2u
#define FLAGS (FREE | PREV_FREE)

typedef struct block {
    struct block *prev_phys; /* the previous block's last word; valid only while PREV_FREE */
    size_t size;             /* payload bytes | FREE | PREV_FREE */
    /* free blocks only, in the payload: */
    struct block *next_free;
    struct block *prev_free;
} block;

static struct {
    uint32_t fl_bitmap;
    uint32_t sl_bitmap[FL_COUNT];
    block *heads[FL_COUNT][SL_COUNT];
    tsm_alloc_stats stats;
    block *first;
    /* The free block at the end of the heap, kept out of the lists (the "wilderness" of dlmalloc):
       fresh allocations are cut from its front with no list work, and a block freed or grown next
       to it merges into it. It may be empty. */
    block *top;
    block *sentinel;
    /* Freed small blocks by exact size, reused LIFO before anything else: most engine
       allocations are small and short-lived, and this makes them a handful of instructions.
       They stay "used" to the lists (no coalescing) until an allocation would fail, which
       first returns them all (flush_quick). */
    void *quick[QUICK_CLASSES];
    size_t quick_bytes;
} heap;

static inline size_t size_of(const block *b) { return b->size & ~(size_t)FLAGS; }
static inline void *payload(block *b) { return (char *)b + 2 * sizeof(size_t); }
static inline block *from_payload(const void *p) { return (block *)((char *)p - 2 * sizeof(size_t)); }
/* The block whose size word follows b's payload: b + HDR + size_of(b) is where its size word is,
   and the block pointer is one word (its prev_phys) before that. */
static inline block *next_phys(const block *b) { return (block *)((char *)b + HDR + size_of(b)); }
/* The block made of the bytes after the first `size` bytes of b's payload. */
static inline block *split_point(block *b, size_t size) { return (block *)((char *)b + HDR + size); }

static inline int fls_size(size_t x)
{
    return (int)(sizeof(size_t) * 8 - 1) - (sizeof(size_t) == 8 ? __builtin_clzll(x) : __builtin_clz((unsigned)x));
}

INLINE void mapping_insert(size_t size, unsigned *fl, unsigned *sl)
{
    if (size < SMALL_BLOCK) {
        *fl = 0;
        *sl = (unsigned)(size / (SMALL_BLOCK / SL_COUNT));
    } else {
        int f = fls_size(size);
        *sl = (unsigned)(size >> (f - SL_LOG2)) ^ SL_COUNT;
        *fl = (unsigned)(f - (FL_SHIFT - 1));
    }
}

/* Rounds the request up to the next list boundary so any block found there fits. */
INLINE void mapping_search(size_t size, unsigned *fl, unsigned *sl)
{
    if (size >= SMALL_BLOCK)
        size += ((size_t)1 << (fls_size(size) - SL_LOG2)) - 1;
    mapping_insert(size, fl, sl);
}

INLINE void insert_free(block *b)
{
    unsigned fl, sl;
    mapping_insert(size_of(b), &fl, &sl);
    block *head = heap.heads[fl][sl];
    b->next_free = head;
    b->prev_free = NULL;
    if (head)
        head->prev_free = b;
    heap.heads[fl][sl] = b;
    heap.fl_bitmap |= 1u << fl;
    heap.sl_bitmap[fl] |= 1u << sl;
}

INLINE void unlink_free(block *prev, block *next, unsigned fl, unsigned sl)
{
    if (prev)
        prev->next_free = next;
    else
        heap.heads[fl][sl] = next;
    if (next)
        next->prev_free = prev;
    if (!heap.heads[fl][sl]) {
        heap.sl_bitmap[fl] &= ~(1u << sl);
        if (!heap.sl_bitmap[fl])
            heap.fl_bitmap &= ~(1u << fl);
    }
}

INLINE void remove_free(block *b)
{
    unsigned fl, sl;
    mapping_insert(size_of(b), &fl, &sl);
    unlink_free(b->prev_free, b->next_free, fl, sl);
}

/* Puts nb where a free block with links prev/next was, in list (fl, sl): splitting a large free
   block usually leaves a remainder of the same class, and this skips the bitmap work. */
INLINE void replace_free(block *prev, block *next, block *nb, unsigned fl, unsigned sl)
{
    nb->prev_free = prev;
    nb->next_free = next;
    if (prev)
        prev->next_free = nb;
    else
        heap.heads[fl][sl] = nb;
    if (next)
        next->prev_free = nb;
}

/* Free block f (in list fl, sl) gives its first `take` bytes (header included) to the used block
   before it or to a new allocation; the rest stays free, in place of f. */
INLINE void carve(block *f, unsigned fl, unsigned sl, size_t take, block *rest_at)
{
    block *prev = f->prev_free, *next = f->next_free;
    size_t left = HDR + size_of(f) - take;
    block *after = next_phys(f);
    rest_at->size = (left - HDR) | FREE;
    after->prev_phys = rest_at;
    unsigned rfl, rsl;
    mapping_insert(left - HDR, &rfl, &rsl);
    if (rfl == fl && rsl == sl) {
        replace_free(prev, next, rest_at, fl, sl);
    } else {
        unlink_free(prev, next, fl, sl);
        insert_free(rest_at);
    }
}

INLINE block *find_free(size_t size, unsigned *pfl, unsigned *psl)
{
    unsigned fl, sl;
    mapping_search(size, &fl, &sl);
    if (fl >= FL_COUNT)
        return NULL;
    uint32_t sl_map = heap.sl_bitmap[fl] & (~0u << sl);
    if (!sl_map) {
        uint32_t fl_map = fl + 1 < 32 ? heap.fl_bitmap & (~0u << (fl + 1)) : 0;
        if (!fl_map)
            return NULL;
        fl = (unsigned)__builtin_ctz(fl_map);
        sl_map = heap.sl_bitmap[fl];
    }
    sl = (unsigned)__builtin_ctz(sl_map);
    *pfl = fl;
    *psl = sl;
    return heap.heads[fl][sl];
}

/* Marks b (size_of(b) payload) as used or free in its successor's PREV_FREE/prev_phys. */
INLINE void link_next(block *b, int is_free)
{
    block *n = next_phys(b);
    if (is_free) {
        n->size |= PREV_FREE;
        n->prev_phys = b;
    } else {
        n->size &= ~(size_t)PREV_FREE;
    }
}

/* Files free block b (its predecessor already merged or in use): merged into its successor when
   that is free — becoming the top if the successor was the top — or put on the lists. */
INLINE void release(block *b)
{
    block *n = next_phys(b);
    if (n == heap.top) {
        b->size += HDR + size_of(n);
        heap.top = b;
        link_next(b, 1);
        return;
    }
    if (n->size & FREE) {
        remove_free(n);
        b->size += HDR + size_of(n);
    }
    link_next(b, 1);
    insert_free(b);
}

/* Shrinks used block b to `size` payload, returning the tail to the free lists. */
INLINE void trim(block *b, size_t size)
{
    size_t have = size_of(b);
    if (have - size < HDR + MIN_PAYLOAD)
        return;
    block *rest = (block *)((char *)b + HDR + size);
    rest->size = (have - size - HDR) | FREE;
    b->size = size | (b->size & PREV_FREE);
    release(rest);
}

/* Cuts a used block of `want` payload bytes from the front of the top block. */
INLINE block *take_from_top(size_t want)
{
    block *b = heap.top;
    size_t have = size_of(b);
    if (have < want + HDR)
        return NULL;
    block *rest = (block *)((char *)b + HDR + want);
    rest->size = (have - want - HDR) | FREE;
    heap.sentinel->prev_phys = rest;
    b->size = want | (b->size & PREV_FREE);
    heap.top = rest;
    return b;
}

INLINE size_t adjust(size_t size)
{
    if (size > MAX_BLOCK)
        return 0;
    size = ((size + HDR + ALIGN - 1) & ~(ALIGN - 1)) - HDR;
    return size < MIN_PAYLOAD ? MIN_PAYLOAD : size;
}

INLINE void account(long delta)
{
    heap.stats.used += (size_t)delta;
    if (heap.stats.used > heap.stats.peak)
        heap.stats.peak = heap.stats.used;
}

void tsm_alloc_init(void *start, size_t size)
{
    memset(&heap, 0, sizeof heap);
    uintptr_t lo = ((uintptr_t)start + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    uintptr_t hi = ((uintptr_t)start + size) & ~(uintptr_t)(ALIGN - 1);
    if (hi - lo < 3 * HDR + MIN_PAYLOAD)
        return;
    if (hi - lo > MAX_BLOCK)
        hi = lo + MAX_BLOCK;
    /* The first block's prev_phys word is never used; the sentinel's size word is the heap's
       last word. */
    block *b = (block *)lo;
    b->size = (hi - lo - 3 * HDR) | FREE;
    /* Sentinel: a used, empty block that ends every walk to the right. */
    heap.sentinel = next_phys(b);
    heap.sentinel->size = 0;
    link_next(b, 1);
    heap.first = b;
    heap.top = b;
    heap.stats.capacity = hi - lo;
}

static block *alloc_block(size_t want)
{
    unsigned fl, sl;
    block *b = heap.fl_bitmap ? find_free(want, &fl, &sl) : NULL;
    if (!b) {
        b = heap.top ? take_from_top(want) : NULL;
        if (!b)
            return NULL;
    } else if (size_of(b) - want >= HDR + MIN_PAYLOAD) {
        carve(b, fl, sl, HDR + want, (block *)((char *)b + HDR + want));
        b->size = want | (b->size & PREV_FREE);
    } else {
        unlink_free(b->prev_free, b->next_free, fl, sl);
        b->size &= ~(size_t)FREE;
        link_next(b, 0);
    }
    return b;
}

static void free_block(block *b)
{
    if (b->size & PREV_FREE) {
        block *prev = b->prev_phys;
        remove_free(prev);
        prev->size += HDR + size_of(b);
        b = prev;
    }
    b->size |= FREE;
    release(b);
}

/* Returns every quick-list block to the lists (coalescing them) when memory runs short. */
static void flush_quick(void)
{
    for (unsigned c = 0; c < QUICK_CLASSES; c++) {
        while (heap.quick[c]) {
            block *b = from_payload(heap.quick[c]);
            heap.quick[c] = *(void **)heap.quick[c];
            free_block(b);
        }
    }
    heap.quick_bytes = 0;
}

void *tsm_alloc(size_t size)
{
    size_t want = adjust(size);
    if (!want)
        return NULL;
    if (want <= QUICK_MAX) {
        void **q = &heap.quick[want / ALIGN];
        if (*q) {
            void *p = *q;
            *q = *(void **)p;
            heap.quick_bytes -= want + HDR;
            account((long)(want + HDR));
            return p;
        }
    }
    block *b = alloc_block(want);
    if (!b && heap.quick_bytes) {
        flush_quick();
        b = alloc_block(want);
    }
    if (!b)
        return NULL;
    account((long)(size_of(b) + HDR));
    return payload(b);
}

void tsm_alloc_free(void *p)
{
    if (!p)
        return;
    block *b = from_payload(p);
    size_t n = size_of(b);
    account(-(long)(n + HDR));
    if (n <= QUICK_MAX) {
        void **q = &heap.quick[n / ALIGN];
        *(void **)p = *q;
        *q = p;
        heap.quick_bytes += n + HDR;
        return;
    }
    free_block(b);
}

void *tsm_alloc_realloc(void *p, size_t size)
{
    if (!p)
        return tsm_alloc(size);
    if (size == 0) {
        tsm_alloc_free(p);
        return NULL;
    }
    size_t want = adjust(size);
    if (!want)
        return NULL;
    block *b = from_payload(p);
    size_t have = size_of(b);
    if (want > have) {
        block *n = next_phys(b);
        size_t room = (n->size & FREE) ? have + HDR + size_of(n) : 0;
        if (n == heap.top && room >= want + HDR) {
            /* grow into the top block */
            block *rest = (block *)((char *)b + HDR + want);
            rest->size = (room - want - HDR) | FREE;
            heap.sentinel->prev_phys = rest;
            heap.top = rest;
            b->size = want | (b->size & PREV_FREE);
            account((long)want - (long)have);
            return p;
        } else if (n != heap.top && room >= want + HDR + MIN_PAYLOAD) {
            /* grow into the free neighbour, leaving the rest of it free */
            unsigned fl, sl;
            mapping_insert(size_of(n), &fl, &sl);
            carve(n, fl, sl, want - have, (block *)((char *)b + HDR + want));
            b->size = want | (b->size & PREV_FREE);
            account((long)want - (long)have);
            return p;
        } else if (n != heap.top && room >= want) {
            remove_free(n);
            b->size += HDR + size_of(n);
            link_next(b, 0);
        } else {
            void *q = tsm_alloc(size);
            if (q) {
                memcpy(q, p, have);
                tsm_alloc_free(p);
            }
            return q;
        }
    }
    trim(b, want);
    account((long)size_of(b) - (long)have);
    return p;
}

unsigned char *tsm_alloc_extent(void)
{
    return (unsigned char *)payload(heap.top); /* through the top's size word */
}

void tsm_alloc_restored(void)
{
    heap.sentinel->size = 0;
    link_next(heap.top, 1);
}

size_t tsm_alloc_usable_size(const void *p)
{
    return p ? size_of(from_payload(p)) : 0;
}

void tsm_alloc_get_stats(tsm_alloc_stats *out)
{
    *out = heap.stats;
}

int tsm_alloc_check(void)
{
    if (!heap.first)
        return 0;
    size_t used = 0;
    int prev_free = 0;
    block *prev = NULL;
    for (block *b = heap.first; b != heap.sentinel; b = next_phys(b)) {
        int is_free = (b->size & FREE) != 0;
        if (((b->size & PREV_FREE) != 0) != prev_free)
            return 1;
        if (prev_free && b->prev_phys != prev)
            return 2;
        if (is_free && prev_free)
            return 3; /* two free neighbours were not coalesced */
        if (is_free != 0 && next_phys(b) == heap.sentinel && b != heap.top)
            return 6; /* the last free block must be the top */
        if ((uintptr_t)payload(b) % ALIGN)
            return 4;
        if (!is_free)
            used += size_of(b) + HDR;
        prev_free = is_free;
        prev = b;
    }
    return used == heap.stats.used + heap.quick_bytes ? 0 : 5;
}
