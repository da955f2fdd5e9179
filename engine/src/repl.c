/*
 * The REPL's engine side (docs/repl.md), compiled in only with TSM_REPL (tools/lib/engine.ts,
 * EngineOptions.repl): `npm run repl` builds such an engine; ordinary firmwares carry none of it.
 *
 * tsm_repl_exec runs one input the host compiled (tools/lib/repl-compile.ts): a tsmetal image
 * (blob.h) of one unit holding a *global script* function. It gets exactly the checks an image
 * unit gets before JS_ReadObject sees a byte (magic, format, this engine's fingerprint, the header
 * check, the unit table, the unit's check, an exact size), then QuickJS's reader, which
 * bounds-checks every read, and is refused unless it is script bytecode (not a module or a plain
 * value). The device never parses source: eval stays off (TSM_ENABLE_EVAL unset).
 *
 * tsm_repl_watch_break makes Ctrl-C stop a runaway input: while an input is being evaluated the
 * host sends nothing but the break byte, so the console's receive interrupt being taken means
 * "stop". The interrupt handler (QuickJS polls it every 10,000 calls and backward jumps, and
 * every 10,000 regexp backtracks with patch 0007) then throws QuickJS's uncatchable
 * "InternalError: interrupted"; tsm_repl_exec makes it catchable again for the REPL agent.
 * Where the CPU learns of interrupts only at register accesses and waits (the Linux targets), the
 * handler first lets the arch look (tsm_arch_poll_irq, a weak hook absent elsewhere).
 */
#ifdef TSM_REPL
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "blob.h"
#include "budget.h"

static int break_line = -1;

static int break_handler(JSRuntime *rt, void *opaque)
{
    (void)rt;
    (void)opaque;
    /* Where interrupts arrive only at register accesses and waits (the Linux targets), look. */
    if (break_line >= 0 && tsm_arch_poll_irq)
        tsm_arch_poll_irq();
    if (break_line < 0 || !tsm_irq_line_queued((uint32_t)break_line))
        return 0;
    /* Once: the agent's own handler must be able to run afterwards. */
    break_line = -1;
    return 1;
}

int tsm_repl_watch_break(JSContext *ctx, int line)
{
    if (tsm_budget_on) {
        JS_ThrowTypeError(ctx, "image.watchBreak: a job budget (--max-job-ms) owns the interrupt handler");
        return -1;
    }
    break_line = line;
    JS_SetInterruptHandler(JS_GetRuntime(ctx), line < 0 ? NULL : break_handler, NULL);
    return 0;
}

JSValue tsm_repl_exec(JSContext *ctx, const uint8_t *data, size_t size)
{
    /* A private copy: blob.c reads aligned 32-bit words, and the caller's buffer may move. */
    uint8_t *image = js_malloc(ctx, size ? size : 1);
    if (!image)
        return JS_EXCEPTION;
    memcpy(image, data, size);
    int n_units = 0;
    tsm_blob_status status = tsm_blob_check(image, size, &n_units);
    if (status != TSM_BLOB_OK || n_units != 1) {
        js_free(ctx, image);
        return JS_ThrowTypeError(ctx, "refusing REPL input: %s",
                                 status != TSM_BLOB_OK ? tsm_blob_status_text(status) : "more than one unit");
    }
    tsm_unit unit;
    tsm_blob_unit(image, 0, &unit);
    /* Copied to the heap (no JS_READ_OBJ_IN_PLACE): the image is freed below. */
    JSValue fn = JS_ReadObject(ctx, unit.bytecode, unit.length, JS_READ_OBJ_BYTECODE);
    js_free(ctx, image);
    if (JS_IsException(fn))
        return fn;
    if (JS_VALUE_GET_TAG(fn) != JS_TAG_FUNCTION_BYTECODE) {
        JS_FreeValue(ctx, fn);
        return JS_ThrowTypeError(ctx, "refusing REPL input: not script bytecode");
    }
    /* A global script: its var and function declarations become the global object's. */
    JSValue result = JS_EvalFunction(ctx, fn);
    if (JS_IsException(result))
        JS_ResetUncatchableError(ctx);
    return result;
}
#endif
