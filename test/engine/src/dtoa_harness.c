/*
 * Host test driver for engine/src/dtoa.c (used by test/engine/src/dtoa.test.ts).
 * Build: cc -O2 -DTSM_DTOA_COUNT_OPS -I engine/src test/engine/src/dtoa_harness.c engine/src/dtoa.c
 *
 * Reads one request per line on stdin, writes one answer line per request:
 *   S <hex64>                 shortest tsm_ecvt  -> "<sign> <digits> <decpt> <ops>"
 *   E <hex64> <n>             tsm_ecvt, n digits -> "<sign> <digits> <decpt> <ops>"
 *   F <hex64> <n> [<bufsz>]   tsm_fcvt           -> "<string> <ops>"   (bufsz default 128)
 *   M                         -> "<max limbs used so far>"
 * <hex64> is the IEEE-754 bit pattern of the double. <ops> counts bignum limb
 * operations of that call. Buffers are surrounded by canaries; a clobbered
 * canary, bad length or bad request exits with status 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

extern unsigned long tsm_dtoa_limb_ops;
extern int tsm_dtoa_max_limbs;

#define GUARD 32
#define CANARY 0xA5

static void die(const char *msg, const char *line)
{
    fprintf(stderr, "dtoa_harness: %s: %s\n", msg, line);
    exit(2);
}

static void check_canary(const unsigned char *p, int n, const char *line)
{
    int i;
    for (i = 0; i < n; i++)
        if (p[i] != CANARY)
            die("buffer overrun", line);
}

int main(void)
{
    static char line[512];
    static char out[1 << 16];
    setvbuf(stdout, out, _IOFBF, sizeof(out));

    while (fgets(line, sizeof(line), stdin)) {
        char cmd = 0;
        unsigned long long bits = 0;
        int n = 0, bufsz = TSM_DTOA_BUF_SIZE, got;
        double d;
        unsigned char mem[GUARD + 1024 + GUARD];
        char *buf = (char *)mem + GUARD;

        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0)
            continue;
        if (line[0] == 'M') {
            printf("%d\n", tsm_dtoa_max_limbs);
            continue;
        }
        got = sscanf(line, "%c %llx %d %d", &cmd, &bits, &n, &bufsz);
        if (got < 2 || bufsz < 0 || bufsz > 1024)
            die("bad request", line);
        memcpy(&d, &bits, sizeof(d));
        memset(mem, CANARY, sizeof(mem));
        tsm_dtoa_limb_ops = 0;
        if (cmd == 'S' || cmd == 'E') {
            int decpt = -99999, sign = -1, k;
            if (cmd == 'E' && got < 3)
                die("bad request", line);
            k = tsm_ecvt(d, n, &decpt, &sign, buf, cmd == 'E');
            check_canary(mem, GUARD, line);
            check_canary(mem + GUARD + TSM_DTOA_BUF_SIZE, GUARD, line);
            if (k < 1 || k >= TSM_DTOA_BUF_SIZE || (int)strlen(buf) != k)
                die("bad digit count", line);
            printf("%d %s %d %lu\n", sign, buf, decpt, tsm_dtoa_limb_ops);
        } else if (cmd == 'F') {
            if (got < 3)
                die("bad request", line);
            tsm_fcvt(buf, bufsz, d, n);
            check_canary(mem, GUARD, line);
            check_canary(mem + GUARD + bufsz, GUARD, line);
            if (bufsz > 0 && (int)strlen(buf) >= bufsz)
                die("not terminated", line);
            printf("%s %lu\n", bufsz > 0 ? buf : "", tsm_dtoa_limb_ops);
        } else {
            die("unknown command", line);
        }
    }
    fflush(stdout);
    return 0;
}
