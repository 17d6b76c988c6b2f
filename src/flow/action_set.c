/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The set-field family, as written: set_field:VALUE->FIELD, load:N->F[..],
 * move:SRC[..]->DST[..] and the mod_* words (mod_dl_src:MAC, mod_vlan_vid:N,
 * ...). All writes are ACT_SET_FIELD; `flavor` remembers the spelling so
 * a rule prints back the way it was written.
 */
#include <stdio.h>
#include <string.h>

#include "flow/action_text.h"
#include "flow/bytes.h"

/* Actions that write a field need the match to say the field exists. */
static int check_action_prereq(struct parser *p, const struct act_word *aw,
			       const struct field *f, struct span who)
{
	if (field_prereq_ok(f, &p->spec->match))
		return 0;
	return fail_at(p, aw->word, "%.*s needs %s in the match (e.g. '%s,...')", who.len, who.at,
		       prereq_needs(f->prereq), prereq_example(f->prereq));
}

static int make_set(struct parser *p, const struct act_word *aw, const struct field *f,
		    struct span who, enum set_flavor flavor, const uint8_t *v, const uint8_t *m,
		    struct action *a)
{
	if (check_action_prereq(p, aw, f, who))
		return -EINVAL;
	a->type = ACT_SET_FIELD;
	a->set.field = (uint8_t)f->id;
	a->set.flavor = (uint8_t)flavor;
	field_to_storage(f, v, m, a->set.value, a->set.mask);
	return 0;
}

/* Split "VALUE->FIELD" at the arrow. */
static int split_arrow(struct parser *p, const struct act_word *aw, const char *form,
		       struct span *left, struct span *right)
{
	const char *arrow = memmem(aw->arg.at, aw->arg.len, "->", 2);

	if (arrow == NULL)
		return fail_at(p, aw->word, "'%.*s' is not %s", aw->word.len, aw->word.at, form);
	*left = (struct span){ aw->arg.at, (int)(arrow - aw->arg.at) };
	*right = (struct span){ arrow + 2, (int)(aw->arg.at + aw->arg.len - arrow - 2) };
	return 0;
}

static int need_writable(struct parser *p, const struct field *f, struct span name)
{
	return f->writable ? 0 : fail_at(p, name, "%.*s cannot be written", name.len, name.at);
}

/* FIELD, FIELD[], FIELD[bit] or FIELD[start..end]; *name is FIELD. */
static int parse_subfield(struct parser *p, struct span s, struct span *name,
			  const struct field **fp, struct subfield *sf)
{
	const char *bracket = memchr(s.at, '[', s.len);
	struct span in;
	const char *dots;
	uint64_t start, end;
	char what[48];

	*name = (struct span){ s.at, bracket != NULL ? (int)(bracket - s.at) : s.len };
	if (field_named(p, *name, fp))
		return -EINVAL;
	sf->field = (uint8_t)(*fp)->id;
	sf->ofs = 0;
	sf->n_bits = (*fp)->n_bits;
	if (bracket == NULL)
		return 0;
	if (s.at[s.len - 1] != ']')
		return fail_at(p, s, "'%.*s' is not FIELD[], FIELD[bit] or FIELD[start..end]",
			       s.len, s.at);
	in = (struct span){ bracket + 1, s.len - name->len - 2 };
	if (in.len == 0)
		return 0;
	snprintf(what, sizeof(what), "%.*s bit", name->len, name->at);
	dots = memmem(in.at, in.len, "..", 2);
	if (text_parse_uint(&p->t, what, in.at, dots ? (int)(dots - in.at) : in.len, 0,
			    (*fp)->n_bits - 1, &start))
		return -EINVAL;
	end = start;
	if (dots != NULL && text_parse_uint(&p->t, what, dots + 2, (int)(in.at + in.len - dots - 2),
					    0, (*fp)->n_bits - 1, &end))
		return -EINVAL;
	if (end < start)
		return fail_at(p, in, "'%.*s' ends before it starts", in.len, in.at);
	sf->ofs = (uint8_t)start;
	sf->n_bits = (uint8_t)(end - start + 1);
	return 0;
}

/* mod_dl_src:MAC and friends; `field` is the field they write. */
static int parse_mod(struct parser *p, const struct act_word *aw, uint8_t field,
		     struct action *a)
{
	const struct field *f = field_get(field);
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct field_text ft;
	char what[32];

	if (action_need_arg(p, aw, "a value"))
		return -EINVAL;
	snprintf(what, sizeof(what), "%.*s", aw->name.len, aw->name.at);
	field_split_mask(aw->arg.at, aw->arg.len, &ft);
	if (ft.mask != NULL)
		return text_fail(&p->t, ft.mask, ft.mask_len, "%s takes no mask", what);
	if (field_parse_value(f, what, &ft, &p->t, v, m))
		return -EINVAL;
	return make_set(p, aw, f, aw->name, SET_MOD, v, m, a);
}

static int parse_set_field(struct parser *p, const struct act_word *aw, uint8_t type,
			   struct action *a)
{
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct span val = { 0 }, name = { 0 };
	const struct field *f;
	struct field_text ft;
	char what[32];

	(void)type;
	if (action_need_arg(p, aw, "VALUE->FIELD") ||
	    split_arrow(p, aw, "set_field:VALUE->FIELD", &val, &name) ||
	    field_named(p, name, &f) || need_writable(p, f, name))
		return -EINVAL;
	snprintf(what, sizeof(what), "%.*s", name.len, name.at);
	field_split_mask(val.at, val.len, &ft);
	if (ft.mask != NULL && !f->maskable)
		return text_fail(&p->t, ft.mask, ft.mask_len, "%s takes no mask", what);
	if (field_parse_value(f, what, &ft, &p->t, v, m))
		return -EINVAL;
	return make_set(p, aw, f, name, SET_SET_FIELD, v, m, a);
}

static int parse_load(struct parser *p, const struct act_word *aw, uint8_t type,
		      struct action *a)
{
	uint8_t num[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct span val = { 0 }, dst = { 0 }, name = { 0 };
	const struct field *f;
	struct subfield sf;
	uint8_t *v;
	int rc;

	(void)type;
	if (action_need_arg(p, aw, "VALUE->FIELD[...]") ||
	    split_arrow(p, aw, "load:VALUE->FIELD[...]", &val, &dst) ||
	    parse_subfield(p, dst, &name, &f, &sf) || need_writable(p, f, name))
		return -EINVAL;
	rc = bytes_from_number(val.at, val.len, num, FIELD_MAX_BYTES);
	if (rc == -EINVAL)
		return fail_at(p, val, "'%.*s' is not a number", val.len, val.at);
	if (rc == -ERANGE || !bytes_fit(num, FIELD_MAX_BYTES, sf.n_bits))
		return text_fail(&p->t, val.at, val.len, "%.*s does not fit in %u bits",
				 val.len, val.at, sf.n_bits);
	/* The number fits the subfield, so it fits the field's bytes. */
	v = num + FIELD_MAX_BYTES - f->n_bytes;
	bytes_shl(v, f->n_bytes, sf.ofs);
	memset(m, 0, f->n_bytes);
	for (int bit = sf.ofs; bit < sf.ofs + sf.n_bits; bit++)
		m[f->n_bytes - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
	return make_set(p, aw, f, name, SET_LOAD, v, m, a);
}

static int parse_move(struct parser *p, const struct act_word *aw, uint8_t type,
		      struct action *a)
{
	const struct field *src_f, *dst_f;
	struct span src = { 0 }, dst = { 0 }, src_name = { 0 }, dst_name = { 0 };

	if (action_need_arg(p, aw, "SRC->DST") ||
	    split_arrow(p, aw, "move:SRC[...]->DST[...]", &src, &dst) ||
	    parse_subfield(p, src, &src_name, &src_f, &a->move.src) ||
	    parse_subfield(p, dst, &dst_name, &dst_f, &a->move.dst) ||
	    need_writable(p, dst_f, dst_name) || check_action_prereq(p, aw, src_f, src_name) ||
	    check_action_prereq(p, aw, dst_f, dst_name))
		return -EINVAL;
	if (a->move.src.n_bits != a->move.dst.n_bits)
		return text_fail(&p->t, aw->word.at, aw->word.len,
				 "move needs equal widths: %.*s has %u bits, %.*s has %u",
				 src.len, src.at, a->move.src.n_bits, dst.len, dst.at,
				 a->move.dst.n_bits);
	a->type = type;
	return 0;
}

/* mod_dl_src and friends write one field each: their arg is the field. */
static const struct action_word words[] = {
	{ "set_field", parse_set_field, ACT_SET_FIELD },
	{ "load", parse_load, ACT_SET_FIELD },
	{ "move", parse_move, ACT_MOVE },
	{ "mod_dl_src", parse_mod, FIELD_DL_SRC },
	{ "mod_dl_dst", parse_mod, FIELD_DL_DST },
	{ "mod_nw_src", parse_mod, FIELD_NW_SRC },
	{ "mod_nw_dst", parse_mod, FIELD_NW_DST },
	{ "mod_nw_tos", parse_mod, FIELD_NW_TOS },
	{ "mod_tp_src", parse_mod, FIELD_TP_SRC },
	{ "mod_tp_dst", parse_mod, FIELD_TP_DST },
	/* OVS pushes a tag if there is none: the datapath does. */
	{ "mod_vlan_vid", parse_mod, FIELD_DL_VLAN },
	{ "mod_vlan_pcp", parse_mod, FIELD_DL_VLAN_PCP },
};

/* ---- printing ---- */

static void format_subfield(struct format_ctx *fc, const struct subfield *sf)
{
	const struct field *f = field_get(sf->field);

	format_printf(fc, "%s", f->nxm_name != NULL ? f->nxm_name : f->name);
	if (sf->ofs == 0 && sf->n_bits == f->n_bits)
		format_printf(fc, "[]");
	else if (sf->n_bits == 1)
		format_printf(fc, "[%u]", sf->ofs);
	else
		format_printf(fc, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
}

static bool bit_set(const struct field *f, const uint8_t *m, int bit)
{
	return m[f->n_bytes - 1 - bit / 8] >> (bit % 8) & 1;
}

/* The single run of ones in a user-form mask: its first bit and length. */
static bool mask_run(const struct field *f, const uint8_t *m, struct subfield *sf)
{
	int bit = 0, n = 0;

	while (bit < f->n_bits && !bit_set(f, m, bit))
		bit++;
	while (bit + n < f->n_bits && bit_set(f, m, bit + n))
		n++;
	for (int b = bit + n; b < f->n_bits; b++)
		if (bit_set(f, m, b))
			return false;
	sf->field = (uint8_t)f->id;
	sf->ofs = (uint8_t)bit;
	sf->n_bits = (uint8_t)n;
	return n > 0;
}

/* load:0x5->NXM_NX_REG0[0..3]: the value as one hex number. */
static void format_load(struct format_ctx *fc, const struct field *f, uint8_t *v,
			const struct subfield *sf)
{
	int i = 0;

	bytes_shr(v, f->n_bytes, sf->ofs);
	while (i < f->n_bytes - 1 && v[i] == 0)
		i++;
	format_printf(fc, "load:0x%x", v[i]);
	while (++i < f->n_bytes)
		format_printf(fc, "%02x", v[i]);
	format_printf(fc, "->");
	format_subfield(fc, sf);
}

/* The mod_* word that writes field id, or NULL. */
static const char *mod_name(enum field_id id)
{
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].parse == parse_mod && words[i].arg == id)
			return words[i].name;
	return NULL;
}

/* In the flavor it was written in, if that can say it. */
static void format_set(const struct action *a, struct format_ctx *fc)
{
	const struct field *f = field_get(a->set.field);
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES], width[FIELD_MAX_BYTES];
	const char *mod = mod_name(f->id);
	struct subfield sf;

	field_from_storage(f, a->set.value, a->set.mask, v, m);
	field_width_mask(f, width);
	if (a->set.flavor == SET_MOD && mod != NULL && memcmp(m, width, f->n_bytes) == 0) {
		format_printf(fc, "%s:", mod);
		format_value(fc, f, v, m);
	} else if (a->set.flavor == SET_LOAD && mask_run(f, m, &sf)) {
		format_load(fc, f, v, &sf);
	} else {
		format_printf(fc, "set_field:");
		format_value(fc, f, v, m);
		format_printf(fc, "->%s", f->name);
	}
}

static void format_move(const struct action *a, struct format_ctx *fc)
{
	format_printf(fc, "move:");
	format_subfield(fc, &a->move.src);
	format_printf(fc, "->");
	format_subfield(fc, &a->move.dst);
}

/* ---- the family ---- */

static const struct action_type_text types[] = {
	{ ACT_SET_FIELD, format_set, ACTION_ANYWHERE },
	{ ACT_MOVE, format_move, ACTION_ANYWHERE },
};

const struct action_text action_set_text = {
	.family = "set-field",
	.words = words, .n_words = sizeof(words) / sizeof(words[0]),
	.types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
