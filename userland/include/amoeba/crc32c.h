/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crc32c (Castagnoli, reflected polynomial 0x82f63b78), with SSE4.2's
 * crc32 instruction where the CPU has it: the checksum of the services'
 * on-disk records.
 */
#ifndef AMOEBA_CRC32C_H
#define AMOEBA_CRC32C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The crc of @len bytes at @buf, continuing from @crc (0 to start). */
uint32_t am_crc32c(uint32_t crc, const void *buf, size_t len);
/* The same, a byte at a time from a table: what the fast path must equal. */
uint32_t am_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_CRC32C_H */
