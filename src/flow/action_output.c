/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The output family, as written: output:P, in_port, normal, flood, all,
 * and a bare port ("actions=1,vm2"). Reserved ports are taken in any
 * case ("actions=NORMAL", "output:in_port") and printed in capitals, as
 * ovs-ofctl prints them.
 */
#include <strings.h>

#include "flow/action_text.h"

static int reserved_or_port(struct parser *p, struct span s, struct action *a)
{
	static const struct {
		const char *name;
		uint8_t type;
	} reserved[] = {
		{ "in_port", ACT_IN_PORT }, { "normal", ACT_NORMAL },
		{ "flood", ACT_FLOOD }, { "all", ACT_ALL },
	};

	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if ((int)strlen(reserved[i].name) == s.len &&
		    strncasecmp(reserved[i].name, s.at, s.len) == 0) {
			a->type = reserved[i].type;
			return 0;
		}
	}
	a->type = ACT_OUTPUT;
	return text_parse_port(&p->t, s.at, s.len, &a->output.port);
}

static int parse_output(struct parser *p, const struct act_word *aw, uint8_t type,
			struct action *a)
{
	(void)type;
	if (action_need_arg(p, aw, "a port"))
		return -EINVAL;
	return reserved_or_port(p, aw->arg, a);
}

/* A bare port outputs to it; a word that is no port is not ours. */
static int parse_bare(struct parser *p, const struct act_word *aw, struct action *a)
{
	int rc;

	if (aw->arg.at != NULL)
		return 1;
	rc = reserved_or_port(p, aw->word, a);
	/* A number's own error (out of range) says more than "unknown". */
	if (rc == 0 || (aw->word.at[0] >= '0' && aw->word.at[0] <= '9'))
		return rc;
	return 1;
}

static void format_output(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "output:");
	format_port(fc, a->output.port);
}

static void format_reserved(const struct action *a, struct format_ctx *fc)
{
	static const char *const names[ACT__COUNT] = {
		[ACT_IN_PORT] = "IN_PORT", [ACT_NORMAL] = "NORMAL",
		[ACT_FLOOD] = "FLOOD", [ACT_ALL] = "ALL",
	};

	format_printf(fc, "%s", names[a->type]);
}

static const struct action_word words[] = {
	{ "output", parse_output, ACT_OUTPUT },
	{ "in_port", action_parse_plain, ACT_IN_PORT },
	{ "normal", action_parse_plain, ACT_NORMAL },
	{ "flood", action_parse_plain, ACT_FLOOD },
	{ "all", action_parse_plain, ACT_ALL },
};

static const struct action_type_text types[] = {
	{ ACT_OUTPUT, format_output, ACTION_ANYWHERE },
	{ ACT_IN_PORT, format_reserved, ACTION_ANYWHERE },
	{ ACT_NORMAL, format_reserved, ACTION_ANYWHERE },
	{ ACT_FLOOD, format_reserved, ACTION_ANYWHERE },
	{ ACT_ALL, format_reserved, ACTION_ANYWHERE },
};

const struct action_text action_output_text = {
	.family = "output",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.bare = parse_bare,
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
