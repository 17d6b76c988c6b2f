/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers for the action families' parsers (action_text.h). */
#include "flow/action_text.h"

int action_need_arg(struct parser *p, const struct act_word *aw, const char *what)
{
	if (aw->arg.at != NULL && aw->arg.len > 0)
		return 0;
	return fail_at(p, aw->word, "'%.*s' needs %s", aw->name.len, aw->name.at, what);
}

int action_parse_plain(struct parser *p, const struct act_word *aw, uint8_t type,
		       struct action *a)
{
	if (aw->arg.at != NULL)
		return fail_at(p, aw->word, "'%.*s' takes no argument", aw->name.len, aw->name.at);
	a->type = type;
	return 0;
}
