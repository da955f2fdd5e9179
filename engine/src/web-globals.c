/*
 * The web globals (TextEncoder, TextDecoder, URL, URLSearchParams, AbortController, AbortSignal,
 * EventTarget, Event, DOMException, fetch, Request, Response, Headers, atob, btoa, structuredClone,
 * reportError, and ES2021's WeakRef and FinalizationRegistry) are TypeScript in image units loaded on first use
 * (tools/lib/units.ts, runtime/web/). Nothing of them exists before: not even their names, which
 * would cost snapshot heap and so boot instructions. QuickJS calls handle_miss
 * (engine/patches/0012) when a global is looked up and not found (a global variable, typeof,
 * globalThis.X, `in`, hasOwnProperty); for one of these names it loads the unit and defines the
 * global from the unit's export of the same name as a writable, configurable, non-enumerable
 * data property, as Web IDL defines interface objects, and QuickJS retries the lookup.
 * Object.getOwnPropertyNames(globalThis) lists a name only once it was used.
 */
#include <stdint.h>
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "web-globals.h"

typedef struct {
    const char *name;
    const char *unit;
} lazy_global;

static const lazy_global lazy_globals[] = {
    { "TextEncoder", "encoding" },
    { "TextDecoder", "encoding" },
    { "URL", "url" },
    { "URLSearchParams", "url" },
    { "AbortController", "abort" },
    { "AbortSignal", "abort" },
    { "EventTarget", "abort" },
    { "Event", "abort" },
    { "DOMException", "abort" },
    { "fetch", "http" },
    { "Request", "http" },
    { "Response", "http" },
    { "Headers", "http" },
    { "atob", "html" },
    { "btoa", "html" },
    { "structuredClone", "html" },
    { "reportError", "html" },
    { "WeakRef", "weakref" },
    { "FinalizationRegistry", "weakref" },
};
#define N_LAZY_GLOBALS (sizeof(lazy_globals) / sizeof(lazy_globals[0]))

/* Set once a name was defined (or is being): deleted later by the app, it stays deleted. In .bss,
   all clear in the snapshot. */
static uint8_t defined[N_LAZY_GLOBALS];

static int handle_miss(JSContext *ctx, JSAtom prop)
{
    /* No allocation on this path, which every missing global takes (an app's typeof checks, and
       lookups made while the heap is exhausted): the name is read into a stack buffer. */
    char buf[32];
    const char *name = JS_AtomGetStringName(ctx, buf, sizeof(buf), prop);
    if (!name)
        return 0;
    int i = -1;
    for (size_t j = 0; j < N_LAZY_GLOBALS; j++) {
        if (strcmp(lazy_globals[j].name, name) == 0) {
            i = (int)j;
            break;
        }
    }
    if (i < 0 || defined[i])
        return 0;
    defined[i] = 1;
    JSValue ns = tsm_engine_load_unit(ctx, lazy_globals[i].unit);
    if (JS_IsException(ns)) {
        /* Tried again at the next lookup, which throws again rather than finding nothing. */
        defined[i] = 0;
        return -1;
    }
    JSValue value = JS_GetProperty(ctx, ns, prop);
    JS_FreeValue(ctx, ns);
    if (JS_IsException(value)) {
        defined[i] = 0;
        return -1;
    }
    JSValue global = JS_GetGlobalObject(ctx);
    int r = JS_DefinePropertyValue(ctx, global, prop, value, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(ctx, global);
    /* 0: the app made globalThis non-extensible; the name stays undefined. */
    return r < 0 ? -1 : r ? 1 : 0;
}

int tsm_web_globals_install(JSContext *ctx)
{
    JS_SetGlobalMissHandler(JS_GetRuntime(ctx), handle_miss);
    return 0;
}
