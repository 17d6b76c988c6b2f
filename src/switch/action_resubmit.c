/* SPDX-License-Identifier: BSD-3-Clause */
/* The resubmit family, what it does: look a table up again (resubmit, in
 * the current table or another, as another port if given; goto_table).
 * Only translation sees it: the program holds what the lookups decided. */
#include "switch/action_dp.h"
#include "switch/xlate_ctx.h"

static void xlate_resubmit(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	unsigned int t = a->resubmit.table == FLOW_TABLE_CURRENT ? r->table : a->resubmit.table;

	TRACE(ctx, "resubmit to table %u", t);
	xlate_recurse(ctx, t, a->resubmit.port);
}

static void xlate_goto_table(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	TRACE(ctx, "goto_table:%u", a->goto_table.table);
	xlate_recurse(ctx, a->goto_table.table, OFPORT_NONE);
}

static const struct action_type_dp types[] = {
	{ ACT_RESUBMIT, xlate_resubmit, NULL, false },
	{ ACT_GOTO_TABLE, xlate_goto_table, NULL, false },
};

const struct action_dp action_resubmit_dp = {
	.family = "resubmit", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
