/*
 * The engine snapshot: the C data, .bss and used heap right after the runtime and context are
 * created, saved by the build (one QEMU run in snapshot mode) and restored at boot with two
 * memcpys instead of redoing the ~780,000 instructions of JS_NewRuntime + JS_NewContext.
 * Possible because that state is the same on every boot: the heap starts at a fixed address,
 * the allocator is deterministic, and everything an app changes lies after .bss in the image
 * (hal/arch/<arch>/firmware.ld).
 */
#ifndef TSM_SNAPSHOT_H
#define TSM_SNAPSHOT_H

#include <stddef.h>

/* Restores the snapshot linked into the image: 1 if restored, 0 if the image has none. A
   snapshot whose size or check (engine/src/blob.h) is wrong, or that does not match this build's
   layout, is refused before anything is copied (exit code 2). */
int tsm_snapshot_restore(void);

/* Whether the image has a snapshot (checked at boot), and then the length of the heap part it
   restores (the restart's stash lies above it: engine/src/restart.c). */
int tsm_snapshot_heap_used(size_t *len);

/* In a snapshot-mode build (tsm_snapshot_mode = 1), saves the state to the host and exits. */
int tsm_snapshot_mode(void);
void tsm_snapshot_save(void) __attribute__((noreturn));

#endif
