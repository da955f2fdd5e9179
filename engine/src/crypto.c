/*
 * The global `crypto` until the board's random source is known. Boards with a hardware RNG
 * install the real crypto.getRandomValues (runtime/crypto.ts) from their loop unit, which the engine
 * evaluates on first use; this placeholder starts that unit and hands the call on, so the global
 * exists from the first line of the app at no boot cost (it is part of the engine snapshot).
 */
#include "quickjs.h"
#include "tsmetal.h"
#include "crypto.h"

/* The placeholder function object (in the heap, restored with the snapshot at the same address). */
static void *placeholder;

static JSValue get_random_values(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue crypto = JS_GetPropertyStr(ctx, global, "crypto");
    JS_FreeValue(ctx, global);
    JSValue fn = JS_GetPropertyStr(ctx, crypto, "getRandomValues");
    JSValue r;
    /* Still this placeholder: the board installed no random source. */
    if (JS_IsException(fn) || JS_VALUE_GET_PTR(fn) == placeholder)
        r = JS_IsException(fn) ? fn : JS_ThrowTypeError(ctx, "crypto.getRandomValues: this board has no random number source");
    else
        r = JS_Call(ctx, fn, crypto, argc, argv);
    if (!JS_IsException(fn))
        JS_FreeValue(ctx, fn);
    JS_FreeValue(ctx, crypto);
    return r;
}

int tsm_crypto_install(JSContext *ctx)
{
    JSValue crypto = JS_NewObject(ctx);
    if (JS_IsException(crypto))
        return -1;
    JSValue fn = JS_NewCFunction(ctx, get_random_values, "getRandomValues", 1);
    if (JS_IsException(fn)) {
        JS_FreeValue(ctx, crypto);
        return -1;
    }
    placeholder = JS_VALUE_GET_PTR(fn);
    JS_DefinePropertyValueStr(ctx, crypto, "getRandomValues", fn, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JSValue global = JS_GetGlobalObject(ctx);
    int r = JS_DefinePropertyValueStr(ctx, global, "crypto", crypto, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(ctx, global);
    return r < 0 ? -1 : 0;
}
