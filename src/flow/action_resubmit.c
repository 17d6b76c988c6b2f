/* SPDX-License-Identifier: BSD-3-Clause */
/* The resubmit family, as written: resubmit:P, resubmit(P), resubmit(P,T),
 * resubmit(,T), and goto_table:T (the last action, to a later table). */
#include "flow/action_text.h"

static int parse_table(struct parser *p, struct span s, const char *what, uint8_t *table)
{
	uint64_t v;
	int rc = text_parse_uint(&p->t, what, s.at, s.len, 0, FLOW_TABLE_MAX, &v);

	*table = (uint8_t)v;
	return rc;
}

static int parse_resubmit(struct parser *p, const struct act_word *aw, uint8_t type,
			  struct action *a)
{
	const char *comma = aw->paren ? memchr(aw->arg.at, ',', aw->arg.len) : NULL;
	struct span port = { aw->arg.at, comma ? (int)(comma - aw->arg.at) : aw->arg.len };
	struct span table = { NULL, 0 };

	if (comma != NULL)
		table = (struct span){ comma + 1, aw->arg.len - port.len - 1 };
	a->type = type;
	a->resubmit.port = OFPORT_NONE;
	a->resubmit.table = FLOW_TABLE_CURRENT;
	if (action_need_arg(p, aw, "a port or (port,table)"))
		return -EINVAL;
	if (comma != NULL && memchr(table.at, ',', table.len) != NULL)
		return fail_at(p, aw->word, "resubmit takes (port,table)");
	if (port.len == 0 && table.len == 0)
		return fail_at(p, aw->word, "resubmit needs a port or a table");
	if (port.len > 0 && text_parse_port(&p->t, port.at, port.len, &a->resubmit.port))
		return -EINVAL;
	if (table.len > 0)
		return parse_table(p, table, "table", &a->resubmit.table);
	return 0;
}

static int parse_goto_table(struct parser *p, const struct act_word *aw, uint8_t type,
			    struct action *a)
{
	a->type = type;
	if (action_need_arg(p, aw, "a table") ||
	    parse_table(p, aw->arg, "goto_table", &a->goto_table.table))
		return -EINVAL;
	/* As in OpenFlow: tables are a pipeline, never a loop. */
	if (a->goto_table.table <= p->spec->table)
		return text_fail(&p->t, aw->arg.at, aw->arg.len,
				 "goto_table %u must go to a table after this rule's table %u",
				 a->goto_table.table, p->spec->table);
	return 0;
}

static void format_resubmit(const struct action *a, struct format_ctx *fc)
{
	if (a->resubmit.table == FLOW_TABLE_CURRENT && a->resubmit.port != OFPORT_NONE) {
		format_printf(fc, "resubmit:");
		format_port(fc, a->resubmit.port);
		return;
	}
	format_printf(fc, "resubmit(");
	if (a->resubmit.port != OFPORT_NONE)
		format_port(fc, a->resubmit.port);
	format_printf(fc, ",");
	if (a->resubmit.table != FLOW_TABLE_CURRENT)
		format_printf(fc, "%u", a->resubmit.table);
	format_printf(fc, ")");
}

static void format_goto_table(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "goto_table:%u", a->goto_table.table);
}

static const struct action_word words[] = {
	{ "resubmit", parse_resubmit, ACT_RESUBMIT },
	{ "goto_table", parse_goto_table, ACT_GOTO_TABLE },
};

static const struct action_type_text types[] = {
	{ ACT_RESUBMIT, format_resubmit, ACTION_ANYWHERE },
	{ ACT_GOTO_TABLE, format_goto_table, ACTION_LAST_ONLY },
};

const struct action_text action_resubmit_text = {
	.family = "resubmit",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
