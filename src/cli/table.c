/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli/table.h"

#include <stdlib.h>
#include <string.h>

struct table {
	size_t cols;
	size_t rows;
	size_t cap;
	char **cells; /* rows * cols, row 0 is the header */
};

static void table_append(struct table *t, const char *const *cells)
{
	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = realloc(t->cells, t->cap * t->cols * sizeof(char *));
		if (t->cells == NULL)
			abort();
	}
	for (size_t c = 0; c < t->cols; c++)
		t->cells[t->rows * t->cols + c] = strdup(cells[c] ? cells[c] : "");
	t->rows++;
}

struct table *table_new(const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		abort();
	while (t->cols < TABLE_MAX_COLS && headers[t->cols] != NULL)
		t->cols++;
	table_append(t, headers);
	return t;
}

void table_row(struct table *t, const char *const *cells)
{
	table_append(t, cells);
}

void table_print(const struct table *t, FILE *out)
{
	size_t width[TABLE_MAX_COLS] = { 0 };

	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t len = strlen(t->cells[r * t->cols + c]);

			if (len > width[c])
				width[c] = len;
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *cell = t->cells[r * t->cols + c];

			if (c + 1 == t->cols)
				fprintf(out, "%s\n", cell);
			else
				fprintf(out, "%-*s  ", (int)width[c], cell);
		}
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
