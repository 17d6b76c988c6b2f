/* SPDX-License-Identifier: BSD-3-Clause */
/* The recirc family, as printed: recirc(0x1) ends a datapath program's
 * pass (switch/recirc.h). Translation makes it; no rule can name it. */
#include <inttypes.h>

#include "flow/action_text.h"

static void format_recirc(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "recirc(0x%" PRIx32 ")", a->recirc.id);
}

static const struct action_type_text types[] = {
	{ ACT_RECIRC, format_recirc, ACTION_ANYWHERE },
};

const struct action_text action_recirc_text = {
	.family = "recirc",
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
