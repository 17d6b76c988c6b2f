/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier's hash, one step per 64-bit key word. CRC32C is one
 * instruction and its low bits (the table index) depend on every input bit;
 * the multiply-mix is the portable fallback. bench/classifier compares them.
 */
#ifndef XVIO_CLASSIFIER_HASH_H
#define XVIO_CLASSIFIER_HASH_H

#include <stdint.h>

#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

static inline uint32_t cls_hash_mix(uint32_t h, uint64_t w)
{
	/* Fold the high half down first: a product's high bits see all of
	 * its low bits, but not the other way round. */
	uint64_t x = (w ^ (w >> 32) ^ h) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 32);
}

#ifdef __SSE4_2__
static inline uint32_t cls_hash_crc(uint32_t h, uint64_t w)
{
	return (uint32_t)_mm_crc32_u64(h, w);
}
#define cls_hash_word cls_hash_crc
#else
#define cls_hash_word cls_hash_mix
#endif

#endif
