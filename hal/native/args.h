/*
 * The native HAL's integer arguments (addresses, ports, sizes, register values, interrupt lines).
 * ToUint32/ToInt64 would turn undefined and NaN into 0 and wrap 2^32 + n or 2^64 + n to n, so a
 * bad argument would reach address 0 or some other register; here it throws instead, naming the
 * function and the argument. Every one of them is a Number in hal.d.ts: a BigInt, a string or an
 * object is a TypeError (no coercion), NaN, an infinity or a fraction a RangeError. Callers then
 * check the range on the returned double, which holds every integer up to 2^53 exactly and
 * compares correctly beyond.
 */
#ifndef TSM_HAL_ARGS_H
#define TSM_HAL_ARGS_H

#include <stdint.h>
#include "quickjs.h"

static inline const char *tsm_arg_type_name(JSValueConst v)
{
    switch (JS_VALUE_GET_TAG(v)) {
    case JS_TAG_UNDEFINED: return "undefined";
    case JS_TAG_NULL: return "null";
    case JS_TAG_BOOL: return "a boolean";
    case JS_TAG_STRING: return "a string";
    case JS_TAG_SYMBOL: return "a symbol";
    case JS_TAG_BIG_INT: return "a BigInt";
    case JS_TAG_OBJECT: return "an object";
    default: return "not a number";
    }
}

/* A double known to be an integer, for messages (the C library's printf may lack %g). */
static inline long long tsm_arg_clamp(double d)
{
    return d >= 9.2e18 ? 9200000000000000000LL : d <= -9.2e18 ? -9200000000000000000LL : (long long)d;
}

/* 0 and the value in *out when `v` is a Number holding an integer; else -1 with the exception thrown.
   Cheap on the common path (every register access passes here): an int-tagged value needs no
   conversion, and a double in 32-bit range is checked with the FPU's 32-bit conversions (64-bit
   ones are library calls on 32-bit CPUs). */
static inline int tsm_arg_integer(JSContext *ctx, JSValueConst v, const char *fn, const char *what, double *out)
{
    int tag = JS_VALUE_GET_TAG(v);
    if (tag == JS_TAG_INT) {
        *out = JS_VALUE_GET_INT(v);
        return 0;
    }
    if (!JS_TAG_IS_FLOAT64(tag)) {
        JS_ThrowTypeError(ctx, "%s: %s must be a number, not %s", fn, what, tsm_arg_type_name(v));
        return -1;
    }
    double d = JS_VALUE_GET_FLOAT64(v);
    if (d != d) {
        JS_ThrowRangeError(ctx, "%s: %s is NaN, not an integer", fn, what);
        return -1;
    }
    if (d - d != 0) {
        JS_ThrowRangeError(ctx, "%s: %s is %sInfinity, not an integer", fn, what, d < 0 ? "-" : "");
        return -1;
    }
    int fraction;
    if (d >= 0 && d < 4294967296.0)
        fraction = d != (double)(uint32_t)d;
    else if (d < 0 && d > -2147483649.0)
        fraction = d != (double)(int32_t)d;
    else /* every double of magnitude 2^53 or more is an integer */
        fraction = d > -9007199254740992.0 && d < 9007199254740992.0 && d != (double)(long long)d;
    if (fraction) {
        JS_ThrowRangeError(ctx, "%s: %s is not an integer (%lld and a fraction)", fn, what, (long long)d);
        return -1;
    }
    *out = d;
    return 0;
}

/* A value for an access `bits` wide: 0 .. 2^bits - 1, and for 32 bits also the negative int32s
   that JS's bitwise operators give for the same bit pattern (1 << 31, ~0, a | b << 16). */
static inline int tsm_arg_value(JSContext *ctx, JSValueConst v, const char *fn, unsigned bits, uint32_t *out)
{
    /* The common case, an int-tagged value, without the double conversions (library calls or
       FPU round trips on the interrupt path). */
    if (JS_VALUE_GET_TAG(v) == JS_TAG_INT) {
        int32_t i = JS_VALUE_GET_INT(v);
        if (bits == 32 || (i >= 0 && i <= (int32_t)((1u << bits) - 1))) {
            *out = (uint32_t)i;
            return 0;
        }
    }
    double d;
    if (tsm_arg_integer(ctx, v, fn, "value", &d) < 0)
        return -1;
    double max = bits == 32 ? 4294967295.0 : (double)((1u << bits) - 1);
    double min = bits == 32 ? -2147483648.0 : 0;
    if (d < min || d > max) {
        JS_ThrowRangeError(ctx, "%s: value %lld does not fit in %u bits", fn, tsm_arg_clamp(d), bits);
        return -1;
    }
    *out = d < 0 ? (uint32_t)(int32_t)d : (uint32_t)d;
    return 0;
}

#endif
