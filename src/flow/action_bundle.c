/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bundle family, as written (Open vSwitch's syntax):
 *
 *   bundle(FIELDS,BASIS,ALGORITHM,ofport,members:P1,P2,...)
 *
 * FIELDS: eth_src, symmetric_l4, symmetric_l3l4, symmetric_l3l4+udp,
 * nw_src, nw_dst, symmetric_l3; BASIS: a 16-bit hash basis; ALGORITHM:
 * active_backup or hrw; members: 1 to BUNDLE_MAX_MEMBERS ports (the
 * older "slaves:" is read too).
 */
#include "flow/action_text.h"

static const char *const field_names[] = {
	[BUNDLE_ETH_SRC] = "eth_src",
	[BUNDLE_SYMMETRIC_L4] = "symmetric_l4",
	[BUNDLE_SYMMETRIC_L3L4] = "symmetric_l3l4",
	[BUNDLE_SYMMETRIC_L3L4_UDP] = "symmetric_l3l4+udp",
	[BUNDLE_NW_SRC] = "nw_src",
	[BUNDLE_NW_DST] = "nw_dst",
	[BUNDLE_SYMMETRIC_L3] = "symmetric_l3",
};

static const char *const algorithm_names[] = {
	[BUNDLE_ACTIVE_BACKUP] = "active_backup",
	[BUNDLE_HRW] = "hrw",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The index of s among names[n], or an error naming what is expected. */
static int one_of(struct parser *p, struct span s, const char *what, const char *const *names,
		  unsigned int n, uint8_t *out)
{
	for (unsigned int i = 0; i < n; i++)
		if (span_is(s, names[i])) {
			*out = (uint8_t)i;
			return 0;
		}
	return fail_at(p, s, "'%.*s' is not a bundle %s (%s, ... %s)", s.len, s.at, what,
		       names[0], names[n - 1]);
}

/* The next comma-separated part of *rest. */
static struct span next_part(struct span *rest)
{
	const char *comma = memchr(rest->at, ',', rest->len);
	struct span part = { rest->at, comma ? (int)(comma - rest->at) : rest->len };

	*rest = comma ? (struct span){ comma + 1, rest->len - part.len - 1 }
		      : (struct span){ rest->at + rest->len, 0 };
	return part;
}

static int parse_bundle(struct parser *p, const struct act_word *aw, uint8_t type,
			struct action *a)
{
	static const char form[] = "bundle(FIELDS,BASIS,ALGORITHM,ofport,members:PORT,...)";
	struct span rest = aw->arg, part, members;
	uint64_t basis;

	a->type = type;
	if (!aw->paren || aw->arg.len == 0)
		return fail_at(p, aw->word, "bundle is written %s", form);
	if (one_of(p, next_part(&rest), "field set", field_names, N(field_names),
		   &a->bundle.fields))
		return -EINVAL;
	part = next_part(&rest);
	if (text_parse_uint(&p->t, "bundle basis", part.at, part.len, 0, UINT16_MAX, &basis))
		return -EINVAL;
	a->bundle.basis = (uint16_t)basis;
	if (one_of(p, next_part(&rest), "algorithm", algorithm_names, N(algorithm_names),
		   &a->bundle.algorithm))
		return -EINVAL;
	part = next_part(&rest);
	if (!span_is(part, "ofport"))
		return fail_at(p, part, "bundle members are ofport, not '%.*s'", part.len, part.at);
	if (rest.len > 8 && strncmp(rest.at, "members:", 8) == 0)
		members = (struct span){ rest.at + 8, rest.len - 8 };
	else if (rest.len > 7 && strncmp(rest.at, "slaves:", 7) == 0)
		members = (struct span){ rest.at + 7, rest.len - 7 };
	else
		return fail_at(p, aw->word, "bundle is written %s", form);
	while (members.len > 0) {
		part = next_part(&members);
		if (a->bundle.n_members == BUNDLE_MAX_MEMBERS)
			return fail_at(p, part, "bundle has more than %d members", BUNDLE_MAX_MEMBERS);
		if (text_parse_port(&p->t, part.at, part.len,
				    &a->bundle.members[a->bundle.n_members++]))
			return -EINVAL;
	}
	return 0;
}

static void format_bundle(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "bundle(%s,%u,%s,ofport,members:", field_names[a->bundle.fields],
		      a->bundle.basis, algorithm_names[a->bundle.algorithm]);
	for (unsigned int i = 0; i < a->bundle.n_members; i++) {
		if (i > 0)
			format_printf(fc, ",");
		format_port(fc, a->bundle.members[i]);
	}
	format_printf(fc, ")");
}

static const struct action_word words[] = {
	{ "bundle", parse_bundle, ACT_BUNDLE },
};

static const struct action_type_text types[] = {
	{ ACT_BUNDLE, format_bundle, ACTION_ANYWHERE },
};

const struct action_text action_bundle_text = {
	.family = "bundle",
	.words = words, .n_words = N(words),
	.types = types, .n_types = N(types),
};
