/*
 * Host harness for engine/src/blob.c (test/engine/src/blob.test.ts):
 *   blob_harness sum <offset>          check of stdin, read to a buffer at <offset> bytes past an
 *                                      8-aligned address (the unaligned path too); prints "a b"
 *   blob_harness make <out> <name> <file> [<name> <file>]...   writes an image of those units
 *   blob_harness verify <image>        what the target does: the boot check, then every lazy
 *                                      unit's; prints "ok <name>:<length>..." (exit 0) or the
 *                                      target's reason (exit 2)
 *   blob_harness flips <image>         flips each bit of every byte in turn and runs the same
 *                                      checks; prints how many flipped images were accepted
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blob.h"

static uint8_t *read_all(FILE *f, size_t *len, size_t offset)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap + offset);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + offset);
        size_t got = fread(buf + offset + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    *len = n;
    return buf;
}

static uint8_t *read_path(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    uint8_t *buf = read_all(f, len, 0);
    fclose(f);
    return buf;
}

/* The boot check, then every lazy unit's: NULL when the image is accepted, else the reason. */
static const char *verify_all(uint8_t *image, size_t size, tsm_unit units[TSM_MAX_UNITS], int *n)
{
    tsm_blob_status status = tsm_blob_check(image, size, n);
    if (status != TSM_BLOB_OK)
        return tsm_blob_status_text(status);
    for (int i = 0; i < *n; i++)
        tsm_blob_unit(image, i, &units[i]);
    for (int i = 1; i < *n; i++) {
        if (!tsm_unit_verify(&units[i]))
            return "lazy unit checksum mismatch";
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "sum") == 0) {
        size_t offset = (size_t)atoi(argv[2]), len;
        uint8_t *buf = read_all(stdin, &len, offset); /* malloc: 8-aligned or better */
        tsm_check c;
        tsm_check_init(&c);
        tsm_check_update(&c, buf + offset, len);
        tsm_check_final(&c);
        printf("%" PRIu64 " %" PRIu64 "\n", c.a, c.b);
        return 0;
    }
    if (argc >= 5 && argc % 2 == 1 && strcmp(argv[1], "make") == 0) {
        int n = (argc - 3) / 2;
        /* As engine/host/tsmc.c: the writer refuses what the target would. */
        if (n > TSM_MAX_UNITS) {
            fprintf(stderr, "%d units given, an image holds at most %d\n", n, TSM_MAX_UNITS);
            return 2;
        }
        const char *names[TSM_MAX_UNITS];
        const uint8_t *bytecode[TSM_MAX_UNITS];
        uint32_t lengths[TSM_MAX_UNITS];
        for (int i = 0; i < n; i++) {
            size_t len;
            names[i] = argv[3 + 2 * i];
            bytecode[i] = read_path(argv[4 + 2 * i], &len);
            lengths[i] = (uint32_t)len;
        }
        size_t size = tsm_blob_size(n, lengths);
        uint8_t *image = malloc(size);
        tsm_blob_write(image, n, names, bytecode, lengths);
        FILE *out = fopen(argv[2], "wb");
        if (!out || fwrite(image, 1, size, out) != size || fclose(out) != 0)
            return 1;
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "flips") == 0) {
        size_t size, accepted = 0;
        uint8_t *image = read_path(argv[2], &size);
        tsm_unit units[TSM_MAX_UNITS];
        int n;
        for (size_t i = 0; i < size; i++) {
            for (int bit = 0; bit < 8; bit++) {
                image[i] ^= (uint8_t)(1 << bit);
                if (verify_all(image, size, units, &n) == NULL)
                    accepted++;
                image[i] ^= (uint8_t)(1 << bit);
            }
        }
        printf("%zu\n", accepted);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "verify") == 0) {
        size_t size;
        uint8_t *image = read_path(argv[2], &size);
        tsm_unit units[TSM_MAX_UNITS];
        int n;
        const char *why = verify_all(image, size, units, &n);
        if (why) {
            printf("%s\n", why);
            return 2;
        }
        printf("ok");
        for (int i = 0; i < n; i++)
            printf(" %s:%" PRIu32, units[i].name, units[i].length);
        printf("\n");
        return 0;
    }
    fprintf(stderr, "usage: blob_harness sum <offset> | make <out> <name> <file>... | verify <image>\n");
    return 1;
}
