/* Shared by the C library glue files (engine/src/libc-common.c). */
#ifndef TSM_LIBC_COMMON_H
#define TSM_LIBC_COMMON_H

#include <sys/time.h>

/* Fills tv with the wall clock (Date.now()). */
void tsm_libc_time(struct timeval *tv);

/* Reports abort() and exits with TSM_EXIT_FAULT. */
void tsm_libc_abort(void) __attribute__((noreturn));

/* Where the C library needs its own start-up (musl: TLS, thread pointer), the arch boot calls
   this instead of tsm_engine_boot; it initialises the library and enters the engine. */
void tsm_libc_start(void) __attribute__((noreturn));

#endif
