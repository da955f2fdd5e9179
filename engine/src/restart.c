/*
 * The soft restart (docs/updates.md, "Switching: a soft restart"), compiled in only with TSM_REPL
 * (the image-exec engine of `npm run repl` and of `--updatable` bases; tools/lib/engine.ts).
 *
 * hal.image.restart(kept) ends the running firmware and boots it again without a power cycle:
 * the HAL masks every interrupt line it enabled (hal/native/irq.c tsm_irq_quiesce), then
 * tsm_engine_restart keeps `kept` at the top of the heap, under a check, and jumps back to
 * tsm_engine_boot (engine.c), which restores the engine snapshot: .data, .bss (the HAL's
 * interrupt, clock and DMA state among them) and the heap's used part are again what they were
 * at the first boot, so nothing the old firmware made or registered survives. Unit "main" runs
 * again from the image, which is as linked because these engines read units into the heap rather
 * than in place (engine.c read_unit). The kept bytes are copied into a heap block before any JS
 * runs, verified against their check, and handed out once by hal.image.kept().
 *
 * Why the kept bytes are safe at the top of the heap: after the restore the allocator's top block
 * starts at the snapshot's extent and allocations are cut from its low end; the only block made
 * before the copy is the copy itself, and tsm_engine_can_restart requires the stash to lie above
 * the snapshot's extent plus that block. The allocator's end sentinel (its last words) is left
 * alone.
 */
#ifdef TSM_REPL
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "alloc.h"
#include "blob.h"
#include "snapshot.h"
#include "restart.h"

/* Room left below the allocator's end sentinel, and between the copy and the stash. */
#define SENTINEL_ROOM 64
#define GAP 256

/* Where restart() left the kept bytes; read by tsm_restart_taken before the snapshot restore
   overwrites .bss, so nothing here needs to survive the restore but the stash itself. */
static size_t restart_len;
static void **restart_jump;
/* After a restart: the verified copy, until hal.image.kept() hands it out. */
static uint8_t *kept_copy;
static size_t kept_len;

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The stash: the kept bytes padded to 8, then their check (two u64), ending SENTINEL_ROOM below
   the end of the heap the allocator manages. 0 when it cannot lie above `floor`. */
static uint8_t *stash_for(size_t len, uintptr_t floor)
{
    tsm_alloc_stats s;
    tsm_alloc_get_stats(&s);
    uintptr_t lo = ((uintptr_t)__heap_start + 2 * sizeof(size_t) - 1) & ~(uintptr_t)(2 * sizeof(size_t) - 1);
    uintptr_t end = lo + s.capacity - SENTINEL_ROOM;
    size_t need = pad8(len) + sizeof(tsm_check);
    if (len > s.capacity || end - lo < need || end - need < floor)
        return 0;
    return (uint8_t *)(end - need);
}

/* The lowest address the stash may start at: the snapshot's extent, the copy's block, a gap. */
static uintptr_t stash_floor(size_t len)
{
    size_t used = 0;
    if (!tsm_snapshot_heap_used(&used))
        return UINTPTR_MAX;
    return (uintptr_t)__heap_start + used + pad8(len) + GAP;
}

int tsm_engine_can_restart(JSContext *ctx, size_t len)
{
    size_t used;
    if (!tsm_snapshot_heap_used(&used)) {
        JS_ThrowTypeError(ctx, "image.restart: this firmware has no engine snapshot to restart from (the Linux boards)");
        return -1;
    }
    if (!restart_jump) {
        JS_ThrowTypeError(ctx, "image.restart: the engine is not running an image");
        return -1;
    }
    if (!stash_for(len, stash_floor(len))) {
        JS_ThrowRangeError(ctx, "image.restart: %lu bytes cannot be kept across a restart in this heap", (unsigned long)len);
        return -1;
    }
    return 0;
}

void tsm_engine_restart(const uint8_t *kept, size_t len)
{
    tsm_arch_irq_disable();
    uint8_t *stash = stash_for(len, stash_floor(len));
    /* The source may lie anywhere in the old heap, the stash included: memmove. */
    memmove(stash, kept, len);
    tsm_check c;
    tsm_check_init(&c);
    tsm_check_update(&c, stash, len);
    tsm_check_final(&c);
    memcpy(stash + pad8(len), &c, sizeof c);
    restart_len = len;
    __builtin_longjmp(restart_jump, 1);
}

size_t tsm_restart_taken(void)
{
    return restart_len;
}

void tsm_restart_arm(JSRuntime *rt, void **jump, size_t kept)
{
    restart_jump = jump;
    kept_copy = NULL;
    kept_len = 0;
    if (!kept)
        return;
    uint8_t *stash = stash_for(kept, stash_floor(kept));
    uint8_t *copy = stash ? js_malloc_rt(rt, kept) : NULL;
    /* The copy is checked, not the stash: what JS gets is what restart() was given. */
    if (copy && (uintptr_t)copy + kept <= (uintptr_t)stash) {
        memcpy(copy, stash, kept);
        tsm_check want, got;
        memcpy(&want, stash + pad8(kept), sizeof want);
        tsm_check_init(&got);
        tsm_check_update(&got, copy, kept);
        tsm_check_final(&got);
        if (!tsm_check_equal(&got, &want)) {
            js_free_rt(rt, copy);
            copy = NULL;
        }
    } else if (copy) {
        js_free_rt(rt, copy);
        copy = NULL;
    }
    if (!copy) {
        tsm_console_puts("tsmetal: the bytes kept across the restart were lost or damaged; booting without them\n");
        return;
    }
    kept_copy = copy;
    kept_len = kept;
}

static void free_kept(JSRuntime *rt, void *opaque, void *ptr)
{
    (void)opaque;
    js_free_rt(rt, ptr);
}

JSValue tsm_engine_kept(JSContext *ctx)
{
    if (!kept_copy)
        return JS_UNDEFINED;
    uint8_t *p = kept_copy;
    size_t n = kept_len;
    kept_copy = NULL;
    kept_len = 0;
    /* The ArrayBuffer takes the block: no second copy. */
    return JS_NewArrayBuffer(ctx, p, n, free_kept, NULL, 0);
}
#endif
