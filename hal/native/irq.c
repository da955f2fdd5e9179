/*
 * Interrupt top half and bottom-half queue (docs/interrupts.md).
 *
 * Two kinds of controller (hal.d.ts IrqController):
 * - "banked" (BCM2835): per bank of 32 lines, a pending register showing lines that are pending
 *   and enabled, and write-1 enable/disable registers. The top half reads every bank's pending
 *   bits, disables those lines (so a level-triggered source cannot interrupt again before its
 *   handler has cleared it) and records them; the loop runs each line's JS handler and re-enables
 *   the line.
 * - "claim" (RISC-V PLIC, ARM GICv2): reading the claim register takes the highest pending line;
 *   a claimed line cannot interrupt again until it is completed (RISC-V PLIC spec, "Interrupt
 *   Completion"; GICv2 with split priority drop and deactivation, GICC_CTLR.EOImode), which the
 *   loop does after the handler, so no enable bit changes on the interrupt path. The top half
 *   claims until the register reads `none` (PLIC 0, GIC 1023); a controller with a priority drop
 *   register (GIC EOIR) gets each line written there at once, so further lines can be signalled
 *   while the first waits for its handler. Enables are a read-write bitmap (PLIC) or write-1
 *   set/clear registers (GIC ISENABLER/ICENABLER).
 * - "vectored" (x86 I/O APIC and local APIC): each line has its own CPU vector, so the arch's
 *   interrupt entry knows the line and calls tsm_irq_top_half_vector(vector). The top half masks
 *   the line with a read-modify-write of an indirectly addressed register (I/O APIC: the
 *   redirection entry's low word through IOREGSEL/IOWIN, 82093AA datasheet 3.2.4), queues it and
 *   writes the end-of-interrupt register (local APIC EOI, Intel SDM vol. 3, 11.8.5) at once, so
 *   other lines can interrupt meanwhile; the loop unmasks the line after the handler.
 * Only lines with a handler are ever enabled, so a taken line always has somebody to run.
 */
#include <stdint.h>
#include <string.h>
#include "quickjs.h"
#include "cutils.h"
#include "arch.h"
#include "irq.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "mmio-access.h"
#include "args.h"

/* Register accesses go through mmio-access.h: volatile dereferences on a board, the simulated
   register space on the Linux targets. */
#define REG_READ(p) tsm_mmio_read32((uintptr_t)(p))
#define REG_WRITE(p, v) tsm_mmio_write32((uintptr_t)(p), (v))

#define MAX_BANKS 8
#define MAX_LINES 256

typedef struct {
    uint32_t first_line;
    volatile uint32_t *pending; /* banked only */
    volatile uint32_t *enable;
    volatile uint32_t *disable; /* banked only */
    uint32_t mask;
} bank;

static bank banks[MAX_BANKS];
static int n_banks;
/* A "claim" controller's registers; claim_reg is NULL for a banked one. */
static volatile uint32_t *claim_reg, *complete_reg, *drop_reg;
static uint32_t claim_none, claim_id_mask;
/* A "vectored" controller: vector of line 0, EOI register, and each line's mask bit at index
   `vec_index + vec_stride * line` behind the select/window register pair; vec_eoi NULL if none. */
static volatile uint32_t *vec_eoi, *vec_select, *vec_window;
static uint32_t vec_first, vec_index, vec_stride, vec_mask_bit;
/* Lines taken by the top half and not yet handled, one word per bank. */
static volatile uint32_t queued[MAX_BANKS];
static volatile uint32_t counts[MAX_LINES];

enum { HAS_HANDLER = 1, KEEPS_ALIVE = 2 };
static uint8_t line_flags[MAX_LINES];
static JSValue handlers[MAX_LINES];
static int n_alive;

/* The bank holding `line`, or -1. Called by the top half too, hence its attribute. */
static TSM_TOP_HALF_ATTR int bank_of(uint32_t line)
{
    for (int b = 0; b < n_banks; b++) {
        uint32_t i = line - banks[b].first_line;
        if (line >= banks[b].first_line && i < 32 && (banks[b].mask >> i) & 1)
            return b;
    }
    return -1;
}

/* The line of bit `bit` in bank `b`. */
static TSM_TOP_HALF_ATTR uint32_t line_of(int b, uint32_t bit)
{
    return banks[b].first_line + (uint32_t)__builtin_ctz(bit);
}

/* Records `line` (in bank `b`) as taken, for the loop to run its handler. */
static TSM_TOP_HALF_ATTR void queue_line(int b, uint32_t line)
{
    queued[b] |= 1u << (line - banks[b].first_line);
    counts[line]++;
}

static TSM_TOP_HALF_ATTR void claim_all(void)
{
    for (;;) {
        uint32_t line = REG_READ(claim_reg) & claim_id_mask;
        if (line == claim_none)
            break;
        if (drop_reg)
            REG_WRITE(drop_reg, line);
        int b = bank_of(line);
        if (b < 0) {
            /* Not a line the driver described: complete it, it has no handler to wait for. */
            REG_WRITE(complete_reg, line);
            continue;
        }
        queue_line(b, line);
    }
}

/* Sets or clears `line`'s mask bit (call with interrupts masked: the top half uses the select
   register too). */
static TSM_TOP_HALF_ATTR void vectored_mask(uint32_t line, int masked)
{
    REG_WRITE(vec_select, vec_index + vec_stride * line);
    uint32_t v = REG_READ(vec_window);
    REG_WRITE(vec_window, masked ? v | vec_mask_bit : v & ~vec_mask_bit);
}

TSM_TOP_HALF_ATTR int tsm_irq_top_half_vector(uint32_t vector)
{
    if (!vec_eoi || vector < vec_first || vector - vec_first >= MAX_LINES)
        return 0;
    uint32_t line = vector - vec_first;
    int b = bank_of(line);
    if (b < 0)
        return 0;
    vectored_mask(line, 1);
    queue_line(b, line);
    REG_WRITE(vec_eoi, 0);
    return 1;
}

/* Runs in the IRQ exception with interrupts masked: no VFP, no allocation, no JS. */
TSM_TOP_HALF_ATTR void tsm_irq_top_half(void)
{
    if (claim_reg) {
        claim_all();
        return;
    }
    for (int b = 0; b < n_banks; b++) {
        uint32_t p = REG_READ(banks[b].pending) & banks[b].mask;
        if (!p)
            continue;
        REG_WRITE(banks[b].disable, p);
        queued[b] |= p;
        for (uint32_t bits = p; bits; bits &= bits - 1)
            counts[banks[b].first_line + __builtin_ctz(bits)]++;
    }
}

int tsm_irq_line_queued(uint32_t line)
{
    int b = bank_of(line);
    return b >= 0 && ((queued[b] >> (line - banks[b].first_line)) & 1);
}

int tsm_irq_queued(void)
{
    for (int b = 0; b < n_banks; b++) {
        if (queued[b])
            return 1;
    }
    return 0;
}

int tsm_irq_keeps_alive(void)
{
    return n_alive > 0;
}

/* Write-1 enable/disable registers where the bank has them; otherwise the enable bitmap is
   read-write: change it with interrupts masked, so the top half never sees half an update. */
static void set_enabled(int b, uint32_t bit, int on)
{
    if (vec_eoi) {
        uint32_t saved = tsm_arch_irq_save();
        vectored_mask(line_of(b, bit), !on);
        tsm_arch_irq_restore(saved);
        return;
    }
    if (banks[b].disable) {
        REG_WRITE(on ? banks[b].enable : banks[b].disable, bit);
        return;
    }
    uint32_t saved = tsm_arch_irq_save();
    REG_WRITE(banks[b].enable, on ? (REG_READ(banks[b].enable) | bit) : (REG_READ(banks[b].enable) & ~bit));
    tsm_arch_irq_restore(saved);
}

/* Lets a line interrupt again once its handler has run: a banked line is re-enabled, a vectored
   one unmasked, a claimed one completed. */
static void release_line(int b, uint32_t bit)
{
    if (vec_eoi)
        set_enabled(b, bit, 1);
    else if (claim_reg)
        REG_WRITE(complete_reg, line_of(b, bit));
    else
        REG_WRITE(banks[b].enable, bit);
}

/* Takes the lowest queued line of the first bank with one; -1 if none. */
static int take_line(int *bank_index, uint32_t *bit)
{
    for (int b = 0; b < n_banks; b++) {
        if (!queued[b])
            continue;
        uint32_t saved = tsm_arch_irq_save();
        uint32_t q = queued[b];
        *bit = q & -q;
        queued[b] = q & ~*bit;
        tsm_arch_irq_restore(saved);
        *bank_index = b;
        return (int)line_of(b, *bit);
    }
    return -1;
}

/* The claimed line whose handler is running, -1 if none (claim controllers: see irq_off). */
static int in_service = -1;

int tsm_irq_dispatch_one(JSContext *ctx)
{
    int b;
    uint32_t bit;
    int line = take_line(&b, &bit);
    if (line < 0)
        return 0;
    if (!(line_flags[line] & HAS_HANDLER)) {
        /* Taken before hal.irq.off() removed its handler (off() completes a claimed line). */
        return 1;
    }
    JSValue fn = JS_DupValue(ctx, handlers[line]);
    JSValue arg = JS_NewInt32(ctx, line);
    in_service = line;
    JSValue r = JS_Call(ctx, fn, JS_UNDEFINED, 1, &arg);
    JS_FreeValue(ctx, fn);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(ctx, r);
    /* The handler may have called off() (or off() then on() again): a banked line is unmasked
       only if handled; a claimed line is completed unless off() already did. */
    if (claim_reg ? in_service == line : (line_flags[line] & HAS_HANDLER) != 0)
        release_line(b, bit);
    in_service = -1;
    return 1;
}

void tsm_irq_quiesce(void)
{
    tsm_arch_irq_disable();
    for (uint32_t line = 0; line < MAX_LINES; line++) {
        int b = (line_flags[line] & HAS_HANDLER) ? bank_of(line) : -1;
        if (b < 0)
            continue;
        uint32_t bit = 1u << (line - banks[b].first_line);
        /* A claimed line must be completed, or the controller never signals it again. */
        if (claim_reg && ((queued[b] & bit) || in_service == (int)line))
            release_line(b, bit);
        queued[b] &= ~bit;
        set_enabled(b, bit, 0);
    }
}

/* Reads the line argument and finds its bank; -1 (with an exception thrown) if no bank holds it. */
static int line_arg(JSContext *ctx, JSValueConst arg, const char *fn, int32_t *line_out, uint32_t *bit)
{
    /* Strict (args.h): ToInt32 would make undefined line 0 and 2^32 + 1 line 1. */
    double d;
    if (tsm_arg_integer(ctx, arg, fn, "line", &d) < 0)
        return -1;
    int32_t line = d < 0 ? -1 : d > MAX_LINES ? MAX_LINES : (int32_t)d;
    *line_out = line;
    if (n_banks == 0 && tsm_engine_start_loop(ctx) < 0)
        return -1;
    int b = line >= 0 ? bank_of((uint32_t)line) : -1;
    if (b >= 0) {
        *bit = 1u << ((uint32_t)line - banks[b].first_line);
        return b;
    }
    if (n_banks == 0)
        JS_ThrowTypeError(ctx, "no interrupt controller attached (the board calls hal.irq.attach)");
    else
        JS_ThrowRangeError(ctx, "%s: interrupt line %lld does not exist on this controller", fn, tsm_arg_clamp(d));
    return -1;
}

static int get_u32_prop(JSContext *ctx, JSValueConst obj, const char *name, uint32_t *out)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    if (JS_IsException(v))
        return -1;
    if (!JS_IsNumber(v)) {
        JS_FreeValue(ctx, v);
        JS_ThrowTypeError(ctx, "irq.attach: %s must be a number", name);
        return -1;
    }
    double d;
    JS_ToFloat64(ctx, &d, v);
    JS_FreeValue(ctx, v);
    if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) {
        JS_ThrowRangeError(ctx, "irq.attach: %s must be a 32-bit unsigned integer", name);
        return -1;
    }
    *out = (uint32_t)d;
    return 0;
}

/* An optional number property: `fallback` when absent. */
static int get_optional_u32(JSContext *ctx, JSValueConst obj, const char *name, uint32_t *out, uint32_t fallback)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    int absent = JS_IsUndefined(v);
    JS_FreeValue(ctx, v);
    if (absent) {
        *out = fallback;
        return 0;
    }
    return get_u32_prop(ctx, obj, name, out);
}

static JSValue irq_attach(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (n_banks)
        return JS_ThrowTypeError(ctx, "irq.attach: an interrupt controller is already attached");
    JSValue kind = JS_GetPropertyStr(ctx, argv[0], "kind");
    const char *k = JS_ToCString(ctx, kind);
    JS_FreeValue(ctx, kind);
    if (!k)
        return JS_EXCEPTION;
    int banked = strcmp(k, "banked") == 0, claim = strcmp(k, "claim") == 0, vectored = strcmp(k, "vectored") == 0;
    JS_FreeCString(ctx, k);
    if (!banked && !claim && !vectored)
        return JS_ThrowTypeError(ctx, "irq.attach: unknown controller kind (expected \"banked\", \"claim\" or \"vectored\")");
    uint32_t v_first = 0, v_eoi = 0, v_select = 0, v_window = 0, v_index = 0, v_stride = 0, v_mask = 0;
    if (vectored) {
        if (get_u32_prop(ctx, argv[0], "firstVector", &v_first) < 0 || get_u32_prop(ctx, argv[0], "eoi", &v_eoi) < 0 ||
            get_u32_prop(ctx, argv[0], "select", &v_select) < 0 || get_u32_prop(ctx, argv[0], "window", &v_window) < 0 ||
            get_u32_prop(ctx, argv[0], "firstIndex", &v_index) < 0 || get_u32_prop(ctx, argv[0], "indexStride", &v_stride) < 0 ||
            get_u32_prop(ctx, argv[0], "maskBit", &v_mask) < 0)
            return JS_EXCEPTION;
        if (!v_eoi || !v_select || !v_window || ((v_eoi | v_select | v_window) & 3) || v_first < 32 || v_first > 255 || !v_mask)
            return JS_ThrowRangeError(ctx, "irq.attach: eoi, select and window must be 4-byte aligned addresses, firstVector 32..255, maskBit nonzero");
    }
    uint32_t claim_addr = 0, complete_addr = 0, drop_addr = 0, none = 0, id_mask = 0xffffffffu;
    if (claim) {
        if (get_u32_prop(ctx, argv[0], "claim", &claim_addr) < 0 ||
            get_optional_u32(ctx, argv[0], "complete", &complete_addr, claim_addr) < 0 ||
            get_optional_u32(ctx, argv[0], "priorityDrop", &drop_addr, 0) < 0 ||
            get_optional_u32(ctx, argv[0], "none", &none, 0) < 0 ||
            get_optional_u32(ctx, argv[0], "idMask", &id_mask, 0xffffffffu) < 0)
            return JS_EXCEPTION;
        if (claim_addr == 0 || complete_addr == 0 || ((claim_addr | complete_addr | drop_addr) & 3))
            return JS_ThrowRangeError(ctx, "irq.attach: claim, complete and priorityDrop must be 4-byte aligned addresses");
    }
    JSValue list = JS_GetPropertyStr(ctx, argv[0], "banks");
    uint32_t n = 0;
    JSValue len = JS_GetPropertyStr(ctx, list, "length");
    int bad = JS_ToUint32(ctx, &n, len) < 0;
    JS_FreeValue(ctx, len);
    if (bad || n == 0 || n > MAX_BANKS) {
        JS_FreeValue(ctx, list);
        return bad ? JS_EXCEPTION : JS_ThrowRangeError(ctx, "irq.attach: 1 to %d banks", MAX_BANKS);
    }
    bank parsed[MAX_BANKS];
    for (uint32_t i = 0; i < n; i++) {
        JSValue o = JS_GetPropertyUint32(ctx, list, i);
        uint32_t first, pending = 0, enable, disable = 0, mask;
        int err = get_u32_prop(ctx, o, "firstLine", &first) ||
                  (vectored ? get_optional_u32(ctx, o, "enable", &enable, 0) : get_u32_prop(ctx, o, "enable", &enable)) ||
                  get_u32_prop(ctx, o, "mask", &mask) ||
                  (banked ? get_u32_prop(ctx, o, "pending", &pending) || get_u32_prop(ctx, o, "disable", &disable)
                          : get_optional_u32(ctx, o, "disable", &disable, 0));
        JS_FreeValue(ctx, o);
        if (err) {
            JS_FreeValue(ctx, list);
            return JS_EXCEPTION;
        }
        if (first + 32 > MAX_LINES || ((pending | enable | disable) & 3) || (claim && first == 0 && (mask & 1) && none == 0)) {
            JS_FreeValue(ctx, list);
            return JS_ThrowRangeError(ctx, "irq.attach: bank %u: lines must be below %d (line 0 is none on a claim controller whose none is 0) and registers 4-byte aligned",
                                      (unsigned)i, MAX_LINES);
        }
        parsed[i] = (bank){ first, (volatile uint32_t *)(uintptr_t)pending, (volatile uint32_t *)(uintptr_t)enable,
                            (volatile uint32_t *)(uintptr_t)disable, mask };
    }
    JS_FreeValue(ctx, list);
    for (uint32_t i = 0; i < n; i++)
        banks[i] = parsed[i];
    n_banks = (int)n;
    claim_reg = (volatile uint32_t *)(uintptr_t)claim_addr;
    complete_reg = (volatile uint32_t *)(uintptr_t)complete_addr;
    drop_reg = (volatile uint32_t *)(uintptr_t)drop_addr;
    claim_none = none;
    claim_id_mask = id_mask;
    if (vectored) {
        vec_first = v_first;
        vec_select = (volatile uint32_t *)(uintptr_t)v_select;
        vec_window = (volatile uint32_t *)(uintptr_t)v_window;
        vec_index = v_index;
        vec_stride = v_stride;
        vec_mask_bit = v_mask;
        vec_eoi = (volatile uint32_t *)(uintptr_t)v_eoi;
    }
    /* From here on an interrupt has a top half to take it. */
    tsm_arch_irq_enable();
    return JS_UNDEFINED;
}

static JSValue irq_on(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t line;
    uint32_t bit;
    int b = line_arg(ctx, argv[0], "irq.on", &line, &bit);
    if (b < 0)
        return JS_EXCEPTION;
    if (!JS_IsFunction(ctx, argv[1]))
        return JS_ThrowTypeError(ctx, "irq.on: the handler must be a function");
    if (line_flags[line] & HAS_HANDLER)
        return JS_ThrowTypeError(ctx, "irq.on: line %d already has a handler (irq.off first)", (int)line);
    int keep_alive = 1;
    if (argc > 2 && JS_IsObject(argv[2])) {
        JSValue v = JS_GetPropertyStr(ctx, argv[2], "keepAlive");
        if (!JS_IsUndefined(v))
            keep_alive = JS_ToBool(ctx, v);
        JS_FreeValue(ctx, v);
    }
    handlers[line] = JS_DupValue(ctx, argv[1]);
    line_flags[line] = HAS_HANDLER | (keep_alive ? KEEPS_ALIVE : 0);
    n_alive += keep_alive;
    set_enabled(b, bit, 1);
    return JS_UNDEFINED;
}

static JSValue irq_off(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t line;
    uint32_t bit;
    int b = line_arg(ctx, argv[0], "irq.off", &line, &bit);
    if (b < 0)
        return JS_EXCEPTION;
    if (!(line_flags[line] & HAS_HANDLER))
        return JS_UNDEFINED;
    if (claim_reg) {
        /* A claimed line must be completed while still enabled, or the PLIC ignores the
           completion and the line never interrupts again (RISC-V PLIC spec, "Interrupt
           Completion"). */
        uint32_t saved = tsm_arch_irq_save();
        if ((queued[b] & bit) || in_service == line) {
            queued[b] &= ~bit;
            release_line(b, bit);
            in_service = -1;
        }
        tsm_arch_irq_restore(saved);
    }
    set_enabled(b, bit, 0);
    n_alive -= (line_flags[line] & KEEPS_ALIVE) != 0;
    line_flags[line] = 0;
    JSValue fn = handlers[line];
    handlers[line] = JS_UNDEFINED;
    JS_FreeValue(ctx, fn);
    return JS_UNDEFINED;
}

static JSValue irq_counts(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue list = JS_NewArray(ctx);
    if (JS_IsException(list))
        return list;
    uint32_t n = 0;
    for (int line = 0; line < MAX_LINES; line++) {
        uint32_t count = counts[line];
        if (!count && !(line_flags[line] & HAS_HANDLER))
            continue;
        JSValue o = JS_NewObject(ctx);
        JS_SetPropertyStr(ctx, o, "line", JS_NewInt32(ctx, line));
        JS_SetPropertyStr(ctx, o, "count", JS_NewUint32(ctx, count));
        JS_SetPropertyUint32(ctx, list, n++, o);
    }
    return list;
}

const JSCFunctionListEntry tsm_irq_funcs[] = {
    JS_CFUNC_DEF("attach", 1, irq_attach),
    JS_CFUNC_DEF("on", 3, irq_on),
    JS_CFUNC_DEF("off", 1, irq_off),
    JS_CFUNC_DEF("counts", 0, irq_counts),
};
const int tsm_irq_funcs_count = countof(tsm_irq_funcs);
