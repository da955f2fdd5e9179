/* The checks run over the firmware unit and the engine snapshot at every boot: worth -O2 in an
   -Os build. */
#pragma GCC optimize("O2")

#include <string.h>
#include "blob.h"

#ifndef TSM_ENGINE_ID
#error "TSM_ENGINE_ID must be defined by the build (engine version, config flags, patch hash)"
#endif

const char *tsm_engine_id(void) { return TSM_ENGINE_ID; }

uint32_t tsm_engine_fingerprint(void)
{
    uint32_t h = 0x811c9dc5u;
    for (const char *p = TSM_ENGINE_ID; *p; p++) {
        h ^= (uint8_t)*p;
        h *= 0x01000193u;
    }
    return h;
}

void tsm_check_init(tsm_check *c)
{
    c->a = 0;
    c->b = 0;
}

/*
 * The sums are reduced modulo p only every BLOCK_WORDS words: starting below p < 2^33, after k
 * words a < 2^33 + k·2^32 and b < 2^33 + k·(2^33 + k·2^32), under 2^64 for k = 2^15 (about
 * 2^62). Between reductions a word costs a load and two 64-bit adds (about 1.2 instructions
 * per byte on ARMv6, docs/build-pipeline.md).
 */
#define BLOCK_WORDS 32768u

#if defined(__arm__)
/*
 * The boot-time loop on 32-bit ARM (ARM and Thumb-2): one LDM per four words, then a 64-bit add
 * into a and of a into b per word, 19 instructions per 4 words where GCC's code for the C loop
 * below takes 23. Groups of four words from an aligned w; groups > 0.
 */
static const uint32_t *sum_groups(const uint32_t *w, size_t groups, uint64_t *a, uint64_t *b)
{
    uint32_t alo = (uint32_t)*a, ahi = (uint32_t)(*a >> 32), blo = (uint32_t)*b, bhi = (uint32_t)(*b >> 32);
#define TSM_SUM_WORD(r) "adds %[alo], %[alo], " r "\n\tadc %[ahi], %[ahi], #0\n\t" \
                        "adds %[blo], %[blo], %[alo]\n\tadc %[bhi], %[bhi], %[ahi]\n\t"
    __asm__ volatile("1:\n\t"
                     "ldmia %[w]!, {r8, r9, r10, r12}\n\t"
                     TSM_SUM_WORD("r8") TSM_SUM_WORD("r9") TSM_SUM_WORD("r10") TSM_SUM_WORD("r12")
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [w] "+r"(w), [n] "+r"(groups), [alo] "+r"(alo), [ahi] "+r"(ahi),
                       [blo] "+r"(blo), [bhi] "+r"(bhi)
                     :
                     : "r8", "r9", "r10", "r12", "cc", "memory");
#undef TSM_SUM_WORD
    *a = (uint64_t)ahi << 32 | alo;
    *b = (uint64_t)bhi << 32 | blo;
    return w;
}
#endif

void tsm_check_update(tsm_check *c, const uint8_t *data, size_t len)
{
    uint64_t a = c->a, b = c->b;
    size_t i = 0;
    while (i + 4 <= len) {
        size_t block_end = len - (len - i) % 4;
        if (block_end - i > 4 * BLOCK_WORDS)
            block_end = i + 4 * BLOCK_WORDS;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (((uintptr_t)(data + i) & 3) == 0) {
            const uint32_t *w = (const uint32_t *)(data + i);
            size_t n = (block_end - i) / 4;
            /* four words per iteration: this loop is most of the boot-time checks */
#if defined(__arm__)
            if (n >= 4) {
                w = sum_groups(w, n / 4, &a, &b);
                n %= 4;
            }
#endif
            for (; n >= 4; n -= 4, w += 4) {
                a += w[0]; b += a;
                a += w[1]; b += a;
                a += w[2]; b += a;
                a += w[3]; b += a;
            }
            for (; n; n--) {
                a += *w++;
                b += a;
            }
            i = block_end;
        }
#endif
        for (; i < block_end; i += 4) {
            a += (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                 (uint32_t)data[i + 3] << 24;
            b += a;
        }
        a %= TSM_CHECK_PRIME;
        b %= TSM_CHECK_PRIME;
    }
    if (i < len) {
        uint32_t w = 0;
        for (unsigned k = 0; i + k < len; k++)
            w |= (uint32_t)data[i + k] << (8 * k);
        a = (a + w) % TSM_CHECK_PRIME;
        b = (b + a) % TSM_CHECK_PRIME;
    }
    c->a = a;
    c->b = b;
}

void tsm_check_final(tsm_check *c)
{
    c->a %= TSM_CHECK_PRIME;
    c->b %= TSM_CHECK_PRIME;
}

int tsm_check_equal(const tsm_check *x, const tsm_check *y)
{
    return x->a == y->a && x->b == y->b;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_check(uint8_t *p, const tsm_check *c)
{
    put_le32(p, (uint32_t)c->a);
    put_le32(p + 4, (uint32_t)(c->a >> 32));
    put_le32(p + 8, (uint32_t)c->b);
    put_le32(p + 12, (uint32_t)(c->b >> 32));
}

static void get_check(const uint8_t *p, tsm_check *c)
{
    c->a = get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
    c->b = get_le32(p + 8) | (uint64_t)get_le32(p + 12) << 32;
}

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Header bytes 0..23, then the table: what the header's check covers. */
static void header_check(const uint8_t *image, uint32_t n, tsm_check *c)
{
    tsm_check_init(c);
    tsm_check_update(c, image, 24);
    tsm_check_update(c, image + TSM_BLOB_HEADER_SIZE, (size_t)n * TSM_BLOB_ENTRY_SIZE);
    tsm_check_final(c);
}

static void bytecode_check(const uint8_t *bytecode, uint32_t length, tsm_check *c)
{
    tsm_check_init(c);
    tsm_check_update(c, bytecode, pad8(length));
    tsm_check_final(c);
}

size_t tsm_blob_size(int n, const uint32_t lengths[])
{
    size_t size = TSM_BLOB_HEADER_SIZE + (size_t)n * TSM_BLOB_ENTRY_SIZE;
    for (int i = 0; i < n; i++)
        size += pad8(lengths[i]);
    return size;
}

void tsm_blob_write(uint8_t *out, int n, const char *const names[], const uint8_t *const bytecode[],
                    const uint32_t lengths[])
{
    size_t size = tsm_blob_size(n, lengths);
    memset(out, 0, size);
    memcpy(out, TSM_BLOB_MAGIC, 4);
    put_le32(out + 4, TSM_BLOB_FORMAT);
    put_le32(out + 8, tsm_engine_fingerprint());
    put_le32(out + 12, (uint32_t)(size - TSM_BLOB_HEADER_SIZE));
    put_le32(out + 16, (uint32_t)n);
    uint8_t *payload = out + TSM_BLOB_HEADER_SIZE;
    size_t offset = (size_t)n * TSM_BLOB_ENTRY_SIZE;
    for (int i = 0; i < n; i++) {
        uint8_t *entry = payload + (size_t)i * TSM_BLOB_ENTRY_SIZE;
        tsm_check c;
        strncpy((char *)entry, names[i], TSM_UNIT_NAME_MAX - 1);
        put_le32(entry + 32, (uint32_t)offset);
        put_le32(entry + 36, lengths[i]);
        memcpy(payload + offset, bytecode[i], lengths[i]);
        bytecode_check(payload + offset, lengths[i], &c);
        put_check(entry + 40, &c);
        offset += pad8(lengths[i]);
    }
    tsm_check h;
    header_check(out, (uint32_t)n, &h);
    put_check(out + 24, &h);
}

/* A table entry's name: 1..31 characters, then only NULs. */
static int valid_name(const uint8_t *name)
{
    size_t len = 0;
    while (len < TSM_UNIT_NAME_MAX && name[len])
        len++;
    if (len == 0 || len == TSM_UNIT_NAME_MAX)
        return 0;
    for (size_t k = len; k < TSM_UNIT_NAME_MAX; k++)
        if (name[k])
            return 0;
    return 1;
}

void tsm_blob_unit(uint8_t *image, int i, tsm_unit *unit)
{
    uint8_t *payload = image + TSM_BLOB_HEADER_SIZE;
    const uint8_t *entry = payload + (size_t)i * TSM_BLOB_ENTRY_SIZE;
    unit->name = (const char *)entry;
    unit->bytecode = payload + get_le32(entry + 32);
    unit->length = get_le32(entry + 36);
    get_check(entry + 40, &unit->check);
}

tsm_blob_status tsm_blob_check(uint8_t *image, size_t size, int *n_units)
{
    *n_units = 0;
    if (size < TSM_BLOB_HEADER_SIZE)
        return TSM_BLOB_TRUNCATED;
    if (memcmp(image, TSM_BLOB_MAGIC, 4) != 0)
        return TSM_BLOB_BAD_MAGIC;
    if (get_le32(image + 4) != TSM_BLOB_FORMAT)
        return TSM_BLOB_BAD_FORMAT;
    if (get_le32(image + 8) != tsm_engine_fingerprint())
        return TSM_BLOB_FINGERPRINT_MISMATCH;
    uint32_t length = get_le32(image + 12), n = get_le32(image + 16);
    if (length > size - TSM_BLOB_HEADER_SIZE)
        return TSM_BLOB_BAD_LENGTH;
    /* Bounds first, so that the check below reads only inside the image. */
    if (n == 0 || n > TSM_MAX_UNITS || (size_t)n * TSM_BLOB_ENTRY_SIZE > length)
        return TSM_BLOB_BAD_TABLE;
    tsm_check expect, got;
    get_check(image + 24, &expect);
    header_check(image, n, &got);
    if (!tsm_check_equal(&expect, &got))
        return TSM_BLOB_BAD_HEADER_CHECK;
    if (size != TSM_BLOB_HEADER_SIZE + (size_t)length)
        return TSM_BLOB_BAD_SIZE;
    if (get_le32(image + 20) != 0)
        return TSM_BLOB_BAD_TABLE;
    /* The units must tile the payload after the table exactly, each padded to 8 bytes. */
    uint8_t *payload = image + TSM_BLOB_HEADER_SIZE;
    size_t expect_offset = (size_t)n * TSM_BLOB_ENTRY_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *entry = payload + (size_t)i * TSM_BLOB_ENTRY_SIZE;
        uint32_t offset = get_le32(entry + 32), len = get_le32(entry + 36);
        if (!valid_name(entry) || offset != expect_offset || len > length - offset ||
            pad8(len) > length - offset)
            return TSM_BLOB_BAD_TABLE;
        expect_offset = offset + pad8(len);
    }
    if (expect_offset != length)
        return TSM_BLOB_BAD_TABLE;
    tsm_unit first;
    tsm_blob_unit(image, 0, &first);
    if (!tsm_unit_verify(&first))
        return TSM_BLOB_BAD_CHECKSUM;
    *n_units = (int)n;
    return TSM_BLOB_OK;
}

int tsm_unit_verify(const tsm_unit *unit)
{
    tsm_check c;
    bytecode_check(unit->bytecode, unit->length, &c);
    return tsm_check_equal(&c, &unit->check);
}

const char *tsm_blob_status_text(tsm_blob_status status)
{
    switch (status) {
    case TSM_BLOB_OK: return "ok";
    case TSM_BLOB_TRUNCATED: return "image is shorter than its header";
    case TSM_BLOB_BAD_MAGIC: return "not a tsmetal bytecode image (bad magic)";
    case TSM_BLOB_BAD_FORMAT: return "unsupported image format version";
    case TSM_BLOB_FINGERPRINT_MISMATCH:
        return "bytecode was compiled by a different engine build (fingerprint mismatch)";
    case TSM_BLOB_BAD_LENGTH: return "payload length exceeds the image (truncated or corrupt image)";
    case TSM_BLOB_BAD_HEADER_CHECK: return "header or unit table checksum mismatch (corrupt image)";
    case TSM_BLOB_BAD_SIZE:
        return "image size disagrees with its header (truncated, or bytes after the image)";
    case TSM_BLOB_BAD_TABLE: return "malformed unit table (corrupt image)";
    case TSM_BLOB_BAD_CHECKSUM: return "firmware unit checksum mismatch (corrupt image)";
    }
    return "unknown error";
}
