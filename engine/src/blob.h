/*
 * The tsmetal bytecode image (format 3). QuickJS bytecode is only portable between two builds
 * of the engine with the same version, CONFIG_BIGNUM and predefined atom table, and QuickJS
 * itself checks none of that: JS_ReadObject on a mismatched or corrupt image can crash. So the
 * host compiler wraps the bytecode in this image and the target checks it before reading a byte.
 * All fields are little-endian; every part starts 8-byte aligned and is zero-padded to 8 bytes.
 *
 *   header (40 bytes)
 *     0  magic "TSMB"
 *     4  format (TSM_BLOB_FORMAT)
 *     8  engine fingerprint
 *     12 payload length: bytes after the header (table and units, padding included)
 *     16 unit count (1..TSM_MAX_UNITS)
 *     20 reserved, 0
 *     24 check (tsm_check: two u64) of header bytes 0..23 followed by the unit table
 *   unit table: one 56-byte entry per unit
 *     0  name, NUL-padded (1..31 characters)
 *     32 offset of the unit's bytecode from the payload's start
 *     36 bytecode length (unpadded)
 *     40 check of the bytecode padded to 8 bytes
 *   bytecode of each unit in table order, back to back, each padded to 8 bytes
 *
 * So every byte of the image is under a check: the header's fields and the table under the
 * header check, each unit (with its padding) under its own check, which sits in the table. The
 * parts must tile the image exactly: no gaps, no overlap, nothing after the last unit, and the
 * image's size must be the header's plus the payload length. The first unit is the firmware
 * (board and app), checked at boot; the others are loaded on first use (hal.image.load) and
 * checked then, so a lazy unit costs no boot time, and nothing is read before it is checked.
 */
#ifndef TSM_BLOB_H
#define TSM_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define TSM_BLOB_MAGIC "TSMB"
#define TSM_BLOB_FORMAT 3
#define TSM_BLOB_HEADER_SIZE 40
#define TSM_BLOB_ENTRY_SIZE 56

/*
 * The image check: a Fletcher-style pair of sums over little-endian 32-bit words modulo the
 * prime p = 2^32 + 15 (4294967311, the smallest prime above 2^32), A = Σ w_i and
 * B = Σ (n - i + 1)·w_i. Why this and not CRC-32C, and its boot cost: docs/build-pipeline.md.
 *
 * Guarantees (what the old sum modulo 2^32 - 1 lacked: there 0x00000000 ≡ 0xFFFFFFFF):
 * - every word value 0..2^32-1 is a distinct residue modulo p, so a change to one word, by
 *   δ with 0 < |δ| < 2^32 < p, changes A;
 * - a change to two words i < j by δ_i, δ_j that leaves A equal needs δ_j ≡ -δ_i (mod p); then B
 *   changes by (j - i)·δ_i mod p, and as p is prime and neither 0 < j - i < p nor δ_i is a
 *   multiple of p, that is never 0: every change of up to two words is detected.
 * Both sums are kept below p, stored as two u64.
 */
#define TSM_CHECK_PRIME 4294967311ull

typedef struct {
    uint64_t a, b;
} tsm_check;

void tsm_check_init(tsm_check *c);
/* Adds len bytes as 32-bit words. len must be a multiple of 4 except in the last call (a final
   partial word counts as zero-padded). */
void tsm_check_update(tsm_check *c, const uint8_t *data, size_t len);
/* Reduces the sums modulo p: the stored form. */
void tsm_check_final(tsm_check *c);
int tsm_check_equal(const tsm_check *x, const tsm_check *y);

/* Fingerprint of this engine build: FNV-1a over TSM_ENGINE_ID (version, config, patch set). */
uint32_t tsm_engine_fingerprint(void);
const char *tsm_engine_id(void);

typedef enum {
    TSM_BLOB_OK = 0,
    TSM_BLOB_TRUNCATED,
    TSM_BLOB_BAD_MAGIC,
    TSM_BLOB_BAD_FORMAT,
    TSM_BLOB_FINGERPRINT_MISMATCH,
    TSM_BLOB_BAD_LENGTH,
    TSM_BLOB_BAD_HEADER_CHECK,
    TSM_BLOB_BAD_SIZE,
    TSM_BLOB_BAD_TABLE,
    TSM_BLOB_BAD_CHECKSUM,
} tsm_blob_status;

/* main, format, loop, network, encoding, url, abort, net, http, with room to spare. The host
   mirrors it as IMAGE_MAX_UNITS (tools/lib/image-format.ts; test/engine/src/blob.test.ts). */
#define TSM_MAX_UNITS 16
#define TSM_UNIT_NAME_MAX 32

/* A unit of a checked image, read from its table entry (nothing of it is kept in .bss, which the
   engine snapshot carries: tsm_blob_unit reads the entry again when a unit is needed). */
typedef struct {
    const char *name; /* in the table: NUL-terminated, 1..31 characters */
    uint8_t *bytecode;
    uint32_t length;
    tsm_check check; /* of the bytecode padded to 8 bytes */
} tsm_unit;

/*
 * Checks image (size bytes: the whole section, which must hold the image exactly) and sets
 * *n_units: header, header check, unit table and the first unit's check. The other units are
 * checked with tsm_unit_verify before they are read.
 */
tsm_blob_status tsm_blob_check(uint8_t *image, size_t size, int *n_units);
/* Unit i (0 <= i < *n_units) of an image tsm_blob_check accepted. */
void tsm_blob_unit(uint8_t *image, int i, tsm_unit *unit);
/* 1 if the unit's bytecode (and padding) matches its check. */
int tsm_unit_verify(const tsm_unit *unit);

const char *tsm_blob_status_text(tsm_blob_status status);

/* Host side (engine/host/tsmc.c): the size of an image of n units, and writing one. */
size_t tsm_blob_size(int n, const uint32_t lengths[]);
void tsm_blob_write(uint8_t *out, int n, const char *const names[], const uint8_t *const bytecode[],
                    const uint32_t lengths[]);

#endif
