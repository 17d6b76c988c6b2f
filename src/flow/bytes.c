/* SPDX-License-Identifier: BSD-3-Clause */
#include "flow/bytes.h"

#include <errno.h>
#include <string.h>

void bytes_shl(uint8_t *b, int n, int bits)
{
	int by = bits / 8, bi = bits % 8;

	for (int i = 0; i < n; i++) {
		int src = i + by;
		uint8_t hi = src < n ? b[src] : 0;
		uint8_t lo = src + 1 < n ? b[src + 1] : 0;

		b[i] = bi == 0 ? hi : (uint8_t)(hi << bi | lo >> (8 - bi));
	}
}

void bytes_shr(uint8_t *b, int n, int bits)
{
	int by = bits / 8, bi = bits % 8;

	for (int i = n - 1; i >= 0; i--) {
		int src = i - by;
		uint8_t lo = src >= 0 ? b[src] : 0;
		uint8_t hi = src - 1 >= 0 ? b[src - 1] : 0;

		b[i] = bi == 0 ? lo : (uint8_t)(lo >> bi | hi << (8 - bi));
	}
}

bool bytes_fit(const uint8_t *b, int n, int bits)
{
	for (int i = 0; i < n; i++) {
		int room = bits - (n - 1 - i) * 8; /* bits of byte i inside the width */

		if (room <= 0 ? b[i] != 0 : room < 8 && (b[i] >> room) != 0)
			return false;
	}
	return true;
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bytes_from_number(const char *s, int len, uint8_t *out, int n)
{
	bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	int base = hex ? 16 : 10;

	memset(out, 0, n);
	if (hex) {
		s += 2;
		len -= 2;
	}
	if (len <= 0)
		return -EINVAL;
	/* All digits first, so "99999x" is "not a number", not "too big". */
	for (int i = 0; i < len; i++)
		if (hex_digit(s[i]) < 0 || hex_digit(s[i]) >= base)
			return -EINVAL;
	for (int i = 0; i < len; i++) {
		unsigned int carry = (unsigned int)hex_digit(s[i]);

		for (int j = n - 1; j >= 0; j--) {
			unsigned int v = out[j] * (unsigned int)base + carry;

			out[j] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry != 0)
			return -ERANGE;
	}
	return 0;
}

uint64_t bytes_to_u64(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

void u64_to_bytes(uint64_t v, uint8_t *b, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}
