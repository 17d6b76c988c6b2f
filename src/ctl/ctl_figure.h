/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Derived figures in replies (cycles per packet, a busy share): one
 * decimal. The counters they come from are exact in the same reply; more
 * digits of a quotient of cycles are noise (765.73041999999998).
 */
#ifndef XVIO_CTL_FIGURE_H
#define XVIO_CTL_FIGURE_H

#include <stdint.h>
#include <jansson.h>

/* scale * num / den to one decimal, 0 if den is 0. */
static inline json_t *json_figure(double scale, uint64_t num, uint64_t den)
{
	if (den == 0)
		return json_real(0.0);
	return json_real((double)(int64_t)(scale * (double)num / (double)den * 10 + 0.5) / 10);
}

#endif
