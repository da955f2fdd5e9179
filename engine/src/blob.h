/*
 * The tsmetal bytecode image header. QuickJS bytecode is only portable between two builds of
 * the engine with the same version, CONFIG_BIGNUM and predefined atom table, and QuickJS itself
 * checks none of that: JS_ReadObject on a mismatched or corrupt image can crash. So the host
 * compiler wraps the bytecode in this header and the target checks it before reading a byte.
 * All fields are little-endian.
 *
 * The payload is a sequence of units, each a QuickJS bytecode module with a name:
 *   u32 name_length, name (padded to 4 bytes), u32 bytecode_length, u32 bytecode_checksum,
 *   bytecode (padded to 4 bytes).
 * The first unit is the firmware (board and app); the others are loaded on first use
 * (hal.image.load), so code that hello world never runs never costs boot time or heap. The
 * header's checksum covers the first unit's record, which boot reads; every other unit's
 * bytecode is checked against its own checksum when it is loaded, so a lazy unit costs no boot
 * time either, and nothing is read before it is checked.
 */
#ifndef TSM_BLOB_H
#define TSM_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define TSM_BLOB_MAGIC "TSMB"
#define TSM_BLOB_FORMAT 2
#define TSM_BLOB_HEADER_SIZE 24

typedef struct {
    uint32_t format;       /* TSM_BLOB_FORMAT */
    uint32_t fingerprint;  /* tsm_engine_fingerprint() of the compiling engine */
    uint32_t length;       /* payload bytes after the header */
    uint32_t checksum;     /* tsm_checksum() of the payload's first unit record */
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

#define TSM_MAX_UNITS 8
#define TSM_UNIT_NAME_MAX 32

typedef struct {
    char name[TSM_UNIT_NAME_MAX];
    uint8_t *bytecode;
    uint32_t length;
    uint32_t checksum; /* tsm_checksum() of the bytecode */
} tsm_unit;

/* Splits a checked payload into its units; returns their number, or -1 when malformed. */
int tsm_blob_units(uint8_t *payload, uint32_t length, tsm_unit *units, int max_units);

/* Appends one unit record to buf (the caller sizes it with tsm_unit_record_size). */
size_t tsm_unit_record_size(size_t name_len, size_t bytecode_len);
size_t tsm_unit_record_write(uint8_t *buf, const char *name, const uint8_t *bytecode, uint32_t len);

#endif
