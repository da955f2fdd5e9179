/*
 * Engine entry: runtime and context, the bytecode image, the job loop, the exit code.
 * Boot order (docs/build-pipeline.md): the engine snapshot restored, or else heap from linker
 * symbols → JSRuntime with a stack limit → context with the ES2020 intrinsics (no eval unless
 * TSM_ENABLE_EVAL) and the timing globals; then the memory limit → image check → unit "main" read
 * and run (board module, then the app; it imports the native module `hal`) → the event loop
 * (engine/src/loop.c) → exit.
 */
#include <string.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "blob.h"
#include "alloc.h"
#include "heap.h"
#include "report.h"
#include "rejections.h"
#include "budget.h"
#include "snapshot.h"
#include "loop.h"
#include "timers.h"
#include "crypto.h"
#include "web-globals.h"
#include "restart.h"

/* Room the C code below the interpreter needs beyond QuickJS's own stack checks. */
#define STACK_RESERVE (16 * 1024)
/* Link-time settings (tsmetal-hooks.h tsm_link_setting), in .rodata: the snapshot restores .data.
   Only the guard-page tests set the stack limit beyond the stack. */
static uint8_t *const js_stack_limit_ref = tsm_js_stack_limit;
static uint8_t *const memory_limit_ref = tsm_memory_limit;

static JSContext *new_context(JSRuntime *rt)
{
    JSContext *ctx = JS_NewContextRaw(rt);
    if (!ctx)
        return NULL;
    JS_AddIntrinsicBaseObjects(ctx);
    JS_AddIntrinsicDate(ctx);
#ifdef TSM_ENABLE_EVAL
    /* Pulls the parser and compiler into the image; off by default (attack surface). */
    JS_AddIntrinsicEval(ctx);
#endif
    JS_AddIntrinsicStringNormalize(ctx);
    JS_AddIntrinsicRegExp(ctx);
    JS_AddIntrinsicJSON(ctx);
    JS_AddIntrinsicProxy(ctx);
    JS_AddIntrinsicMapSet(ctx);
    JS_AddIntrinsicTypedArrays(ctx);
    JS_AddIntrinsicPromise(ctx);
    JS_AddIntrinsicBigInt(ctx);
    if (tsm_timers_install(ctx) < 0 || tsm_crypto_install(ctx) < 0 || tsm_web_globals_install(ctx) < 0) {
        JS_FreeContext(ctx);
        return NULL;
    }
    return ctx;
}

static JSModuleDef *load_module(JSContext *ctx, const char *name, void *opaque)
{
    (void)opaque;
    if (strcmp(name, "hal") == 0)
        return tsm_hal_module_init(ctx, name);
    JS_ThrowReferenceError(ctx, "module '%s' is not part of the firmware image", name);
    return NULL;
}

/* The engine's state after initialisation: restored from the snapshot when the image has one. */
static JSRuntime *rt;
static JSContext *ctx;

/* The checked image; a unit's name, place and check are read from its table entry when needed
   (tsm_blob_unit), so that .bss, which the snapshot carries, holds only this per unit. */
static uint8_t *image_start;
/* Unit 0, the firmware: its namespace is the board module's exports (tools/lib/bundle.ts). */
static JSModuleDef *main_module;
static JSValue unit_namespaces[TSM_MAX_UNITS];
static int n_units;
/* Units whose reading or evaluation threw (bit i): unit_namespaces[i] holds what they threw. */
static uint32_t failed_units;

static int check_image(uint8_t *image, size_t size)
{
    /* Header, unit table and unit "main" (engine/src/blob.h); lazy units in eval_unit. */
    tsm_blob_status status = tsm_blob_check(image, size, &n_units);
    if (status == TSM_BLOB_OK) {
        image_start = image;
        return 1;
    }
    tsm_console_puts("tsmetal: refusing bytecode image: ");
    tsm_console_puts(tsm_blob_status_text(status));
    tsm_console_puts("\n");
    if (status == TSM_BLOB_FINGERPRINT_MISMATCH)
        tsm_console_puts("tsmetal: rebuild the firmware with this engine (npm run build)\n");
    return 0;
}

/* Reads and evaluates unit i; on success caches and returns its module namespace. */
static JSValue read_unit(JSContext *ctx, int i)
{
    if (!JS_IsUndefined(unit_namespaces[i]))
        return JS_DupValue(ctx, unit_namespaces[i]);
    tsm_unit unit;
    tsm_blob_unit(image_start, i, &unit);
    /* Unit 0 was checked with the header at boot; the others are checked when first loaded. */
    if (i > 0 && !tsm_unit_verify(&unit)) {
        tsm_console_puts("tsmetal: refusing image unit '");
        tsm_console_puts(unit.name);
        tsm_console_puts("': checksum mismatch (corrupt image)\n");
        tsm_exit(TSM_EXIT_BAD_IMAGE);
    }
    /* In place: function bytecode stays in the image (its atoms are relocated there) instead of
       being copied to the heap. Each unit is read once; the image lies in writable RAM. An engine
       that can restart (TSM_REPL: engine/src/restart.c) reads the image again after a restart, so
       it must stay as linked: there units are copied to the heap. */
#ifdef TSM_REPL
    const int read_flags = JS_READ_OBJ_BYTECODE;
#else
    const int read_flags = JS_READ_OBJ_BYTECODE | JS_READ_OBJ_IN_PLACE;
#endif
    JSValue module = JS_ReadObject(ctx, unit.bytecode, unit.length, read_flags);
    if (JS_IsException(module))
        return module;
    if (JS_VALUE_GET_TAG(module) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, module);
        return JS_ThrowTypeError(ctx, "image unit '%s' is not a module", unit.name);
    }
    JSModuleDef *m = JS_VALUE_GET_PTR(module);
    if (i == 0)
        main_module = m;
    if (JS_ResolveModule(ctx, module) < 0) {
        JS_FreeValue(ctx, module);
        return JS_EXCEPTION;
    }
    JSValue result = JS_EvalFunction(ctx, module);
    if (JS_IsException(result))
        return result;
    JS_FreeValue(ctx, result);
    JSValue ns = JS_GetModuleNamespace(ctx, m);
    if (!JS_IsException(ns))
        unit_namespaces[i] = JS_DupValue(ctx, ns);
    return ns;
}

/* read_unit, once: a unit is read in place (its atoms relocated in the image), so one that threw
   cannot be read again. A later load throws the same error again, as importing a module whose
   evaluation threw does (ECMA-262, Cyclic Module Records, Evaluate(): [[EvaluationError]]). */
static JSValue eval_unit(JSContext *ctx, int i)
{
    if (failed_units & (1u << i))
        return JS_Throw(ctx, JS_DupValue(ctx, unit_namespaces[i]));
    JSValue ns = read_unit(ctx, i);
    if (JS_IsException(ns)) {
        JSValue error = JS_GetException(ctx);
        unit_namespaces[i] = JS_DupValue(ctx, error);
        failed_units |= 1u << i;
        return JS_Throw(ctx, error);
    }
    return ns;
}

JSValue tsm_engine_load_unit(JSContext *ctx, const char *name)
{
    /* Unit 0 is the firmware itself, running already (maybe still evaluating): its namespace is
       there from the moment it was linked. */
    if (strcmp(name, "main") == 0 && main_module)
        return JS_GetModuleNamespace(ctx, main_module);
    for (int i = 1; i < n_units; i++) {
        tsm_unit unit;
        tsm_blob_unit(image_start, i, &unit);
        if (strcmp(unit.name, name) == 0)
            return eval_unit(ctx, i);
    }
    return JS_ThrowReferenceError(ctx, "the firmware image has no unit '%s'", name);
}

/* 0: not yet, or it threw (every use of the loop then throws that again, from eval_unit);
   1: being evaluated; 2: evaluated, or the image has none. */
static int loop_unit_state;

int tsm_engine_start_loop(JSContext *ctx)
{
    /* Before the image is checked (engine init, snapshot) there are no units to look at. */
    if (loop_unit_state || n_units == 0)
        return 0;
    loop_unit_state = 1;
    JSValue ns = JS_UNDEFINED;
    for (int i = 1; i < n_units; i++) {
        tsm_unit unit;
        tsm_blob_unit(image_start, i, &unit);
        if (strcmp(unit.name, "loop") == 0)
            ns = eval_unit(ctx, i);
    }
    if (JS_IsException(ns)) {
        loop_unit_state = 0;
        return -1;
    }
    loop_unit_state = 2;
    JS_FreeValue(ctx, ns);
    return 0;
}

void tsm_engine_start_loop_or_exit(void)
{
    if (ctx && tsm_engine_start_loop(ctx) < 0)
        tsm_exit(tsm_report_pending_exception(ctx));
}

static int run_image(JSRuntime *rt, JSContext *ctx, uint8_t *image, size_t size)
{
    if (!check_image(image, size))
        return TSM_EXIT_BAD_IMAGE;
    for (int i = 0; i < n_units; i++)
        unit_namespaces[i] = JS_UNDEFINED;
    /* The link-time job budget (--max-job-ms) installs the interrupt handler; none by default. */
    int code = tsm_budget_boot(ctx);
    if (code >= 0)
        return code;
    tsm_budget_job_start();
    JSValue ns = eval_unit(ctx, 0);
    tsm_budget_job_end();
    if (JS_IsException(ns))
        return tsm_budget_report_pending(ctx);
    JS_FreeValue(ctx, ns);
    return tsm_loop_run(rt, ctx);
}

static void init_engine(void)
{
    tsm_alloc_init(__heap_start, (size_t)(__heap_end - __heap_start));
    rt = JS_NewRuntime2(&tsm_heap_functions, NULL);
    if (!rt) {
        tsm_console_puts("tsmetal: cannot create the JS runtime (heap too small?)\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
    JS_SetModuleLoaderFunc(rt, NULL, load_module, NULL);
    tsm_rejections_install(rt);
    ctx = new_context(rt);
    if (!ctx) {
        tsm_console_puts("tsmetal: cannot create the JS context (heap too small?)\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
}

/* Applied after a snapshot restore too, as the memory limit: the stack is a link-time fact of
   each image (board.json stackSize). QuickJS measures from the stack top it saw when the runtime
   was made, a few frames below __stack_top. */
static void apply_stack_limit(void)
{
    size_t stack_size = (size_t)(__stack_top - __stack_bottom);
    uintptr_t limit = tsm_link_setting(&js_stack_limit_ref);
    if (limit == 0)
        limit = stack_size > 2 * STACK_RESERVE ? stack_size - STACK_RESERVE : stack_size / 2;
    JS_SetMaxStackSize(rt, (size_t)limit);
}

/* Applied after a snapshot restore too: the limit is a link-time setting of each image. */
static void apply_memory_limit(void)
{
    size_t heap_size = (size_t)(__heap_end - __heap_start);
    /* 0 means none was set: leave headroom for the C library's own allocations. */
    size_t limit = (size_t)tsm_link_setting(&memory_limit_ref);
    if (limit == 0 || limit > heap_size - heap_size / 16)
        limit = heap_size - heap_size / 16;
    JS_SetMemoryLimit(rt, limit);
    tsm_heap_set_limit(limit);
}

void tsm_engine_boot(void)
{
#ifdef TSM_REPL
    /* hal.image.restart comes back here (engine/src/restart.c): the snapshot restore below then
       resets the engine and the HAL's state, and the kept bytes are taken over. */
    void *restart_jump[5];
    volatile size_t kept = 0;
    if (__builtin_setjmp(restart_jump))
        kept = tsm_restart_taken();
#endif
    if (!tsm_snapshot_restore()) {
        init_engine();
        if (tsm_snapshot_mode())
            tsm_snapshot_save();
    }
    apply_stack_limit();
    apply_memory_limit();
#ifdef TSM_REPL
    tsm_restart_arm(rt, restart_jump, kept);
#endif
    int code = run_image(rt, ctx, tsm_bytecode_start,
                         (size_t)(tsm_bytecode_end - tsm_bytecode_start));
    tsm_exit(code);
}
