/*
 * The native module `hal`: the whole JS-visible hardware surface (hal/hal.d.ts, docs/hal.md).
 * Kept deliberately small; drivers build everything else on it in TypeScript.
 */
#include <stdint.h>
#include "quickjs.h"
#include "cutils.h"
#include "arch.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "hal-module.h"
#include "irq.h"
#include "clock.h"
#include "dma.h"
#include "mmio-access.h"
#include "args.h"

/* tsm_arg_integer (args.h) refuses what is not an integer Number: undefined or NaN would
   otherwise be address 0, and 2^64 + n address n. */
static int get_address(JSContext *ctx, JSValueConst v, const char *fn, unsigned align, uintptr_t *addr)
{
    /* The common case first, with no double conversions: an int-tagged, aligned address. */
    if (JS_VALUE_GET_TAG(v) == JS_TAG_INT) {
        int32_t i = JS_VALUE_GET_INT(v);
        if (i >= 0 && ((uint32_t)i & (align - 1)) == 0) {
            *addr = (uintptr_t)(uint32_t)i;
            return 0;
        }
    }
    double d;
    if (tsm_arg_integer(ctx, v, fn, "address", &d) < 0)
        return -1;
    if (d < 0) {
        JS_ThrowRangeError(ctx, "mmio address %lld is negative", tsm_arg_clamp(d));
        return -1;
    }
    /* 2^32 or 2^64: the first address past the space (exact as a double). */
    if (d >= (double)UINTPTR_MAX + 1.0) {
        if (d < 18446744073709551616.0)
            JS_ThrowRangeError(ctx, "mmio address 0x%llx is outside the address space", (unsigned long long)d);
        else
            JS_ThrowRangeError(ctx, "mmio address %s is outside the address space", "2^64 or more");
        return -1;
    }
    uintptr_t a = (uintptr_t)d;
    if (a & (align - 1)) {
        JS_ThrowRangeError(ctx, "mmio address 0x%llx is not %u-byte aligned",
                           (unsigned long long)a, align);
        return -1;
    }
    *addr = a;
    return 0;
}

#define MMIO_READ(name, type, bits)                                                   \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc,              \
                        JSValueConst *argv)                                           \
    {                                                                                 \
        uintptr_t addr;                                                               \
        if (get_address(ctx, argv[0], "mmio.read" #bits, sizeof(type), &addr) < 0)    \
            return JS_EXCEPTION;                                                      \
        return JS_NewUint32(ctx, tsm_mmio_read##bits(addr));                          \
    }

#define MMIO_WRITE(name, type, bits)                                                  \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc,              \
                        JSValueConst *argv)                                           \
    {                                                                                 \
        uintptr_t addr;                                                               \
        uint32_t value;                                                               \
        if (get_address(ctx, argv[0], "mmio.write" #bits, sizeof(type), &addr) < 0 || \
            tsm_arg_value(ctx, argv[1], "mmio.write" #bits, bits, &value) < 0)        \
            return JS_EXCEPTION;                                                      \
        tsm_mmio_write##bits(addr, value);                                            \
        return JS_UNDEFINED;                                                          \
    }

MMIO_READ(mmio_read8, uint8_t, 8)
MMIO_READ(mmio_read16, uint16_t, 16)
MMIO_READ(mmio_read32, uint32_t, 32)
MMIO_WRITE(mmio_write8, uint8_t, 8)
MMIO_WRITE(mmio_write16, uint16_t, 16)
MMIO_WRITE(mmio_write32, uint32_t, 32)

static JSValue barrier_dmb(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tsm_arch_dmb();
    return JS_UNDEFINED;
}

static JSValue barrier_dsb(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tsm_arch_dsb();
    return JS_UNDEFINED;
}

static JSValue barrier_isb(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tsm_arch_isb();
    return JS_UNDEFINED;
}

static JSValue cpu_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t code;
    if (JS_ToInt32(ctx, &code, argv[0]) < 0)
        return JS_EXCEPTION;
    tsm_exit(code);
}

static JSValue cpu_seed_random(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint32_t hi, lo;
    if (JS_ToUint32(ctx, &hi, argv[0]) < 0 || JS_ToUint32(ctx, &lo, argv[1]) < 0)
        return JS_EXCEPTION;
    JS_SetRandomSeed(ctx, ((uint64_t)hi << 32) | lo);
    return JS_UNDEFINED;
}

/* cpu.setJobBudget(ms): the per-job execution budget from now on, 0 for none (budget.h). */
static JSValue cpu_set_job_budget(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    double ms;
    if (JS_ToFloat64(ctx, &ms, argv[0]) < 0)
        return JS_EXCEPTION;
    if (!(ms >= 0 && ms <= 2147483647.0) || ms != (double)(uint32_t)ms)
        return JS_ThrowRangeError(ctx, "cpu.setJobBudget: the budget is a whole number of "
                                       "milliseconds from 1 to 2147483647, or 0 for none");
    if (tsm_budget_set(ctx, (uint32_t)ms, "hal.cpu.setJobBudget") < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue mem_stats(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tsm_heap_stats s;
    tsm_heap_get_stats(&s);
    JSValue o = JS_NewObject(ctx);
    if (JS_IsException(o))
        return o;
    JS_SetPropertyStr(ctx, o, "used", JS_NewInt64(ctx, (int64_t)s.used));
    JS_SetPropertyStr(ctx, o, "peak", JS_NewInt64(ctx, (int64_t)s.peak));
    JS_SetPropertyStr(ctx, o, "limit", JS_NewInt64(ctx, (int64_t)s.limit));
    return o;
}

static JSValue image_load(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name = JS_ToCString(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    JSValue ns = tsm_engine_load_unit(ctx, name);
    JS_FreeCString(ctx, name);
    return ns;
}

#ifdef TSM_REPL
/* image.exec(bytes) and image.watchBreak(line): the REPL build only (engine/src/repl.c). */
static JSValue image_exec(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t offset, length, elem;
    JSValue buf = JS_GetTypedArrayBuffer(ctx, argv[0], &offset, &length, &elem);
    if (JS_IsException(buf))
        return buf;
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, buf);
    JSValue r = data ? tsm_repl_exec(ctx, data + offset, length) : JS_EXCEPTION;
    JS_FreeValue(ctx, buf);
    return r;
}

/* image.restart(kept) and image.kept(): the soft restart (engine/src/restart.c). */
static JSValue image_restart(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t offset, length, elem;
    JSValue buf = JS_GetTypedArrayBuffer(ctx, argv[0], &offset, &length, &elem);
    if (JS_IsException(buf))
        return buf;
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, buf);
    JS_FreeValue(ctx, buf);
    if (!data || tsm_engine_can_restart(ctx, length) < 0)
        return JS_EXCEPTION;
    /* beforeRestart (the update agent's: drivers/interfaces/bus-master.ts stops every device that
       does DMA) runs once the restart can happen; if it throws, there is none and the caller hears
       why. It may have run anything: the kept bytes are looked up again. */
    if (argc > 1 && !JS_IsUndefined(argv[1])) {
        if (!JS_IsFunction(ctx, argv[1]))
            return JS_ThrowTypeError(ctx, "image.restart: beforeRestart is not a function");
        JSValue r = JS_Call(ctx, argv[1], JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r))
            return r;
        JS_FreeValue(ctx, r);
        buf = JS_GetTypedArrayBuffer(ctx, argv[0], &offset, &length, &elem);
        if (JS_IsException(buf))
            return buf;
        data = JS_GetArrayBuffer(ctx, &size, buf);
        JS_FreeValue(ctx, buf);
        if (!data || tsm_engine_can_restart(ctx, length) < 0)
            return JS_EXCEPTION;
    }
    /* Every line a handler enabled is masked (and a claimed one completed) before the state that
       knows them is reset: no interrupt of the old firmware reaches the new one. */
    tsm_irq_quiesce();
    tsm_engine_restart(data + offset, length);
}

static JSValue image_kept(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return tsm_engine_kept(ctx);
}

static JSValue image_watch_break(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t line;
    if (JS_ToInt32(ctx, &line, argv[0]) < 0 || tsm_repl_watch_break(ctx, line < 0 ? -1 : line) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}
#endif

#ifdef __x86_64__
/* cpu.commandLine(): the boot loader's command line (tsm_arch_command_line, tsmetal-hooks.h),
   "" where the arch has none; a RangeError when it was too long to be copied whole. Only on
   x86-64, where PVH VMMs pass one: a member of the hal object costs every boot an atom and a
   property (about 1,300 instructions), which the other arches would pay for nothing. */
static JSValue cpu_command_line(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!tsm_arch_command_line)
        return JS_NewStringLen(ctx, "", 0);
    size_t len = 0;
    const char *s = tsm_arch_command_line(&len);
    if (!s)
        return JS_ThrowRangeError(ctx, "cpu.commandLine: the boot command line is longer than this board copies");
    return JS_NewStringLen(ctx, s, len);
}
#endif

static const JSCFunctionListEntry mmio_funcs[] = {
    JS_CFUNC_DEF("read8", 1, mmio_read8),
    JS_CFUNC_DEF("read16", 1, mmio_read16),
    JS_CFUNC_DEF("read32", 1, mmio_read32),
    JS_CFUNC_DEF("write8", 2, mmio_write8),
    JS_CFUNC_DEF("write16", 2, mmio_write16),
    JS_CFUNC_DEF("write32", 2, mmio_write32),
};

static const JSCFunctionListEntry barrier_funcs[] = {
    JS_CFUNC_DEF("dmb", 0, barrier_dmb),
    JS_CFUNC_DEF("dsb", 0, barrier_dsb),
    JS_CFUNC_DEF("isb", 0, barrier_isb),
};

static const JSCFunctionListEntry cpu_funcs[] = {
    JS_CFUNC_DEF("exit", 1, cpu_exit),
    JS_CFUNC_DEF("seedRandom", 2, cpu_seed_random),
    JS_CFUNC_DEF("setJobBudget", 1, cpu_set_job_budget),
#ifdef __x86_64__
    JS_CFUNC_DEF("commandLine", 0, cpu_command_line),
#endif
};

static const JSCFunctionListEntry mem_funcs[] = {
    JS_CFUNC_DEF("stats", 0, mem_stats),
};

static const JSCFunctionListEntry image_funcs[] = {
    JS_CFUNC_DEF("load", 1, image_load),
#ifdef TSM_REPL
    JS_CFUNC_DEF("exec", 1, image_exec),
    JS_CFUNC_DEF("watchBreak", 1, image_watch_break),
    JS_CFUNC_DEF("restart", 2, image_restart),
    JS_CFUNC_DEF("kept", 0, image_kept),
#endif
};

static const int mmio_count = countof(mmio_funcs), barrier_count = countof(barrier_funcs),
                 cpu_count = countof(cpu_funcs), mem_count = countof(mem_funcs),
                 image_count = countof(image_funcs);

/* Counts by pointer: the irq, clock and dma tables live in their own files. */
static const struct {
    const char *name;
    const JSCFunctionListEntry *funcs;
    const int *count;
} namespaces[] = {
    { "mmio", mmio_funcs, &mmio_count },
    { "barrier", barrier_funcs, &barrier_count },
    { "cpu", cpu_funcs, &cpu_count },
    { "mem", mem_funcs, &mem_count },
    { "image", image_funcs, &image_count },
    { "irq", tsm_irq_funcs, &tsm_irq_funcs_count },
    { "clock", tsm_clock_funcs, &tsm_clock_funcs_count },
    { "dma", tsm_dma_funcs, &tsm_dma_funcs_count },
    { "io", tsm_port_io_funcs, &tsm_port_io_funcs_count },
};

static int hal_module_init(JSContext *ctx, JSModuleDef *m)
{
    for (unsigned i = 0; i < countof(namespaces); i++) {
        JSValue ns = JS_NewObject(ctx);
        if (JS_IsException(ns))
            return -1;
        if (namespaces[i].count) /* a weak table that is not linked: an empty namespace */
            JS_SetPropertyFunctionList(ctx, ns, namespaces[i].funcs, *namespaces[i].count);
        if (namespaces[i].funcs == cpu_funcs && &tsm_cpu_extra_funcs_count)
            JS_SetPropertyFunctionList(ctx, ns, tsm_cpu_extra_funcs, tsm_cpu_extra_funcs_count);
        if (JS_SetModuleExport(ctx, m, namespaces[i].name, ns) < 0)
            return -1;
    }
    return 0;
}

JSModuleDef *tsm_hal_module_init(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, hal_module_init);
    if (!m)
        return NULL;
    for (unsigned i = 0; i < countof(namespaces); i++)
        JS_AddModuleExport(ctx, m, namespaces[i].name);
    return m;
}
