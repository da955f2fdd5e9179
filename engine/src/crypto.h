/* The placeholder global `crypto` (engine/src/crypto.c). */
#ifndef TSM_CRYPTO_H
#define TSM_CRYPTO_H

#include "quickjs.h"

/* Defines globalThis.crypto with a getRandomValues that starts the board's loop unit; -1 on failure. */
int tsm_crypto_install(JSContext *ctx);

#endif
