/* SPDX-License-Identifier: BSD-3-Clause */
/* The VLAN family, as written: push_vlan:TPID, strip_vlan and pop_vlan
 * (printed as strip_vlan). mod_vlan_vid and mod_vlan_pcp are set-field. */
#include <rte_ether.h>

#include "flow/action_text.h"

static int parse_push_vlan(struct parser *p, const struct act_word *aw, uint8_t type,
			   struct action *a)
{
	uint64_t tpid;

	if (action_need_arg(p, aw, "a TPID (0x8100 or 0x88a8)") ||
	    text_parse_uint(&p->t, "push_vlan", aw->arg.at, aw->arg.len, 0, UINT16_MAX, &tpid))
		return -EINVAL;
	if (tpid != RTE_ETHER_TYPE_VLAN && tpid != RTE_ETHER_TYPE_QINQ)
		return fail_at(p, aw->arg, "push_vlan takes 0x8100 or 0x88a8, not %.*s",
			       aw->arg.len, aw->arg.at);
	a->type = type;
	a->push_vlan.tpid = rte_cpu_to_be_16((uint16_t)tpid);
	return 0;
}

static void format_push_vlan(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "push_vlan:0x%04x", rte_be_to_cpu_16(a->push_vlan.tpid));
}

static void format_pop_vlan(const struct action *a, struct format_ctx *fc)
{
	(void)a;
	format_printf(fc, "strip_vlan");
}

static const struct action_word words[] = {
	{ "push_vlan", parse_push_vlan, ACT_PUSH_VLAN },
	{ "strip_vlan", action_parse_plain, ACT_POP_VLAN },
	{ "pop_vlan", action_parse_plain, ACT_POP_VLAN },
};

static const struct action_type_text types[] = {
	{ ACT_PUSH_VLAN, format_push_vlan, ACTION_ANYWHERE },
	{ ACT_POP_VLAN, format_pop_vlan, ACTION_ANYWHERE },
};

const struct action_text action_vlan_text = {
	.family = "vlan",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
