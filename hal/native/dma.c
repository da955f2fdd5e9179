/*
 * hal.dma: buffers in the DMA region (between __dma_start and __dma_end, see the arch's linker
 * script), which the MMU maps uncached so that devices reading RAM (the VideoCore mailbox, for
 * one) see what the CPU wrote. A bump allocator: firmware allocates its DMA buffers once.
 */
#include <stdint.h>
#include "quickjs.h"
#include "cutils.h"
#include "tsmetal-hooks.h"
#include "dma.h"
#include "args.h"

static uintptr_t next; /* 0 until the first allocation */

static JSValue dma_alloc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    /* Strict integers (args.h): ToUint32 would make 2^32 + 16 a 16-byte buffer. */
    double size_d, align_d = 16;
    if (tsm_arg_integer(ctx, argv[0], "dma.alloc", "size", &size_d) < 0 ||
        (argc > 1 && !JS_IsUndefined(argv[1]) && tsm_arg_integer(ctx, argv[1], "dma.alloc", "align", &align_d) < 0))
        return JS_EXCEPTION;
    if (!(size_d >= 1 && size_d <= 4294967295.0 && align_d >= 1 && align_d <= 2147483648.0))
        return JS_ThrowRangeError(ctx, "dma.alloc: size must be positive and align a power of two");
    uint32_t size = (uint32_t)size_d, align = (uint32_t)align_d;
    if (align & (align - 1))
        return JS_ThrowRangeError(ctx, "dma.alloc: size must be positive and align a power of two");
    uintptr_t start = next ? next : (uintptr_t)__dma_start;
    uintptr_t addr = (start + align - 1) & ~(uintptr_t)(align - 1);
    if (addr < start || addr > (uintptr_t)__dma_end || size > (uintptr_t)__dma_end - addr)
        return JS_ThrowRangeError(ctx, "dma.alloc: %u bytes do not fit in the DMA region (%u bytes left)",
                                  (unsigned)size, (unsigned)((uintptr_t)__dma_end - start));
    /* The memory is never freed: no free function, and the ArrayBuffer does not own it. */
    JSValue buffer = JS_NewArrayBuffer(ctx, (uint8_t *)addr, size, NULL, NULL, 0);
    if (JS_IsException(buffer))
        return buffer;
    next = addr + size;
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "addr", JS_NewUint32(ctx, (uint32_t)addr));
    JS_SetPropertyStr(ctx, o, "buffer", buffer);
    return o;
}

const JSCFunctionListEntry tsm_dma_funcs[] = {
    JS_CFUNC_DEF("alloc", 2, dma_alloc),
};
const int tsm_dma_funcs_count = countof(tsm_dma_funcs);
