/* SPDX-License-Identifier: BSD-3-Clause */
/* The meter family, as written: meter:N, the first action of a rule (as
 * OpenFlow's meter instruction comes before the actions). */
#include <inttypes.h>

#include "flow/action_text.h"

static int parse_meter(struct parser *p, const struct act_word *aw, uint8_t type,
		       struct action *a)
{
	uint64_t id;

	a->type = type;
	/* OpenFlow's meter ids are 1..OFPM_MAX (0xffff0000). */
	if (action_need_arg(p, aw, "a meter id") ||
	    text_parse_uint(&p->t, "meter", aw->arg.at, aw->arg.len, 1, 0xffff0000u, &id))
		return -EINVAL;
	a->meter.id = (uint32_t)id;
	return 0;
}

static void format_meter(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "meter:%" PRIu32, a->meter.id);
}

static const struct action_word words[] = {
	{ "meter", parse_meter, ACT_METER },
};

static const struct action_type_text types[] = {
	{ ACT_METER, format_meter, ACTION_FIRST_ONLY },
};

const struct action_text action_meter_text = {
	.family = "meter",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
