/*
 * Host test driver for engine/src/libc-printf.c (used by test/engine/src/libc-printf.test.ts).
 * The file under test is compiled with its functions renamed (-Dvsnprintf=tsm_test_vsnprintf ...),
 * so that the host C library's snprintf stays the reference (C11 7.21.6.1).
 *
 *   compare   every combination of flags, width, precision (digits and *), length and integer
 *             conversion over boundary values, %c, %s, %% and text: output, return value and the
 *             buffer (sizes 0 with a NULL buffer, 1, half the length, enough); prints
 *             "<cases> cases, <mismatches> mismatches" and the first mismatches; exit 1 on any
 *   fixed     the conversions where the host library differs or leaves it undefined (%p, a NULL
 *             %s, sprintf): exit 1 on a wrong answer
 *   bad <fmt> formats fmt with a double, an int* and a long double argument: the formatter must
 *             call tsm_libc_bad_format, which prints "bad-format <spec>" and exits 3
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tsm_test_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int tsm_test_snprintf(char *buf, size_t size, const char *fmt, ...);
int tsm_test_sprintf(char *buf, const char *fmt, ...);

void tsm_libc_bad_format(const char *spec, size_t len)
{
    printf("bad-format %.*s\n", (int)len, spec);
    exit(3);
}

static long cases, mismatches;

#define BUF 512
#define CANARY 0x5a

/* Formats with both and compares, at every buffer size. */
static void check(const char *fmt, ...)
{
    char want[BUF], got[BUF + 8];
    va_list a, b;
    size_t sizes[4];
    va_start(a, fmt);
    int n = vsnprintf(want, sizeof want, fmt, a);
    va_end(a);
    if (n < 0 || n >= BUF) {
        fprintf(stderr, "harness: reference output too long for %s\n", fmt);
        exit(2);
    }
    sizes[0] = 0, sizes[1] = 1, sizes[2] = (size_t)n / 2 + 1, sizes[3] = BUF;
    for (int i = 0; i < 4; i++) {
        size_t size = sizes[i];
        memset(got, CANARY, sizeof got);
        va_start(b, fmt);
        int m = tsm_test_vsnprintf(size ? got : NULL, size, fmt, b);
        va_end(b);
        cases++;
        size_t kept = size == 0 ? 0 : (size_t)n < size ? (size_t)n + 1 : size;
        int bad = m != n || (kept && (memcmp(got, want, kept - 1) != 0 || got[kept - 1] != 0));
        for (size_t j = kept; j < sizeof got; j++)
            bad |= (unsigned char)got[j] != CANARY;
        if (bad && ++mismatches <= 20)
            printf("mismatch: format \"%s\" size %zu: want %d \"%s\", got %d \"%.*s\"\n", fmt, size, n, want, m,
                   (int)(kept ? kept - 1 : 0), got);
    }
}

static const char *const flag_sets[] = { "", "-", "+", " ", "#", "0", "-0", "+0", " 0", "#0", "-+", "+ ", "-#", "#+0", "- 0", "-+ #0" };
static const char *const widths[] = { "", "0", "1", "3", "5", "25" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".20" };
static const char *const lengths[] = { "hh", "h", "", "l", "ll", "j", "z", "t" };
static const char convs[] = "diouxX";

static const long long values[] = {
    0, 1, -1, 7, 8, 9, 10, 15, 16, 42, -42, 99, 100, 127, -128, 128, 255, 256, 1000, 32767, -32768, 65535, 65536,
    123456789, -123456789, INT_MAX, INT_MIN, (long long)UINT_MAX, 0x123456789abcdefLL, -0x123456789abcdefLL,
    LLONG_MAX, LLONG_MIN,
};

/* One integer argument of the length's type (the caller's side of C11 7.21.6.1's lengths). */
static void check_int(const char *fmt, int length, int is_signed, long long v)
{
    switch (length) {
    case 0: is_signed ? check(fmt, (int)(signed char)v) : check(fmt, (unsigned)(unsigned char)v); break;
    case 1: is_signed ? check(fmt, (int)(short)v) : check(fmt, (unsigned)(unsigned short)v); break;
    case 2: is_signed ? check(fmt, (int)v) : check(fmt, (unsigned)v); break;
    case 3: is_signed ? check(fmt, (long)v) : check(fmt, (unsigned long)v); break;
    case 4: is_signed ? check(fmt, v) : check(fmt, (unsigned long long)v); break;
    case 5: is_signed ? check(fmt, (intmax_t)v) : check(fmt, (uintmax_t)v); break;
    case 6: is_signed ? check(fmt, (ptrdiff_t)v) : check(fmt, (size_t)v); break;
    case 7: is_signed ? check(fmt, (ptrdiff_t)v) : check(fmt, (size_t)v); break;
    }
}

/* Whether the reference library knows a length (newlib without _WANT_IO_C99_FORMATS lacks hh, j,
   z and t, and prints the letter instead). */
static int reference_knows(int length)
{
    char fmt[8], out[8];
    snprintf(fmt, sizeof fmt, "%%%sd", lengths[length]);
    switch (length) {
    case 0: snprintf(out, sizeof out, fmt, (int)(signed char)-3); break;
    case 5: snprintf(out, sizeof out, fmt, (intmax_t)-3); break;
    case 6: case 7: snprintf(out, sizeof out, fmt, (ptrdiff_t)-3); break;
    default: return 1;
    }
    return strcmp(out, "-3") == 0;
}

static void compare(void)
{
    char fmt[64];
    const size_t nflags = sizeof flag_sets / sizeof *flag_sets, nvalues = sizeof values / sizeof *values;
    int known[sizeof lengths / sizeof *lengths];
    for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++)
        if (!(known[l] = reference_knows((int)l)))
            printf("the reference library lacks %%%sd: not compared\n", lengths[l]);
    for (size_t f = 0; f < nflags; f++)
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
            for (size_t p = 0; p < sizeof precs / sizeof *precs; p++)
                for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++)
                    for (const char *c = convs; known[l] && *c; c++) {
                        snprintf(fmt, sizeof fmt, "<%%%s%s%s%s%c>", flag_sets[f], widths[w], precs[p], lengths[l], *c);
                        for (size_t v = 0; v < nvalues; v++)
                            check_int(fmt, (int)l, *c == 'd' || *c == 'i', values[v]);
                    }
    /* Width and precision from arguments, negative ones included (C11 7.21.6.1p5). */
    static const int stars[] = { -30, -5, -1, 0, 1, 4, 12 };
    for (size_t f = 0; f < nflags; f++)
        for (size_t i = 0; i < 7; i++)
            for (size_t j = 0; j < 7; j++)
                for (size_t v = 0; v < nvalues; v += 3) {
                    snprintf(fmt, sizeof fmt, "%%%s*.*lld|%%%s*x|%%%s.*s|", flag_sets[f], flag_sets[f], flag_sets[f]);
                    check(fmt, stars[i], stars[j], values[v], stars[i], (unsigned)values[v], stars[j], "string");
                }
    /* Characters and strings with every flag, width and precision (0 flag: spaces, as glibc). */
    static const char *const strings[] = { "", "a", "hello", "a longer string than most widths" };
    for (size_t f = 0; f < nflags; f++)
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
            for (size_t p = 0; p < sizeof precs / sizeof *precs; p++) {
                if (strchr(flag_sets[f], '0') || strchr(flag_sets[f], '#') || strchr(flag_sets[f], '+') || strchr(flag_sets[f], ' '))
                    continue; /* undefined for c and s */
                snprintf(fmt, sizeof fmt, "[%%%s%s%ss]", flag_sets[f], widths[w], precs[p]);
                for (size_t s = 0; s < 4; s++)
                    check(fmt, strings[s]);
                if (!precs[p][0]) {
                    snprintf(fmt, sizeof fmt, "[%%%s%sc]", flag_sets[f], widths[w]);
                    check(fmt, 'x');
                    check(fmt, 0);
                    check(fmt, 0xe9);
                }
            }
    /* What QuickJS's own formats look like. */
    check("%%");
    check("100%% of %d%%", 7);
    check("");
    check("plain text, no conversion");
    check("%s:%d:%s", "quickjs.c", 1234, "JS_CallInternal");
    check("%.*s", 3, "abcdef");
    check("%-20s %8lld %8lld", "memory", 123LL, -456LL);
    check("%02x%02X%04x", 5, 0xab, 0xbeef);
    check("%016lx", 0xdeadbeefUL);
    check("%+07d|%2.0d|%0*d", 42, 0, 5, -3);
    check("%u %c %s", 4000000000u, 'Z', "end");
    printf("%ld cases, %ld mismatches\n", cases, mismatches);
    exit(mismatches ? 1 : 0);
}

static int expect(const char *got, int n, const char *want)
{
    if (strcmp(got, want) == 0 && n == (int)strlen(want))
        return 0;
    printf("wrong: got %d \"%s\", want \"%s\"\n", n, got, want);
    return 1;
}

static void fixed(void)
{
    char buf[64];
    int bad = 0, n;
    n = tsm_test_snprintf(buf, sizeof buf, "%p", (void *)0);
    bad |= expect(buf, n, "0x0");
    n = tsm_test_snprintf(buf, sizeof buf, "%p|%8p|%-8p|", (void *)0x1234, (void *)0xab, (void *)0xab);
    bad |= expect(buf, n, "0x1234|    0xab|0xab    |");
    n = tsm_test_snprintf(buf, sizeof buf, "%s|%.2s|%8s", (char *)0, (char *)0, (char *)0);
    bad |= expect(buf, n, "(null)|(n|  (null)");
    n = tsm_test_sprintf(buf, "%s=%d", "sprintf", -12);
    bad |= expect(buf, n, "sprintf=-12");
    /* An unterminated array: no byte past the precision is read (the guard byte differs). */
    char unterminated[4] = { 'a', 'b', 'c', 'd' };
    n = tsm_test_snprintf(buf, sizeof buf, "%.4s", unterminated);
    bad |= expect(buf, n, "abcd");
    printf("fixed: %s\n", bad ? "wrong" : "ok");
    exit(bad);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "compare") == 0)
        compare();
    if (argc == 2 && strcmp(argv[1], "fixed") == 0)
        fixed();
    if (argc == 3 && strcmp(argv[1], "bad") == 0) {
        char buf[64];
        int i = 0;
        int n = tsm_test_snprintf(buf, sizeof buf, argv[2], 1.5, &i, (long double)2.5);
        printf("formatted %d \"%s\"\n", n, buf);
        return 0;
    }
    fprintf(stderr, "usage: libc-printf_harness compare | fixed | bad <format>\n");
    return 2;
}
