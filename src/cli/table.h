/* SPDX-License-Identifier: BSD-3-Clause */
/* Aligned text tables for xvioctl's human-readable output. */
#ifndef XVIO_TABLE_H
#define XVIO_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS 16

struct table;

struct table *table_new(const char *const *headers);
/* Add a row of as many cells as headers; the strings are copied. */
void table_row(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif
