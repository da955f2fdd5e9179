/* The web globals defined on first use (engine/src/web-globals.c). */
#ifndef TSM_WEB_GLOBALS_H
#define TSM_WEB_GLOBALS_H

#include "quickjs.h"

/* Installs the global-miss handler (engine/patches/0012); 0 (it cannot fail). */
int tsm_web_globals_install(JSContext *ctx);

#endif
