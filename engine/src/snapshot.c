#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "alloc.h"
#include "blob.h"
#include "snapshot.h"

#define SNAPSHOT_MAGIC "TSMS"
#define SNAPSHOT_VERSION 2
#define SNAPSHOT_FILE "snapshot.bin"

extern uint8_t __data_start[], __bss_end[];
extern const uint8_t tsm_snapshot_start[], tsm_snapshot_end[];
extern uint8_t tsm_snapshot_mode_flag[];

/* Addresses identify the layout the snapshot belongs to; any difference refuses it. The check
   (engine/src/blob.h: no blind spot for single- and two-word changes) covers the header's
   fields before it, then the data and heap, and is verified before a byte is copied: corrupt
   state restored into .data would leave even the console unusable. */
typedef struct {
    char magic[4];
    uint32_t version;
    uint32_t fingerprint;
    uint32_t reserved;
    uint64_t data_start, data_len;
    uint64_t heap_start, heap_len;
    uint64_t canary; /* address of tsm_engine_boot: the code layout */
    tsm_check check;
} snapshot_header;

int tsm_snapshot_mode(void)
{
    uintptr_t flag;
    /* Through an empty asm: the compiler may otherwise assume a symbol's address is never 0. */
    __asm__("" : "=r"(flag) : "0"(tsm_snapshot_mode_flag));
    return flag != 0;
}

static void describe(snapshot_header *h, size_t heap_len)
{
    memcpy(h->magic, SNAPSHOT_MAGIC, 4);
    h->version = SNAPSHOT_VERSION;
    h->fingerprint = tsm_engine_fingerprint();
    h->reserved = 0;
    h->data_start = (uintptr_t)__data_start;
    h->data_len = (uintptr_t)(__bss_end - __data_start);
    h->heap_start = (uintptr_t)__heap_start;
    h->heap_len = heap_len;
    h->canary = (uintptr_t)&tsm_engine_boot;
    h->check.a = h->check.b = 0;
}

static void snapshot_check(const snapshot_header *h, const uint8_t *data, const uint8_t *heap,
                           tsm_check *c)
{
    tsm_check_init(c);
    tsm_check_update(c, (const uint8_t *)h, offsetof(snapshot_header, check));
    tsm_check_update(c, data, (size_t)h->data_len);
    tsm_check_update(c, heap, (size_t)h->heap_len);
    tsm_check_final(c);
}

static void refuse(const char *why)
{
    tsm_console_puts("tsmetal: refusing the engine snapshot: ");
    tsm_console_puts(why);
    tsm_console_puts("\n");
    tsm_exit(TSM_EXIT_BAD_IMAGE);
}

int tsm_snapshot_restore(void)
{
    size_t size = (size_t)(tsm_snapshot_end - tsm_snapshot_start);
    if (size == 0)
        return 0;
    const snapshot_header *h = (const snapshot_header *)tsm_snapshot_start;
    /* Integrity first (is this what the build wrote?), then the layout (was it made for this
       build?). Lengths are compared in 64 bits, so huge ones cannot wrap around. */
    if (size < sizeof *h || memcmp(h->magic, SNAPSHOT_MAGIC, 4) != 0 ||
        h->data_len % 4 != 0 || h->data_len > size || h->heap_len > size ||
        (uint64_t)size != sizeof *h + h->data_len + h->heap_len)
        refuse("its size disagrees with its header (truncated or corrupt image)");
    const uint8_t *p = tsm_snapshot_start + sizeof *h;
    tsm_check got;
    snapshot_check(h, p, p + h->data_len, &got);
    if (!tsm_check_equal(&got, &h->check))
        refuse("checksum mismatch (corrupt image)");
    snapshot_header expect;
    describe(&expect, (size_t)h->heap_len);
    if (memcmp(h, &expect, offsetof(snapshot_header, check)) != 0)
        refuse("it was made for another build (rebuild the firmware)");
    memcpy(__data_start, p, (size_t)h->data_len);
    memcpy(__heap_start, p + h->data_len, (size_t)h->heap_len);
    tsm_alloc_restored();
    return 1;
}

int tsm_snapshot_heap_used(size_t *len)
{
    /* The header was checked at boot, before it was restored from. */
    if ((size_t)(tsm_snapshot_end - tsm_snapshot_start) < sizeof(snapshot_header))
        return 0;
    *len = (size_t)((const snapshot_header *)tsm_snapshot_start)->heap_len;
    return 1;
}

void tsm_snapshot_save(void)
{
    snapshot_header h;
    size_t heap_len = (size_t)(tsm_alloc_extent() - __heap_start);
    describe(&h, heap_len);
    snapshot_check(&h, __data_start, __heap_start, &h.check);
    const void *parts[] = { &h, __data_start, __heap_start };
    const size_t lens[] = { sizeof h, (size_t)h.data_len, heap_len };
    if (tsm_host_save(SNAPSHOT_FILE, parts, lens, 3) != 0) {
        tsm_console_puts("tsmetal: could not write the engine snapshot to the host\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
    tsm_exit(TSM_EXIT_OK);
}
