/* SPDX-License-Identifier: BSD-3-Clause */
/* ovs-ofctl action text (after "actions=") -> struct action (action.h). */
#include <errno.h>
#include <string.h>

#include "flow/flow_parse_actions.h"
#include "flow/action_table.h"

static int parse_action(struct parser *p, const struct act_word *aw, struct action *a)
{
	const struct action_word *w = action_word_find(aw->name);
	int rc;

	if (w != NULL)
		return w->parse(p, aw, w->arg, a);
	rc = action_parse_bare(p, aw, a);
	if (rc <= 0)
		return rc;
	return fail_at(p, aw->name, "unknown action '%.*s'", aw->name.len, aw->name.at);
}

/* The next action, up to a comma outside parentheses; *sp moves past it. */
static int split_action(struct parser *p, const char **sp, struct act_word *aw)
{
	const char *s = *sp, *start, *end;
	int depth = 0, n = 0;

	while (is_blank(*s))
		s++;
	start = s;
	for (; *s != '\0' && (*s != ',' || depth > 0); s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
	}
	*sp = s;
	end = s;
	while (end > start && is_blank(end[-1]))
		end--;
	while (start + n < end && start[n] != ':' && start[n] != '(')
		n++;
	aw->word = (struct span){ start, (int)(end - start) };
	aw->name = (struct span){ start, n };
	aw->arg = (struct span){ NULL, 0 };
	aw->paren = start + n < end && start[n] == '(';
	if (aw->word.len == 0)
		return fail_at(p, aw->word, "empty action");
	if (start + n == end)
		return 0;
	if (aw->paren && end[-1] != ')')
		return fail_at(p, aw->word, "'%.*s' has no closing ')'", aw->word.len, aw->word.at);
	aw->arg = (struct span){ start + n + 1, (int)(end - start - n - (aw->paren ? 2 : 1)) };
	return 0;
}

int parse_actions(struct parser *p, const char *s)
{
	struct flow_spec *spec = p->spec;
	struct span drop = { NULL, 0 };
	struct act_word last = { .word = { NULL, 0 } };
	unsigned int n_words = 0;

	while (is_blank(*s))
		s++;
	while (*s != '\0') {
		struct act_word aw;

		if (n_words > 0)
			s++; /* the comma */
		if (split_action(p, &s, &aw))
			return -EINVAL;
		if (drop.at != NULL)
			return fail_at(p, drop, "drop must be the only action");
		if (last.word.at != NULL)
			return fail_at(p, last.word, "%.*s must be the last action", last.name.len,
				       last.name.at);
		if (span_is(aw.name, "drop")) {
			if (aw.arg.at != NULL)
				return fail_at(p, aw.word, "drop takes no argument");
			if (n_words > 0)
				return fail_at(p, aw.word, "drop must be the only action");
			drop = aw.word;
		} else {
			struct action *a = &spec->actions[spec->n_actions];
			uint8_t place;

			if (spec->n_actions == FLOW_MAX_ACTIONS)
				return text_fail(&p->t, aw.word.at, aw.word.len,
						 "too many actions (at most %d)", FLOW_MAX_ACTIONS);
			if (parse_action(p, &aw, a))
				return -EINVAL;
			place = action_type_text(a->type)->place;
			if (place == ACTION_FIRST_ONLY && n_words > 0)
				return fail_at(p, aw.word, "%.*s must be the first action",
					       aw.name.len, aw.name.at);
			if (place == ACTION_LAST_ONLY)
				last = aw;
			spec->n_actions++;
		}
		n_words++;
	}
	return 0;
}
