/*
 * The loop clock (docs/event-loop.md). The counter is read here in C because the loop reads it
 * on every turn; arming the deadline is the board's JS function, called only before sleeping.
 * Without a real-time clock, wall time starts at TSM_DEFAULT_EPOCH_US when the clock is
 * attached; hal.clock.setTime() moves it.
 */
#include <stdint.h>
#include <string.h>
#include "quickjs.h"
#include "cutils.h"
#include "arch.h"
#include "clock.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"

/* 2000-01-01T00:00:00Z, the documented epoch of a board without a real-time clock. */
#define TSM_DEFAULT_EPOCH_US 946684800000000LL

static struct {
    int attached;
    uint32_t hz;
    /* "mmio32x2": two 32-bit halves; "mmio64" (wide): one 64-bit register, read in one access
       where the CPU can, else as two halves (low word first in memory). */
    int wide;
    /* "cpu-timer": the CPU's own counter and deadline, through arch.h (no JS arm). */
    int cpu_timer;
    volatile uint32_t *low, *high;
    JSValue arm;
    uint64_t origin;    /* counter value at attach: performance.now() == 0 */
    int64_t origin_wall_us;
} clk;

int tsm_clock_attached(void)
{
    return clk.attached;
}

static uint64_t read_counter(void)
{
#ifdef TSM_ARCH_CPU_TIMER
    if (clk.cpu_timer)
        return tsm_arch_cpu_timer_count();
#endif
    if (sizeof(uintptr_t) == 8 && clk.wide)
        return *(volatile uint64_t *)clk.low;
    /* High, low, high again: a carry between the two reads shows as a changed high word. */
    uint32_t hi = *clk.high;
    for (;;) {
        uint32_t lo = *clk.low;
        uint32_t hi2 = *clk.high;
        if (hi2 == hi)
            return ((uint64_t)hi << 32) | lo;
        hi = hi2;
    }
}

uint64_t tsm_clock_now(void)
{
    return clk.attached ? read_counter() : 0;
}

uint64_t tsm_clock_ticks_from_ms(uint32_t ms)
{
    return ((uint64_t)ms * clk.hz + 999) / 1000;
}

int tsm_clock_arm(JSContext *ctx, uint64_t deadline)
{
#ifdef TSM_ARCH_CPU_TIMER
    if (clk.cpu_timer) {
        tsm_arch_cpu_timer_arm(deadline);
        return 0;
    }
#endif
    JSValue arg = JS_NewFloat64(ctx, (double)deadline);
    JSValue r = JS_Call(ctx, clk.arm, JS_UNDEFINED, 1, &arg);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(ctx, r);
    tsm_arch_deadline_armed();
    return 0;
}

static uint64_t elapsed_us(void)
{
    if (!clk.attached)
        return 0;
    uint64_t t = read_counter() - clk.origin;
    return t / clk.hz * 1000000 + t % clk.hz * 1000000 / clk.hz;
}

double tsm_clock_elapsed_ms(void)
{
    if (!clk.attached)
        return 0;
    return (double)(read_counter() - clk.origin) * 1000.0 / clk.hz;
}

double tsm_clock_origin_wall_ms(void)
{
    return (double)(clk.attached ? clk.origin_wall_us : TSM_DEFAULT_EPOCH_US) / 1000.0;
}

int64_t tsm_clock_wall_us(void)
{
    if (!clk.attached)
        return TSM_DEFAULT_EPOCH_US;
    return clk.origin_wall_us + (int64_t)elapsed_us();
}

static int get_address(JSContext *ctx, JSValueConst obj, const char *name, unsigned align, uintptr_t *out)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    double d;
    int r = JS_ToFloat64(ctx, &d, v);
    JS_FreeValue(ctx, v);
    if (r < 0)
        return -1;
    if (!(d >= 0 && d <= (double)UINTPTR_MAX) || d != (double)(uintptr_t)d || ((uintptr_t)d & (align - 1))) {
        JS_ThrowRangeError(ctx, "clock.attach: counter.%s must be a %u-byte aligned address", name, align);
        return -1;
    }
    *out = (uintptr_t)d;
    return 0;
}

static JSValue clock_attach(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (clk.attached)
        return JS_ThrowTypeError(ctx, "clock.attach: a clock is already attached");
    JSValueConst src = argv[0];
    JSValue hz_v = JS_GetPropertyStr(ctx, src, "hz");
    double hz;
    int r = JS_ToFloat64(ctx, &hz, hz_v);
#ifdef TSM_ARCH_CPU_TIMER
    /* A "cpu-timer" clock without hz runs at the frequency the CPU reports, or at fallbackHz
       when that is 0 (ARM: CNTFRQ that no boot firmware set). */
    if (JS_IsUndefined(hz_v)) {
        hz = tsm_arch_cpu_timer_hz();
        JSValue fb = JS_GetPropertyStr(ctx, src, "fallbackHz");
        if (hz == 0 && !JS_IsUndefined(fb) && JS_ToFloat64(ctx, &hz, fb) < 0)
            r = -1;
        JS_FreeValue(ctx, fb);
#ifdef TSM_ARCH_CPU_TIMER_NO_HZ
        /* No frequency and no fallback: the arch names the sources it tried (amd64). QuickJS
           formats an error's message into 256 bytes, the prefix included. */
        if (hz == 0 && r >= 0) {
            char why[240];
            return JS_ThrowRangeError(ctx, "clock.attach: %s", tsm_arch_cpu_timer_no_hz(why, sizeof why));
        }
#endif
    }
#endif
    JS_FreeValue(ctx, hz_v);
    if (r < 0)
        return JS_EXCEPTION;
    if (!(hz >= 1000 && hz <= 4e9) || hz != (double)(uint32_t)hz)
        return JS_ThrowRangeError(ctx, "clock.attach: hz must be an integer from 1 kHz to 4 GHz");
    JSValue counter = JS_GetPropertyStr(ctx, src, "counter");
    JSValue kind = JS_GetPropertyStr(ctx, counter, "kind");
    const char *k = JS_ToCString(ctx, kind);
    JS_FreeValue(ctx, kind);
    int split = k && strcmp(k, "mmio32x2") == 0, wide = k && strcmp(k, "mmio64") == 0;
    int cpu_timer = k && strcmp(k, "cpu-timer") == 0;
    if (k)
        JS_FreeCString(ctx, k);
#ifndef TSM_ARCH_CPU_TIMER
    if (cpu_timer) {
        JS_FreeValue(ctx, counter);
        return JS_ThrowTypeError(ctx, "clock.attach: this CPU has no \"cpu-timer\" counter");
    }
#endif
    uintptr_t low = 0, high = 0;
    int bad = split ? get_address(ctx, counter, "low", 4, &low) < 0 || get_address(ctx, counter, "high", 4, &high) < 0
            : wide  ? get_address(ctx, counter, "address", 8, &low) < 0
                    : !cpu_timer;
    if (bad) {
        JS_FreeValue(ctx, counter);
        if (!split && !wide && !cpu_timer)
            JS_ThrowTypeError(ctx, "clock.attach: unknown counter kind (expected \"mmio32x2\", \"mmio64\" or \"cpu-timer\")");
        return JS_EXCEPTION;
    }
    if (wide)
        high = low + 4;
    JS_FreeValue(ctx, counter);
#ifdef TSM_ARCH_CPU_TIMER
    if (cpu_timer) {
        tsm_arch_cpu_timer_start();
        clk.hz = (uint32_t)hz;
        clk.cpu_timer = 1;
        clk.arm = JS_UNDEFINED;
        clk.origin = read_counter();
        clk.origin_wall_us = TSM_DEFAULT_EPOCH_US;
        clk.attached = 1;
        return JS_UNDEFINED;
    }
#endif
    JSValue arm = JS_GetPropertyStr(ctx, src, "arm");
    if (!JS_IsFunction(ctx, arm)) {
        JS_FreeValue(ctx, arm);
        return JS_ThrowTypeError(ctx, "clock.attach: arm must be a function");
    }
    /* arm is called as a plain function: bind it to its object so drivers may use methods. */
    JSValue bind = JS_GetPropertyStr(ctx, arm, "bind");
    JSValue bound = JS_Call(ctx, bind, arm, 1, &src);
    JS_FreeValue(ctx, bind);
    JS_FreeValue(ctx, arm);
    if (JS_IsException(bound))
        return bound;
    clk.hz = (uint32_t)hz;
    clk.wide = wide;
    clk.low = (volatile uint32_t *)low;
    clk.high = (volatile uint32_t *)high;
    clk.arm = bound;
    clk.origin = read_counter();
    clk.origin_wall_us = TSM_DEFAULT_EPOCH_US;
    clk.attached = 1;
    return JS_UNDEFINED;
}

static JSValue clock_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!clk.attached && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    return JS_NewFloat64(ctx, (double)tsm_clock_now());
}

static JSValue clock_hz(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!clk.attached && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    return JS_NewUint32(ctx, clk.attached ? clk.hz : 0);
}

static JSValue clock_set_time(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!clk.attached && tsm_engine_start_loop(ctx) < 0)
        return JS_EXCEPTION;
    double ms;
    if (JS_ToFloat64(ctx, &ms, argv[0]) < 0)
        return JS_EXCEPTION;
    if (!clk.attached)
        return JS_ThrowTypeError(ctx, "clock.setTime: no clock attached (the board calls hal.clock.attach)");
    /* Date's own range, ECMA-262 21.4.1.1: +-8.64e15 ms. The number as JS prints it (the
       simulator's message too): the firmware's printf formats no floating point. */
    if (!(ms >= -8.64e15 && ms <= 8.64e15)) {
        const char *s = JS_ToCString(ctx, JS_NewFloat64(ctx, ms));
        if (!s)
            return JS_EXCEPTION;
        JS_ThrowRangeError(ctx, "clock.setTime: %s is not a valid time value", s);
        JS_FreeCString(ctx, s);
        return JS_EXCEPTION;
    }
    clk.origin_wall_us = (int64_t)(ms * 1000.0) - (int64_t)elapsed_us();
    return JS_UNDEFINED;
}

const JSCFunctionListEntry tsm_clock_funcs[] = {
    JS_CFUNC_DEF("attach", 1, clock_attach),
    JS_CFUNC_DEF("now", 0, clock_now),
    JS_CFUNC_DEF("hz", 0, clock_hz),
    JS_CFUNC_DEF("setTime", 1, clock_set_time),
};
const int tsm_clock_funcs_count = countof(tsm_clock_funcs);
