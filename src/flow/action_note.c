/* SPDX-License-Identifier: BSD-3-Clause */
/* The note family, as written: note:01.02.ab (hex bytes, dots optional),
 * kept with the rule and printed back; it does nothing. */
#include "flow/action_text.h"
#include "flow/bytes.h"

static int parse_note(struct parser *p, const struct act_word *aw, uint8_t type,
		      struct action *a)
{
	int i = 0;

	a->type = type;
	while (aw->arg.at != NULL && i < aw->arg.len) {
		int hi = hex_digit(aw->arg.at[i]);
		int lo = i + 1 < aw->arg.len ? hex_digit(aw->arg.at[i + 1]) : -1;

		if (aw->arg.at[i] == '.' && i > 0) {
			i++;
			continue;
		}
		if (hi < 0 || lo < 0)
			return fail_at(p, aw->arg, "'%.*s' is not hex bytes like 01.02.ab",
				       aw->arg.len, aw->arg.at);
		if (a->note.len == ACTION_NOTE_MAX)
			return fail_at(p, aw->arg, "note is longer than %d bytes", ACTION_NOTE_MAX);
		a->note.data[a->note.len++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

static void format_note(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "note:");
	for (unsigned int i = 0; i < a->note.len; i++)
		format_printf(fc, "%s%02x", i > 0 ? "." : "", a->note.data[i]);
}

static const struct action_word words[] = {
	{ "note", parse_note, ACT_NOTE },
};

static const struct action_type_text types[] = {
	{ ACT_NOTE, format_note, ACTION_ANYWHERE },
};

const struct action_text action_note_text = {
	.family = "note",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
