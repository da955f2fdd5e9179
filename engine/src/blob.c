/* The checksum runs over the whole image at every boot: worth -O2 in an -Os build. */
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

/*
 * Fletcher-64 over little-endian 32-bit words (a trailing partial word is zero-padded): it sees
 * every bit flip and swapped words like a CRC does for random corruption, at under two
 * instructions per byte on a 32-bit core, where the boot path is measured in instructions.
 * The sums are reduced modulo 2^32-1 every 32768 words, before the second one can overflow.
 */
uint32_t tsm_checksum(const uint8_t *data, size_t len)
{
    const uint64_t mod = 0xffffffffu;
    uint64_t a = 0, b = 0;
    size_t i = 0;
    while (i + 4 <= len) {
        size_t block_end = len - (len - i) % 4;
        if (block_end - i > 4 * 32768)
            block_end = i + 4 * 32768;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (((uintptr_t)(data + i) & 3) == 0) {
            const uint32_t *w = (const uint32_t *)(data + i);
            size_t n = (block_end - i) / 4;
            /* four words per iteration: this loop is most of the image check at boot */
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
        a %= mod;
        b %= mod;
    }
    if (i < len) {
        uint32_t w = 0;
        for (unsigned k = 0; i + k < len; k++)
            w |= (uint32_t)data[i + k] << (8 * k);
        a = (a + w) % mod;
        b = (b + a) % mod;
    }
    return (uint32_t)((b << 16) ^ a ^ (b >> 16));
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* Size of the payload's first unit record, or 0 if it does not fit in `length`. */
static size_t first_record_size(const uint8_t *payload, uint32_t length)
{
    if (length < 4)
        return 0;
    uint32_t name_len = get_le32(payload);
    if (name_len == 0 || name_len >= TSM_UNIT_NAME_MAX || length - 4 < pad4(name_len) + 8)
        return 0;
    size_t pos = 4 + pad4(name_len);
    uint32_t bc_len = get_le32(payload + pos);
    if (length - pos - 8 < bc_len)
        return 0;
    size_t end = pos + 8 + pad4(bc_len);
    return end <= length ? end : length;
}

void tsm_blob_write_header(uint8_t header[TSM_BLOB_HEADER_SIZE], const uint8_t *payload,
                           uint32_t length)
{
    memcpy(header, TSM_BLOB_MAGIC, 4);
    put_le32(header + 4, TSM_BLOB_FORMAT);
    put_le32(header + 8, tsm_engine_fingerprint());
    put_le32(header + 12, length);
    put_le32(header + 16, tsm_checksum(payload, first_record_size(payload, length)));
    put_le32(header + 20, 0);
}

tsm_blob_status tsm_blob_check(const uint8_t *image, size_t size, tsm_blob_info *info)
{
    if (size < TSM_BLOB_HEADER_SIZE)
        return TSM_BLOB_TRUNCATED;
    if (memcmp(image, TSM_BLOB_MAGIC, 4) != 0)
        return TSM_BLOB_BAD_MAGIC;
    info->format = get_le32(image + 4);
    info->fingerprint = get_le32(image + 8);
    info->length = get_le32(image + 12);
    info->checksum = get_le32(image + 16);
    if (info->format != TSM_BLOB_FORMAT)
        return TSM_BLOB_BAD_FORMAT;
    if (info->fingerprint != tsm_engine_fingerprint())
        return TSM_BLOB_FINGERPRINT_MISMATCH;
    if (info->length > size - TSM_BLOB_HEADER_SIZE)
        return TSM_BLOB_BAD_LENGTH;
    size_t first = first_record_size(image + TSM_BLOB_HEADER_SIZE, info->length);
    if (first == 0)
        return TSM_BLOB_BAD_LENGTH;
    if (tsm_checksum(image + TSM_BLOB_HEADER_SIZE, first) != info->checksum)
        return TSM_BLOB_BAD_CHECKSUM;
    return TSM_BLOB_OK;
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
    case TSM_BLOB_BAD_LENGTH: return "payload length exceeds the image";
    case TSM_BLOB_BAD_CHECKSUM: return "firmware unit checksum mismatch (corrupt image)";
    }
    return "unknown error";
}

size_t tsm_unit_record_size(size_t name_len, size_t bytecode_len)
{
    return 4 + pad4(name_len) + 8 + pad4(bytecode_len);
}

size_t tsm_unit_record_write(uint8_t *buf, const char *name, const uint8_t *bytecode, uint32_t len)
{
    size_t name_len = strlen(name), pos = 0;
    size_t total = tsm_unit_record_size(name_len, len);
    memset(buf, 0, total);
    put_le32(buf, (uint32_t)name_len);
    memcpy(buf + 4, name, name_len);
    pos = 4 + pad4(name_len);
    put_le32(buf + pos, len);
    put_le32(buf + pos + 4, tsm_checksum(bytecode, len));
    memcpy(buf + pos + 8, bytecode, len);
    return total;
}

int tsm_blob_units(uint8_t *payload, uint32_t length, tsm_unit *units, int max_units)
{
    size_t pos = 0;
    int n = 0;
    while (pos < length) {
        if (n == max_units || length - pos < 4)
            return -1;
        uint32_t name_len = get_le32(payload + pos);
        if (name_len == 0 || name_len >= TSM_UNIT_NAME_MAX || length - pos - 4 < pad4(name_len))
            return -1;
        memcpy(units[n].name, payload + pos + 4, name_len);
        units[n].name[name_len] = 0;
        pos += 4 + pad4(name_len);
        if (length - pos < 8)
            return -1;
        uint32_t bc_len = get_le32(payload + pos);
        if (length - pos - 8 < bc_len)
            return -1;
        units[n].checksum = get_le32(payload + pos + 4);
        units[n].bytecode = payload + pos + 8;
        units[n].length = bc_len;
        pos += 8 + pad4(bc_len);
        n++;
    }
    return n;
}
