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

static int get_port(JSContext *ctx, JSValueConst v, unsigned size, uint16_t *port)
{
    int64_t p;
    if (JS_ToInt64(ctx, &p, v) < 0)
        return -1;
    if (p < 0 || p > 0xffff - (int64_t)(size - 1)) {
        JS_ThrowRangeError(ctx, "I/O port %lld is outside 0..0xffff", (long long)p);
        return -1;
    }
    if (p & (size - 1)) {
        JS_ThrowRangeError(ctx, "I/O port 0x%llx is not %u-byte aligned", (long long)p, size);
        return -1;
    }
    *port = (uint16_t)p;
    return 0;
}

#define PORT_IN(name, size, op)                                                              \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) \
    {                                                                                        \
        uint16_t port;                                                                       \
        if (get_port(ctx, argv[0], size, &port) < 0)                                         \
            return JS_EXCEPTION;                                                             \
        return JS_NewUint32(ctx, op(port));                                                  \
    }

#define PORT_OUT(name, size, type, op)                                                       \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) \
    {                                                                                        \
        uint16_t port;                                                                       \
        uint32_t value;                                                                      \
        if (get_port(ctx, argv[0], size, &port) < 0 || JS_ToUint32(ctx, &value, argv[1]) < 0) \
            return JS_EXCEPTION;                                                             \
        op(port, (type)value);                                                               \
        return JS_UNDEFINED;                                                                 \
    }

PORT_IN(io_in8, 1, tsm_arch_in8)
PORT_IN(io_in16, 2, tsm_arch_in16)
PORT_IN(io_in32, 4, tsm_arch_in32)
PORT_OUT(io_out8, 1, uint8_t, tsm_arch_out8)
PORT_OUT(io_out16, 2, uint16_t, tsm_arch_out16)
PORT_OUT(io_out32, 4, uint32_t, tsm_arch_out32)

const JSCFunctionListEntry tsm_port_io_funcs[] = {
    JS_CFUNC_DEF("in8", 1, io_in8),
    JS_CFUNC_DEF("in16", 1, io_in16),
    JS_CFUNC_DEF("in32", 1, io_in32),
    JS_CFUNC_DEF("out8", 2, io_out8),
    JS_CFUNC_DEF("out16", 2, io_out16),
    JS_CFUNC_DEF("out32", 2, io_out32),
};
const int tsm_port_io_funcs_count = countof(tsm_port_io_funcs);
