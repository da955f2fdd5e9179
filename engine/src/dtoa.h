/*
 * tsmetal: exact double -> decimal conversion for the freestanding QuickJS port.
 *
 * Replaces js_ecvt / js_fcvt of QuickJS 2021-03-27, which rely on
 * snprintf("%+.*e") / snprintf("%.*f") and fesetround(). Bare-metal libcs
 * (newlib, picolibc) neither honour fesetround nor print exactly, so e.g.
 * (1.25).toFixed(1) came out as "1.2".
 *
 * This implementation is exact (fixed-size bignum of 32-bit limbs), uses no
 * printf, no malloc, no floating-point arithmetic or environment, no globals
 * and only memcpy/memset from libc. It is reentrant; the deepest call chain
 * uses about 1.2 KiB of stack (all frames together: < 2.2 KiB).
 */
#ifndef TSM_DTOA_H
#define TSM_DTOA_H

#ifdef __cplusplus
extern "C" {
#endif

/* Minimum size of the buf argument of tsm_ecvt (same as QuickJS JS_DTOA_BUF_SIZE). */
#define TSM_DTOA_BUF_SIZE 128

/* Digits of d in decimal, like ecvt: buf receives the digits only (no '.',
   NUL-terminated), *decpt is the position of the decimal point
   (value = 0.DIGITS x 10^decpt), *sign = signbit(d). d must be finite.

   is_fixed == 0: the shortest digit string that round-trips (ECMA-262
   Number::toString: fewest digits k; among those the one closest to d; if two
   are equally close, the even one); n_digits is ignored; no trailing zeros.

   is_fixed != 0: exactly n_digits (1..101) significant digits, rounded to
   nearest with ties away from zero (toPrecision / toExponential).

   d == 0: digits "0" (shortest) or n_digits zeros (fixed), decpt = 1.
   buf must hold at least TSM_DTOA_BUF_SIZE bytes. Returns the digit count. */
int tsm_ecvt(double d, int n_digits, int *decpt, int *sign, char *buf, int is_fixed);

/* Like snprintf(buf, buf_size, "%.*f", n_digits, d) for 0 <= n_digits <= 100
   and |d| < 1e21, but exact and rounded to nearest with ties away from zero
   (Number.prototype.toFixed). A leading '-' when signbit(d) is set (the
   caller turns -0 into 0 first). Output longer than buf_size - 1 characters
   is truncated (always NUL-terminated when buf_size > 0); with
   buf_size >= TSM_DTOA_BUF_SIZE this cannot happen inside the contract. */
void tsm_fcvt(char *buf, int buf_size, double d, int n_digits);

/* Number.prototype.toString(radix), radix 2..36, for finite d: V8's digits (dtoa-radix.c). buf
   must hold TSM_DTOA_RADIX_BUF_SIZE bytes (1074 fraction and 1024 integer digits at radix 2). */
#define TSM_DTOA_RADIX_BUF_SIZE 2200
void tsm_dtoa_radix(char *buf, double d, int radix);

#ifdef __cplusplus
}
#endif

#endif /* TSM_DTOA_H */
