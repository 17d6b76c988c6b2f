/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbers as arrays of big-endian bytes, the way fields are stored. */
#ifndef XVIO_BYTES_H
#define XVIO_BYTES_H

#include <stdbool.h>
#include <stdint.h>

/* 0..15, or -1 if c is not a hex digit. */
int hex_digit(char c);
/* Decimal or 0x hex into n big-endian bytes: 0, -EINVAL, -ERANGE. */
int bytes_from_number(const char *s, int len, uint8_t *out, int n);
/* Shift n big-endian bytes as one number. */
void bytes_shl(uint8_t *b, int n, int bits);
void bytes_shr(uint8_t *b, int n, int bits);
uint64_t bytes_to_u64(const uint8_t *b, int n);
void u64_to_bytes(uint64_t v, uint8_t *b, int n);
/* Does the number in b fit in `bits` bits? */
bool bytes_fit(const uint8_t *b, int n, int bits);

#endif
