/* SPDX-License-Identifier: BSD-3-Clause */
/* The TTL family, as written: dec_ttl. */
#include "flow/action_text.h"

static void format_dec_ttl(const struct action *a, struct format_ctx *fc)
{
	(void)a;
	format_printf(fc, "dec_ttl");
}

static const struct action_word words[] = {
	{ "dec_ttl", action_parse_plain, ACT_DEC_TTL },
};

static const struct action_type_text types[] = {
	{ ACT_DEC_TTL, format_dec_ttl, ACTION_ANYWHERE },
};

const struct action_text action_ttl_text = {
	.family = "ttl",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
