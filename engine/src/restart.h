/*
 * The engine's side of the soft restart (engine/src/restart.c; TSM_REPL engines only): what
 * tsm_engine_boot (engine.c) calls around the snapshot restore. What the HAL calls is in
 * engine/include/tsmetal.h.
 */
#ifndef TSM_RESTART_H
#define TSM_RESTART_H

#include <stddef.h>
#include "quickjs.h"

/* The length of the bytes the last tsm_engine_restart kept (0: none). Read right after coming
   back to tsm_engine_boot, before the snapshot restore overwrites it. */
size_t tsm_restart_taken(void);

/* After the snapshot restore: where tsm_engine_restart jumps to (a __builtin_setjmp buffer in
   tsm_engine_boot's frame), and, when `kept` > 0, the kept bytes copied from the stash into a
   heap block and checked (a message and none if they were damaged), for hal.image.kept(). */
void tsm_restart_arm(JSRuntime *rt, void **jump, size_t kept);

#endif
