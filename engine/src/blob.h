/*
 * The tsmetal bytecode image header. QuickJS bytecode is only portable between two builds of
 * the engine with the same version, CONFIG_BIGNUM and predefined atom table, and QuickJS itself
 * checks none of that: JS_ReadObject on a mismatched or corrupt image can crash. So the host
 * compiler wraps the bytecode in this header and the target checks it before reading a byte.
 * All fields are little-endian.
 */
#ifndef TSM_BLOB_H
#define TSM_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define TSM_BLOB_MAGIC "TSMB"
#define TSM_BLOB_FORMAT 1
#define TSM_BLOB_HEADER_SIZE 24

typedef struct {
    uint32_t format;       /* TSM_BLOB_FORMAT */
    uint32_t fingerprint;  /* tsm_engine_fingerprint() of the compiling engine */
    uint32_t length;       /* payload bytes after the header */
    uint32_t checksum;     /* tsm_checksum() of the payload */
} tsm_blob_info;

typedef enum {
    TSM_BLOB_OK = 0,
    TSM_BLOB_TRUNCATED,
    TSM_BLOB_BAD_MAGIC,
    TSM_BLOB_BAD_FORMAT,
    TSM_BLOB_FINGERPRINT_MISMATCH,
    TSM_BLOB_BAD_LENGTH,
    TSM_BLOB_BAD_CHECKSUM,
} tsm_blob_status;

/* Fingerprint of this engine build: FNV-1a over TSM_ENGINE_ID (version, config, patch set). */
uint32_t tsm_engine_fingerprint(void);
const char *tsm_engine_id(void);

/* Fletcher-64 of data as little-endian 32-bit words, folded to 32 bits. */
uint32_t tsm_checksum(const uint8_t *data, size_t len);

void tsm_blob_write_header(uint8_t header[TSM_BLOB_HEADER_SIZE], const uint8_t *payload,
                           uint32_t length);

/* Checks image (size bytes) and fills info; on TSM_BLOB_OK the payload follows the header. */
tsm_blob_status tsm_blob_check(const uint8_t *image, size_t size, tsm_blob_info *info);

const char *tsm_blob_status_text(tsm_blob_status status);

#endif
