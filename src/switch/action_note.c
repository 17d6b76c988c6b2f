/* SPDX-License-Identifier: BSD-3-Clause */
/* The note family, what it does: nothing; the bytes stay with the rule. */
#include "switch/action_dp.h"
#include "switch/xlate_ctx.h"

static void xlate_note(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)ctx;
	(void)r;
	(void)a;
}

static const struct action_type_dp types[] = {
	{ ACT_NOTE, xlate_note, NULL, false },
};

const struct action_dp action_note_dp = {
	.family = "note", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
