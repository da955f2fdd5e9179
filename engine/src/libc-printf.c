/*
 * The snprintf family for every target's C library (newlib, picolibc, musl). The engine formats
 * integers, characters, strings and pointers with it (error messages, atom names, dbuf_printf);
 * numbers are converted by its own exact dtoa (engine/src/dtoa.c, TSM_EXACT_DTOA). The
 * libraries' snprintf carries floating-point formatting nothing reachable uses: newlib's
 * _svfprintf_r and _dtoa_r beside its integer _svfiprintf_r, musl's fmt_fp and, for %m,
 * strerror's message table, picolibc's __d_vfprintf and __dtoa_engine. The linker takes an
 * archive member only for a symbol still undefined, so these definitions keep all of that out of
 * the image, the same way on every target (a -D rename or --defsym would be per library).
 *
 * C11 7.21.6.1: flags - + space # 0, field width and precision (digits or *), lengths hh h l ll
 * j z t, conversions d i u o x X c s p %. Anything else (floating point, %n, wide characters) is
 * a bug in the caller: tsm_libc_bad_format reports it and the firmware exits, rather than
 * printing something else and reading the arguments after it out of step.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "libc-common.h"

struct out {
    char *buf;
    size_t size, n;
};

/* Counts every character; stores those that fit before the terminating NUL. */
static void put(struct out *o, const char *s, int len)
{
    for (int i = 0; i < len; i++, o->n++)
        if (o->n + 1 < o->size)
            o->buf[o->n] = s[i];
}

static void pad(struct out *o, char c, long long count)
{
    while (count-- > 0)
        put(o, &c, 1);
}

enum { LEFT = 1, PLUS = 2, SPACE = 4, ALT = 8, ZERO = 16 };
enum { L_HH, L_H, L_INT, L_LONG, L_LLONG, L_MAX, L_SIZE };
/* z and t are read alike (L_SIZE): size_t for unsigned conversions, ptrdiff_t for signed ones. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "z and t need one size");

/* A field: spaces to width (before, or after with '-'), the sign or prefix, zeros, the body. */
static void field(struct out *o, int flags, int width, const char *pre, int zeros, const char *body, int len)
{
    int pl = 0;
    while (pre[pl])
        pl++;
    long long gap = (long long)width - pl - zeros - len; /* no int overflow, whatever the format */
    if (!(flags & LEFT))
        pad(o, ' ', gap);
    put(o, pre, pl);
    pad(o, '0', zeros);
    put(o, body, len);
    if (flags & LEFT)
        pad(o, ' ', gap);
}

/* A field width or precision in digits; beyond INT_MAX it saturates (the output would be too
   long for the int result anyway). */
static int read_count(const char **p)
{
    int v = 0;
    while (**p >= '0' && **p <= '9') {
        int d = *(*p)++ - '0';
        v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
    }
    return v;
}

/* u in base after the sign or prefix pre; prec < 0: unspecified (at least one digit). */
static void put_int(struct out *o, uintmax_t u, unsigned base, int upper, const char *pre, int flags, int width, int prec)
{
    char digits[3 * sizeof(uintmax_t)]; /* octal needs 22 for 64 bits */
    char *end = digits + sizeof digits, *d = end;
    if (base == 10) {
        /* Constant divisors: a multiplication, where a variable one is a library call on CPUs
           without a divide instruction (ARM1176); 64-bit division is one on every 32-bit CPU. */
        for (; u > UINT32_MAX; u /= 10)
            *--d = (char)('0' + u % 10);
        for (uint32_t v = (uint32_t)u; v; v /= 10)
            *--d = (char)('0' + v % 10);
    } else {
        const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (unsigned shift = base == 16 ? 4 : 3; u; u >>= shift)
            *--d = xdigits[u & (base - 1)];
    }
    int nd = (int)(end - d), pl = 0;
    while (pre[pl])
        pl++;
    if (prec < 0)
        prec = (flags & (ZERO | LEFT)) == ZERO && width - pl > 1 ? width - pl : 1;
    if ((flags & ALT) && base == 8 && prec <= nd)
        prec = nd + 1; /* "#o": the first digit is 0 */
    field(o, flags, width, pre, prec > nd ? prec - nd : 0, d, nd);
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict format, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (const char *fmt = format; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, fmt, 1);
            continue;
        }
        const char *spec = fmt++;
        int flags = 0, width, prec = -1, len = L_INT;
        for (;; fmt++) {
            int f = *fmt == '-' ? LEFT : *fmt == '+' ? PLUS : *fmt == ' ' ? SPACE : *fmt == '#' ? ALT : *fmt == '0' ? ZERO : 0;
            if (!f)
                break;
            flags |= f;
        }
        if (*fmt == '*') {
            fmt++;
            width = va_arg(ap, int);
            if (width < 0) { /* a negative width argument is the '-' flag */
                flags |= LEFT;
                width = width == INT_MIN ? INT_MAX : -width;
            }
        } else {
            width = read_count(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                prec = va_arg(ap, int);
                if (prec < 0) /* as if omitted */
                    prec = -1;
            } else {
                prec = read_count(&fmt);
            }
        }
        if (*fmt == 'h')
            len = *++fmt == 'h' ? (fmt++, L_HH) : L_H;
        else if (*fmt == 'l')
            len = *++fmt == 'l' ? (fmt++, L_LLONG) : L_LONG;
        else if (*fmt == 'j')
            fmt++, len = L_MAX;
        else if (*fmt == 'z' || *fmt == 't')
            fmt++, len = L_SIZE;
        char c = *fmt;
        if (c == 'd' || c == 'i') {
            intmax_t v = len == L_LONG ? va_arg(ap, long)
                       : len == L_LLONG ? va_arg(ap, long long)
                       : len == L_MAX ? va_arg(ap, intmax_t)
                       : len == L_SIZE ? va_arg(ap, ptrdiff_t)
                       : va_arg(ap, int);
            if (len == L_HH)
                v = (signed char)v;
            else if (len == L_H)
                v = (short)v;
            const char *sign = v < 0 ? "-" : flags & PLUS ? "+" : flags & SPACE ? " " : "";
            put_int(&o, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, 0, sign, flags, width, prec);
        } else if (c == 'u' || c == 'o' || c == 'x' || c == 'X') {
            uintmax_t v = len == L_LONG ? va_arg(ap, unsigned long)
                        : len == L_LLONG ? va_arg(ap, unsigned long long)
                        : len == L_MAX ? va_arg(ap, uintmax_t)
                        : len == L_SIZE ? va_arg(ap, size_t)
                        : va_arg(ap, unsigned);
            if (len == L_HH)
                v = (unsigned char)v;
            else if (len == L_H)
                v = (unsigned short)v;
            unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            const char *pre = base == 16 && (flags & ALT) && v ? (c == 'X' ? "0X" : "0x") : "";
            put_int(&o, v, base, c == 'X', pre, flags, width, prec);
        } else if (c == 'p' && len == L_INT) {
            put_int(&o, (uintptr_t)va_arg(ap, void *), 16, 0, "0x", flags & ~ZERO, width, prec);
        } else if (c == 'c' && len == L_INT) {
            char ch = (char)va_arg(ap, int);
            field(&o, flags, width, "", 0, &ch, 1);
        } else if (c == 's' && len == L_INT) {
            const char *s = va_arg(ap, const char *);
            int n = 0;
            if (!s)
                s = "(null)";
            /* No byte past the precision is read: "%.*s" prints unterminated arrays. */
            while (n < INT_MAX && (prec < 0 || n < prec) && s[n])
                n++;
            field(&o, flags, width, "", 0, s, n);
        } else if (c == '%' && fmt == spec + 1) {
            put(&o, fmt, 1);
        } else {
            tsm_libc_bad_format(spec, *fmt ? fmt + 1 - spec : fmt - spec);
        }
    }
    if (size)
        buf[o.n < size ? o.n : size - 1] = 0;
    return o.n > INT_MAX ? -1 : (int)o.n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return vsnprintf(buf, INT_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, INT_MAX, fmt, ap);
    va_end(ap);
    return n;
}
