/*
 * hal.io: the x86 I/O port space (Intel SDM vol. 1, 18.2), in8/16/32 and out8/16/32, for devices
 * that live there (the 16550 on COM1, the PIT, the i8042). Linked only by targets that have port
 * I/O (tools/lib/targets.ts sources); the arch's arch.h provides the instructions. A port outside
 * 0..0xffff, or one not aligned to the access size, throws RangeError.
 */
#include <stdint.h>
#include "quickjs.h"
#include "cutils.h"
#include "arch.h"
#include "args.h"

static int get_port(JSContext *ctx, JSValueConst v, const char *fn, unsigned size, uint16_t *port)
{
    /* The common case first, with no double conversions: an int-tagged, aligned port. */
    if (JS_VALUE_GET_TAG(v) == JS_TAG_INT) {
        int32_t i = JS_VALUE_GET_INT(v);
        if (i >= 0 && i <= 0xffff - (int32_t)(size - 1) && (i & (int32_t)(size - 1)) == 0) {
            *port = (uint16_t)i;
            return 0;
        }
    }
    double d;
    if (tsm_arg_integer(ctx, v, fn, "port", &d) < 0)
        return -1;
    long long p = tsm_arg_clamp(d);
    if (p < 0 || p > 0xffff - (long long)(size - 1)) {
        JS_ThrowRangeError(ctx, "I/O port %lld is outside 0..0xffff", p);
        return -1;
    }
    if (p & (size - 1)) {
        JS_ThrowRangeError(ctx, "I/O port 0x%llx is not %u-byte aligned", (long long)p, size);
        return -1;
    }
    *port = (uint16_t)p;
    return 0;
}

#define PORT_IN(name, js, size, op)                                                          \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) \
    {                                                                                        \
        uint16_t port;                                                                       \
        if (get_port(ctx, argv[0], js, size, &port) < 0)                                     \
            return JS_EXCEPTION;                                                             \
        return JS_NewUint32(ctx, op(port));                                                  \
    }

#define PORT_OUT(name, js, size, type, op)                                                   \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) \
    {                                                                                        \
        uint16_t port;                                                                       \
        uint32_t value;                                                                      \
        if (get_port(ctx, argv[0], js, size, &port) < 0 ||                                   \
            tsm_arg_value(ctx, argv[1], js, size * 8, &value) < 0)                           \
            return JS_EXCEPTION;                                                             \
        op(port, (type)value);                                                               \
        return JS_UNDEFINED;                                                                 \
    }

PORT_IN(io_in8, "io.in8", 1, tsm_arch_in8)
PORT_IN(io_in16, "io.in16", 2, tsm_arch_in16)
PORT_IN(io_in32, "io.in32", 4, tsm_arch_in32)
PORT_OUT(io_out8, "io.out8", 1, uint8_t, tsm_arch_out8)
PORT_OUT(io_out16, "io.out16", 2, uint16_t, tsm_arch_out16)
PORT_OUT(io_out32, "io.out32", 4, uint32_t, tsm_arch_out32)

const JSCFunctionListEntry tsm_port_io_funcs[] = {
    JS_CFUNC_DEF("in8", 1, io_in8),
    JS_CFUNC_DEF("in16", 1, io_in16),
    JS_CFUNC_DEF("in32", 1, io_in32),
    JS_CFUNC_DEF("out8", 2, io_out8),
    JS_CFUNC_DEF("out16", 2, io_out16),
    JS_CFUNC_DEF("out32", 2, io_out32),
};
const int tsm_port_io_funcs_count = countof(tsm_port_io_funcs);
