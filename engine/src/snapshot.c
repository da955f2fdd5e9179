#include <stdint.h>
#include <string.h>
#include "tsmetal.h"
#include "alloc.h"
#include "blob.h"
#include "snapshot.h"

#define SNAPSHOT_MAGIC "TSMS"
#define SNAPSHOT_VERSION 1
#define SNAPSHOT_FILE "snapshot.bin"

extern uint8_t __data_start[], __bss_end[];
extern const uint8_t tsm_snapshot_start[], tsm_snapshot_end[];
extern uint8_t tsm_snapshot_mode_flag[];

/* Addresses identify the layout the snapshot belongs to; any difference refuses it. */
typedef struct {
    char magic[4];
    uint32_t version;
    uint32_t fingerprint;
    uint32_t reserved;
    uint64_t data_start, data_len;
    uint64_t heap_start, heap_len;
    uint64_t canary; /* address of tsm_engine_boot: the code layout */
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
}

int tsm_snapshot_restore(void)
{
    size_t size = (size_t)(tsm_snapshot_end - tsm_snapshot_start);
    if (size == 0)
        return 0;
    const snapshot_header *h = (const snapshot_header *)tsm_snapshot_start;
    snapshot_header expect;
    describe(&expect, size >= sizeof *h ? (size_t)h->heap_len : 0);
    if (size < sizeof *h || memcmp(h, &expect, sizeof expect) != 0 ||
        size != sizeof *h + h->data_len + h->heap_len) {
        tsm_console_puts("tsmetal: refusing the engine snapshot: it was made for another build "
                         "(rebuild the firmware)\n");
        tsm_exit(TSM_EXIT_BAD_IMAGE);
    }
    const uint8_t *p = tsm_snapshot_start + sizeof *h;
    memcpy(__data_start, p, (size_t)h->data_len);
    memcpy(__heap_start, p + h->data_len, (size_t)h->heap_len);
    tsm_alloc_restored();
    return 1;
}

void tsm_snapshot_save(void)
{
    snapshot_header h;
    size_t heap_len = (size_t)(tsm_alloc_extent() - __heap_start);
    describe(&h, heap_len);
    const void *parts[] = { &h, __data_start, __heap_start };
    const size_t lens[] = { sizeof h, (size_t)h.data_len, heap_len };
    if (tsm_host_save(SNAPSHOT_FILE, parts, lens, 3) != 0) {
        tsm_console_puts("tsmetal: could not write the engine snapshot to the host\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
    tsm_exit(TSM_EXIT_OK);
}
