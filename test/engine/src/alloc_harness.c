/*
 * Host stress test of engine/src/alloc.c: random malloc/realloc/free against a shadow table.
 * Every live block carries a fill pattern that must survive other operations; the heap's own
 * invariant walk (tsm_alloc_check) runs after every step; freeing everything must leave the
 * whole heap as one free block again. Prints "ok <ops> <peak>" or the first failure, exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"

#define SLOTS 512

static struct { uint8_t *p; size_t n; uint8_t tag; } slot[SLOTS];
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)rng;
}

static size_t random_size(void)
{
    uint32_t r = next() % 100;
    if (r < 70) return next() % 128;          /* JS objects, atoms, shapes */
    if (r < 95) return next() % 2048;
    return next() % 65536;                     /* arrays, buffers */
}

static int verify(int i)
{
    for (size_t k = 0; k < slot[i].n; k++)
        if (slot[i].p[k] != (uint8_t)(slot[i].tag + k)) return 0;
    return 1;
}

static void fill(int i)
{
    for (size_t k = 0; k < slot[i].n; k++) slot[i].p[k] = (uint8_t)(slot[i].tag + k);
}

int main(int argc, char **argv)
{
    size_t heap_size = argc > 1 ? strtoul(argv[1], NULL, 0) : 8u << 20;
    long ops = argc > 2 ? strtol(argv[2], NULL, 0) : 200000;
    void *region = malloc(heap_size + 64);
    tsm_alloc_init((uint8_t *)region + 3, heap_size); /* misaligned on purpose */
    tsm_alloc_stats initial;
    tsm_alloc_get_stats(&initial);
    long failures = 0;
    for (long op = 0; op < ops; op++) {
        int i = next() % SLOTS;
        uint32_t kind = next() % 3;
        if (slot[i].p && !verify(i)) { printf("corrupt block %d at op %ld\n", i, op); return 1; }
        if (kind == 0 && !slot[i].p) {
            size_t n = random_size();
            slot[i].p = tsm_alloc(n);
            if (!slot[i].p) { failures++; continue; }
            if (((uintptr_t)slot[i].p % (2 * sizeof(size_t))) != 0) { printf("misaligned\n"); return 1; }
            if (tsm_alloc_usable_size(slot[i].p) < n) { printf("usable size too small\n"); return 1; }
            slot[i].n = n; slot[i].tag = (uint8_t)next(); fill(i);
        } else if (kind == 1 && slot[i].p) {
            size_t n = random_size();
            uint8_t *q = tsm_alloc_realloc(slot[i].p, n);
            if (!q && n) { failures++; continue; }
            size_t keep = n < slot[i].n ? n : slot[i].n;
            slot[i].p = q; slot[i].n = keep;
            if (q && !verify(i)) { printf("realloc lost data at op %ld\n", op); return 1; }
            if (q) { slot[i].n = n; fill(i); }
        } else if (slot[i].p) {
            tsm_alloc_free(slot[i].p);
            slot[i].p = NULL;
        }
        int bad = tsm_alloc_check();
        if (bad) { printf("heap check %d failed at op %ld\n", bad, op); return 1; }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i].p && !verify(i)) { printf("corrupt block %d at end\n", i); return 1; }
        tsm_alloc_free(slot[i].p);
    }
    tsm_alloc_stats end;
    tsm_alloc_get_stats(&end);
    if (end.used != 0 || tsm_alloc_check() != 0) { printf("leak: %zu bytes used after freeing all\n", end.used); return 1; }
    /* Everything coalesced back: the largest possible block fits again. */
    /* one block of everything but the words of the heap's first block, top and sentinel */
    void *all = tsm_alloc(end.capacity - 6 * sizeof(size_t));
    if (!all) { printf("heap did not coalesce back into one block\n"); return 1; }
    tsm_alloc_free(all);
    printf("ok %ld %zu %ld\n", ops, end.peak, failures);
    return 0;
}
