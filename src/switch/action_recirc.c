/* SPDX-License-Identifier: BSD-3-Clause */
/* The recirc family, what it does: end the pass, and send the packet back
 * to be parsed and looked up again (switch/recirc.h). Translation makes it
 * (xlate_freeze.c) and the fast path runs it itself (switch_dp.c). */
#include "switch/action_dp.h"

static const struct action_type_dp types[] = {
	{ ACT_RECIRC, NULL, NULL, false },
};

const struct action_dp action_recirc_dp = {
	.family = "recirc", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
