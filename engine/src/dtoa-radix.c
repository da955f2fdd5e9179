/*
 * Number.prototype.toString(radix) for radix != 10 and values that are not safe integers.
 * ECMA-262 leaves the digits implementation-approximated; we produce V8's (Node's) digits with
 * the same method: fraction digits are generated only down to half the gap to the next double,
 * rounding half to even, and integer digits beyond 2^53 are written as zeros.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "dtoa.h"

static double next_double(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    bits++; /* d is finite and non-negative here */
    memcpy(&d, &bits, sizeof d);
    return d;
}

static int digit_value(char c)
{
    return c > '9' ? c - 'a' + 10 : c - '0';
}

void tsm_dtoa_radix(char *buf, double value, int radix)
{
    static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[TSM_DTOA_RADIX_BUF_SIZE];
    const int mid = TSM_DTOA_RADIX_BUF_SIZE / 2;
    int int_pos = mid, frac_pos = mid;
    int negative = value < 0;
    if (negative)
        value = -value;

    double integer = floor(value);
    double fraction = value - integer;
    double delta = 0.5 * (next_double(value) - value);
    double min_delta = next_double(0.0);
    if (delta < min_delta)
        delta = min_delta;
    if (fraction >= delta) {
        tmp[frac_pos++] = '.';
        do {
            fraction *= radix;
            delta *= radix;
            int digit = (int)fraction;
            tmp[frac_pos++] = chars[digit];
            fraction -= digit;
            if ((fraction > 0.5 || (fraction == 0.5 && (digit & 1))) && fraction + delta > 1) {
                /* round up, carrying through the digits already written */
                for (;;) {
                    frac_pos--;
                    if (frac_pos == mid) {
                        integer += 1;
                        break;
                    }
                    int d = digit_value(tmp[frac_pos]);
                    if (d + 1 < radix) {
                        tmp[frac_pos++] = chars[d + 1];
                        break;
                    }
                }
                break;
            }
        } while (fraction >= delta);
    }
    /* Digits below the double's precision are zeros. */
    while (integer / radix >= 9007199254740992.0) {
        integer /= radix;
        tmp[--int_pos] = '0';
    }
    do {
        double rem = fmod(integer, radix);
        tmp[--int_pos] = chars[(int)rem];
        integer = (integer - rem) / radix;
    } while (integer > 0);
    if (negative)
        tmp[--int_pos] = '-';
    memcpy(buf, tmp + int_pos, (size_t)(frac_pos - int_pos));
    buf[frac_pos - int_pos] = '\0';
}
