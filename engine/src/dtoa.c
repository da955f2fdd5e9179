/*
 * tsmetal: exact double -> decimal conversion (see dtoa.h).
 *
 * Method (digit generation in the style of Steele & White / Dragon4, with
 * exact big integers):
 *
 *   |d| = m * 2^e, m < 2^53 an integer. With k an estimate of the decimal
 *   exponent, build two big integers R and S with R / S = |d| * 10^(1-n)
 *   in [1, 10), so the decimal digits of |d| are produced one at a time by
 *   "digit = floor(R / S); R = R mod S; R = R * 10". Every step is exact.
 *
 *   The powers of ten are split into powers of two and five and the common
 *   power of two is cancelled, so R and S hold at most ~2^800 (25 limbs)
 *   even for 5e-324 or 1.8e308.
 *
 *   S is shifted (together with R) so that its top limb lies in
 *   [2^27, 2^28). Then R < 10 S has no more limbs than S and
 *   q = R_top / (S_top + 1) is the digit or one less, so a digit costs one
 *   multiply-subtract pass plus, rarely, one subtraction.
 *
 *   Fixed precision (toPrecision/toExponential/toFixed): generate the wanted
 *   digits, then one more; round up (away from zero) iff it is >= 5. That is
 *   exactly round-half-away-from-zero on the exact expansion.
 *
 *   Shortest (Number::toString): M- and M+ are the distances from |d| to the
 *   lower / upper rounding boundary (half an ulp each, except that the lower
 *   one is a quarter ulp when m is a power of two at a binade boundary), kept
 *   in the same scale as R. After k digits, with remainder R:
 *     the k-digit number below |d| (digits so far) rounds back to d iff
 *       R <= M-   (R < M- when m is odd: reading rounds ties to even),
 *     the k-digit number above |d| (last digit + 1) rounds back iff
 *       R + M+ >= S (> when m is odd).
 *   No other k-digit number can be inside the interval unless one of these
 *   is. The first k where either holds is the shortest length; if both hold
 *   the closer one is taken (2R vs S), a tie going to the even digit.
 *
 * No floating-point arithmetic, no printf, no malloc, no globals (except the
 * instrumentation counters under TSM_DTOA_COUNT_OPS, used by the host test
 * harness only). Stack: about 5 bignums of 164 bytes in the shortest path.
 */
#include <stdint.h>
#include <string.h>

#include "dtoa.h"

/* Largest value held: about 2^(800+31+4) (see the size notes above), i.e.
   27 limbs. 40 leaves a wide margin; the host test checks the maximum. */
#define BN_LIMBS 40

typedef struct {
    int n;                 /* limbs in use; d[n-1] != 0; 0 for the value 0 */
    uint32_t d[BN_LIMBS];  /* little-endian 32-bit limbs */
} bn_t;

#ifdef TSM_DTOA_COUNT_OPS
/* Instrumentation for the host test harness only (never in firmware). */
unsigned long tsm_dtoa_limb_ops;
int tsm_dtoa_max_limbs;
#define COUNT(k) (tsm_dtoa_limb_ops += (unsigned long)(k))
#define TRACK(a)                                                         \
    do {                                                                 \
        if ((a)->n > tsm_dtoa_max_limbs) tsm_dtoa_max_limbs = (a)->n;    \
    } while (0)
#define OVERFLOW() __builtin_trap()
#else
#define COUNT(k) ((void)0)
#define TRACK(a) ((void)0)
/* Cannot happen (the sizes are bounded above); stay memory-safe anyway. */
#define OVERFLOW() ((void)0)
#endif

static const uint32_t pow5_tab[14] = {
    1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u,
    9765625u, 48828125u, 244140625u, 1220703125u,
};

static int bitlen32(uint32_t x)
{
    int n = 0;
    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

static int bitlen64(uint64_t x)
{
    uint32_t hi = (uint32_t)(x >> 32);
    return hi ? 32 + bitlen32(hi) : bitlen32((uint32_t)x);
}

/* floor(f * log10(2)) for |f| <= 1100 (checked exhaustively). */
static int floor_log10_pow2(int f)
{
    if (f >= 0)
        return (f * 78913) >> 18;
    return -(((-f) * 78913 + 262143) >> 18);
}

static void bn_trim(bn_t *a)
{
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
}

static void bn_set_u64(bn_t *a, uint64_t v)
{
    a->n = 0;
    while (v) {
        a->d[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void bn_copy(bn_t *dst, const bn_t *src)
{
    dst->n = src->n;
    memcpy(dst->d, src->d, (size_t)src->n * sizeof(uint32_t));
}

static void bn_push(bn_t *a, uint32_t limb)
{
    if (a->n < BN_LIMBS)
        a->d[a->n++] = limb;
    else
        OVERFLOW();
    TRACK(a);
}

/* a *= k */
static void bn_mul_small(bn_t *a, uint32_t k)
{
    uint64_t c = 0;
    int i;
    COUNT(a->n);
    for (i = 0; i < a->n; i++) {
        c += (uint64_t)a->d[i] * k;
        a->d[i] = (uint32_t)c;
        c >>= 32;
    }
    if (c)
        bn_push(a, (uint32_t)c);
}

/* a *= 5^p */
static void bn_mul_pow5(bn_t *a, int p)
{
    while (p >= 13) {
        bn_mul_small(a, pow5_tab[13]);
        p -= 13;
    }
    if (p)
        bn_mul_small(a, pow5_tab[p]);
}

/* r = u * m (r and u distinct) */
static void bn_mul_u64(bn_t *r, const bn_t *u, uint64_t m)
{
    uint32_t lo = (uint32_t)m, hi = (uint32_t)(m >> 32);
    uint64_t c = 0;
    int i;
    if (u->n + 2 > BN_LIMBS) {
        OVERFLOW();
        r->n = 0;
        return;
    }
    COUNT(u->n);
    for (i = 0; i < u->n; i++) {
        c += (uint64_t)u->d[i] * lo;
        r->d[i] = (uint32_t)c;
        c >>= 32;
    }
    r->d[u->n] = (uint32_t)c;
    r->n = u->n + 1;
    if (hi) {
        COUNT(u->n);
        c = 0;
        for (i = 0; i < u->n; i++) {
            c += (uint64_t)u->d[i] * hi + r->d[i + 1];
            r->d[i + 1] = (uint32_t)c;
            c >>= 32;
        }
        r->d[u->n + 1] = (uint32_t)c;
        r->n = u->n + 2;
    }
    bn_trim(r);
    TRACK(r);
}

/* a <<= s */
static void bn_shl(bn_t *a, int s)
{
    int q = s >> 5, r = s & 31, n = a->n, i, nn;
    uint32_t top;
    if (n == 0 || s == 0)
        return;
    top = r ? a->d[n - 1] >> (32 - r) : 0;
    nn = n + q + (top != 0);
    if (nn > BN_LIMBS) {
        OVERFLOW();
        a->n = 0;
        return;
    }
    COUNT(n);
    /* (x >> 1) >> (31 - r) is x >> (32 - r), and 0 for r == 0. One loop for
       both cases; a pure copy loop would be turned into a memmove call. */
    if (top)
        a->d[n + q] = top;
    for (i = n - 1; i > 0; i--)
        a->d[i + q] = (a->d[i] << r) | ((a->d[i - 1] >> 1) >> (31 - r));
    a->d[q] = a->d[0] << r;
    for (i = 0; i < q; i++)
        a->d[i] = 0;
    a->n = nn;
    TRACK(a);
}

/* sign of a - b */
static int bn_cmp(const bn_t *a, const bn_t *b)
{
    int i;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--) {
        COUNT(1);
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    }
    return 0;
}

/* sign of 2a - b */
static int bn_cmp2(const bn_t *a, const bn_t *b)
{
    int n = a->n + 1 > b->n ? a->n + 1 : b->n, i;
    for (i = n - 1; i >= 0; i--) {
        uint32_t x = 0, y = i < b->n ? b->d[i] : 0;
        COUNT(1);
        if (i < a->n)
            x = a->d[i] << 1;
        if (i > 0 && i - 1 < a->n)
            x |= a->d[i - 1] >> 31;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* a -= b, requires a >= b */
static void bn_sub(bn_t *a, const bn_t *b)
{
    uint32_t borrow = 0;
    int i;
    COUNT(b->n);
    for (i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)a->d[i] - b->d[i] - borrow;
        a->d[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 63);
    }
    for (; borrow && i < a->n; i++) {
        borrow = a->d[i] == 0;
        a->d[i]--;
    }
    bn_trim(a);
}

/* r = a + b (r distinct from a and b) */
static void bn_add(bn_t *r, const bn_t *a, const bn_t *b)
{
    uint64_t c = 0;
    int i;
    if (a->n < b->n) {
        const bn_t *t = a;
        a = b;
        b = t;
    }
    COUNT(a->n);
    for (i = 0; i < b->n; i++) {
        c += (uint64_t)a->d[i] + b->d[i];
        r->d[i] = (uint32_t)c;
        c >>= 32;
    }
    for (; i < a->n; i++) {
        c += a->d[i];
        r->d[i] = (uint32_t)c;
        c >>= 32;
    }
    r->n = a->n;
    if (c)
        bn_push(r, (uint32_t)c);
}

/* a -= q * b, requires q * b <= a */
static void bn_mulsub(bn_t *a, const bn_t *b, uint32_t q)
{
    uint64_t carry = 0;
    uint32_t borrow = 0;
    int i;
    COUNT(b->n);
    for (i = 0; i < b->n; i++) {
        uint64_t p = (uint64_t)b->d[i] * q + carry;
        uint64_t t = (uint64_t)a->d[i] - (uint32_t)p - borrow;
        carry = p >> 32;
        a->d[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 63);
    }
    for (; (carry | borrow) && i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] - (uint32_t)carry - borrow;
        carry = 0;
        a->d[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 63);
    }
    bn_trim(a);
}

/* Requires 0 <= r < 10 s and the top limb of s in [2^27, 2^28).
   Returns floor(r / s) and sets r = r mod s. */
static uint32_t bn_digit(bn_t *r, const bn_t *s)
{
    int t = s->n - 1;
    uint32_t q = 0;
    /* r < 10 s < 2^32 * 2^(32 t): r has at most t + 1 limbs. With
       rt = r->d[t], st = s->d[t]: rt / (st + 1) <= r / s < (rt + 1) / st,
       and these bounds differ by less than 1, so q is exact or one low. */
    if (r->n > t) {
        q = r->d[t] / (s->d[t] + 1);
        if (q)
            bn_mulsub(r, s, q);
    }
    if (bn_cmp(r, s) >= 0) {
        bn_sub(r, s);
        q++;
    }
    return q;
}

/* Sets R / S = M * 2^E * 10^(1-n) with 1 <= R / S < 10 and the top limb of
   S in [2^27, 2^28); returns n, the decimal exponent: 10^(n-1) <= M 2^E < 10^n.
   If U is not NULL, U is set to the same scaling of the unit 2^E (so that
   R = M * U). M != 0. */
static int bn_scale(bn_t *R, bn_t *S, bn_t *U, uint64_t M, int E)
{
    /* f = floor(log2(M 2^E)); k = floor(f log10 2) + 1 gives
       10^(k-1) <= M 2^E < 10^(k+1). First aim at R / S = M 2^E 10^-k
       = M 2^(E-k) 5^-k, in [0.1, 10). */
    int f = E + bitlen64(M) - 1;
    int k = floor_log10_pow2(f) + 1;
    int p2 = E - k, p5 = -k;
    int r2 = p2 > 0 ? p2 : 0, s2 = p2 < 0 ? -p2 : 0;
    int r5 = p5 > 0 ? p5 : 0, s5 = p5 < 0 ? -p5 : 0;
    int sbits, sh;

    S->n = 1;
    S->d[0] = 1;
    bn_mul_pow5(S, s5);
    /* normalise: shift both so that bitlen(S) = 28 (mod 32) */
    sbits = (S->n - 1) * 32 + bitlen32(S->d[S->n - 1]) + s2;
    sh = ((28 - sbits) % 32 + 32) % 32;
    bn_shl(S, s2 + sh);

    if (U) {
        U->n = 1;
        U->d[0] = 1;
        bn_mul_pow5(U, r5);
        bn_shl(U, r2 + sh);
        bn_mul_u64(R, U, M);
    } else {
        bn_set_u64(R, M);
        bn_mul_pow5(R, r5);
        bn_shl(R, r2 + sh);
    }

    if (bn_cmp(R, S) >= 0)
        return k + 1; /* R / S = |d| 10^-k = |d| 10^(1-n) in [1, 10) */
    bn_mul_small(R, 10);
    if (U)
        bn_mul_small(U, 10);
    return k;
}

/* Increments the decimal digit string buf[0..k) (k >= 1). If it was all
   nines it becomes 100...0 (same length) and *decpt is incremented. */
static void round_up(char *buf, int k, int *decpt)
{
    int i = k - 1;
    while (i >= 0 && buf[i] == '9')
        buf[i--] = '0';
    if (i < 0) {
        buf[0] = '1';
        (*decpt)++;
    } else {
        buf[i]++;
    }
}

/* |d| = m 2^e; asym: the lower neighbour is closer (m = 2^52 above the
   smallest normal binade). */
static int decompose(double d, uint64_t *m, int *e, int *sign)
{
    uint64_t bits, frac;
    int be;
    memcpy(&bits, &d, sizeof(bits));
    *sign = (int)(bits >> 63);
    be = (int)((bits >> 52) & 0x7ff);
    frac = bits & (((uint64_t)1 << 52) - 1);
    if (be == 0) {
        *m = frac;
        *e = -1074;
        return 0;
    }
    *m = frac | ((uint64_t)1 << 52);
    *e = be - 1075;
    return frac == 0 && be > 1;
}

static int ecvt_shortest(uint64_t m, int e, int asym, char *buf, int *decpt)
{
    bn_t R, S, Mm, Mp, T;
    bn_t *mp;
    int even = (m & 1) == 0, k = 0, c, low, high, up;
    uint32_t q;

    /* Work in units of 2^(e-2): |d| = 4m, M+ = 2, M- = 2 (1 if asym). */
    *decpt = bn_scale(&R, &S, &Mm, m << 2, e - 2);
    if (asym) {
        bn_copy(&Mp, &Mm);
        bn_shl(&Mp, 1);
        mp = &Mp;
    } else {
        bn_shl(&Mm, 1);
        mp = &Mm;
    }
    for (;;) {
        q = bn_digit(&R, &S);
        c = bn_cmp(&R, &Mm);
        low = even ? c <= 0 : c < 0;
        bn_add(&T, &R, mp);
        c = bn_cmp(&T, &S);
        high = even ? c >= 0 : c > 0;
        if (low || high || k >= 30) /* k >= 30: cannot happen (<= 17) */
            break;
        buf[k++] = (char)('0' + q);
        bn_mul_small(&R, 10);
        bn_mul_small(&Mm, 10);
        if (mp != &Mm)
            bn_mul_small(mp, 10);
    }
    if (!high) {
        up = 0;
    } else if (!low) {
        up = 1;
    } else {
        c = bn_cmp2(&R, &S);
        up = c > 0 || (c == 0 && (q & 1));
    }
    buf[k++] = (char)('0' + q);
    if (up) {
        round_up(buf, k, decpt);
        while (k > 1 && buf[k - 1] == '0')
            k--;
    }
    return k;
}

static int ecvt_fixed(uint64_t m, int e, int nd, char *buf, int *decpt)
{
    bn_t R, S;
    int i;
    *decpt = bn_scale(&R, &S, NULL, m, e);
    for (i = 0; i < nd; i++) {
        buf[i] = (char)('0' + bn_digit(&R, &S));
        bn_mul_small(&R, 10);
    }
    if (bn_digit(&R, &S) >= 5)
        round_up(buf, nd, decpt);
    return nd;
}

int tsm_ecvt(double d, int n_digits, int *decpt, int *sign, char *buf, int is_fixed)
{
    uint64_t m;
    int e, asym, k;

    asym = decompose(d, &m, &e, sign);
    if (is_fixed) {
        if (n_digits < 1)
            n_digits = 1;
        if (n_digits > TSM_DTOA_BUF_SIZE - 8)
            n_digits = TSM_DTOA_BUF_SIZE - 8;
    }
    if (m == 0) {
        k = is_fixed ? n_digits : 1;
        memset(buf, '0', (size_t)k);
        *decpt = 1;
    } else if (is_fixed) {
        k = ecvt_fixed(m, e, n_digits, buf, decpt);
    } else {
        k = ecvt_shortest(m, e, asym, buf, decpt);
    }
    buf[k] = '\0';
    return k;
}

void tsm_fcvt(char *buf, int buf_size, double d, int n_digits)
{
    bn_t R, S;
    uint64_t m;
    int e, sign, n, nd, w, j, pos = 0, start, lim, end, up = 0, carry_stops = 0;

    if (buf_size <= 0)
        return;
    lim = buf_size - 1; /* characters that fit before the NUL */
    if (n_digits < 0)
        n_digits = 0;
    if (n_digits > 100)
        n_digits = 100;
    decompose(d, &m, &e, &sign);
    if (sign) {
        if (pos < lim)
            buf[pos] = '-';
        pos++;
    }

    /* Output D = round(|d| 10^n_digits) in decimal, padded with zeros to at
       least n_digits + 1 digits, with the '.' before the last n_digits.
       Before rounding D has nd = n + n_digits digits (10^(n-1) <= |d| < 10^n);
       nd <= 0 means |d| < 10^-n_digits. */
    if (m == 0) {
        nd = -1;
    } else {
        n = bn_scale(&R, &S, NULL, m, e);
        nd = n + n_digits;
    }
    w = nd > n_digits ? nd : n_digits + 1;
    start = pos;
    for (j = 0; j < w; j++) {
        char c = '0';
        if (n_digits > 0 && j == w - n_digits) {
            if (pos < lim)
                buf[pos] = '.';
            pos++;
        }
        if (j >= w - nd) {
            c = (char)('0' + bn_digit(&R, &S));
            bn_mul_small(&R, 10);
        }
        if (pos < lim)
            buf[pos] = c;
        else if (c != '9')
            carry_stops = 1; /* truncated: a carry would stop out of sight */
        pos++;
    }
    /* nd < 0: |d| < 10^(-n_digits-1) rounds to 0. Otherwise R / S is the
       next digit and the rest: round half away from zero. */
    if (nd >= 0 && m != 0)
        up = bn_digit(&R, &S) >= 5;
    end = pos < lim ? pos : lim;
    if (up && !carry_stops) {
        for (j = end - 1; j >= start; j--) {
            if (buf[j] == '.')
                continue;
            if (buf[j] != '9') {
                buf[j]++;
                break;
            }
            buf[j] = '0';
        }
        if (j < start) {
            /* Carried out of the leading digit: every digit is now '0' and a
               '1' must be prepended. Equivalently: lead with '1', move the
               '.' one place right and append a '0'. */
            if (start < lim)
                buf[start] = '1';
            for (j = start + 1; j < end; j++) {
                if (buf[j] == '.') {
                    buf[j] = '0';
                    if (j + 1 < end)
                        buf[j + 1] = '.';
                    break;
                }
            }
            if (pos < lim)
                buf[end++] = '0';
            pos++;
        }
    }
    buf[end] = '\0';
}
