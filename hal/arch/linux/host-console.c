/*
 * hal.cpu.consoleWrite(text) on the Linux targets: the firmware console's output, UTF-8 to
 * standard output through the early console (hal/early/linux-stdout.c). A process has no UART to
 * drive, and the simulated register space is empty (docs/boards/linux.md), so the boards'
 * console (soc/linux/host.ts) writes here. Linked only by the Linux targets (weak table in
 * hal/native/hal-module.h); elsewhere hal.cpu has no such member.
 */
#include <stddef.h>
#include "quickjs.h"
#include "cutils.h"
#include "tsmetal-hooks.h"

static JSValue cpu_console_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    tsm_console_write(s, len);
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
}

/* hal/arch/linux/random.c */
JSValue tsm_linux_cpu_random32(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

/* hal.cpu's Linux-only members: this console, and random32 from the kernel (random.c). */
const JSCFunctionListEntry tsm_cpu_extra_funcs[] = {
    JS_CFUNC_DEF("consoleWrite", 1, cpu_console_write),
    JS_CFUNC_DEF("random32", 0, tsm_linux_cpu_random32),
};
const int tsm_cpu_extra_funcs_count = countof(tsm_cpu_extra_funcs);
