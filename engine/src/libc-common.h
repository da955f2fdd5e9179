/* Shared by the C library glue files (engine/src/libc-common.c). */
#ifndef TSM_LIBC_COMMON_H
#define TSM_LIBC_COMMON_H

#include <stddef.h>
#include <sys/time.h>

/* Fills tv with the wall clock (Date.now()). */
void tsm_libc_time(struct timeval *tv);

/* Reports abort() and exits with TSM_EXIT_FAULT. */
void tsm_libc_abort(void) __attribute__((noreturn));

/* A printf conversion engine/src/libc-printf.c does not format (the len characters of spec, from
   its '%'): reported, and exits with TSM_EXIT_FAULT. */
void tsm_libc_bad_format(const char *spec, size_t len) __attribute__((noreturn));

/* tsm_libc_start, which the arch's boot calls where the C library needs its own start-up, is in
   the contract: tsmetal.h. */

#endif
