/* SPDX-License-Identifier: BSD-3-Clause */
/* ovs-ofctl action text (after "actions=") -> struct action (action.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "flow/flow_parse_actions.h"

static int need_arg(struct parser *p, const struct act_word *aw, const char *what)
{
	if (aw->arg.at != NULL && aw->arg.len > 0)
		return 0;
	return fail_at(p, aw->word, "'%.*s' needs %s", aw->name.len, aw->name.at, what);
}

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

static int act_plain(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
{
	if (aw->arg.at != NULL)
		return fail_at(p, aw->word, "'%.*s' takes no argument", aw->name.len, aw->name.at);
	a->type = type;
	return 0;
}

/* OpenFlow's reserved ports, in any case as ovs-ofctl takes them
 * ("actions=NORMAL", "output:in_port"), then the bridge's ports. */
static int out_port(struct parser *p, struct span s, struct action *a)
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

static int act_output(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
{
	(void)type;
	if (need_arg(p, aw, "a port"))
		return -EINVAL;
	return out_port(p, aw->arg, a);
}

/* mod_dl_src:MAC and friends; `field` is the field they write. */
static int act_mod(struct parser *p, const struct act_word *aw, uint8_t field, struct action *a)
{
	const struct field *f = field_get(field);
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct field_text ft;
	char what[32];

	if (need_arg(p, aw, "a value"))
		return -EINVAL;
	snprintf(what, sizeof(what), "%.*s", aw->name.len, aw->name.at);
	field_split_mask(aw->arg.at, aw->arg.len, &ft);
	if (ft.mask != NULL)
		return text_fail(&p->t, ft.mask, ft.mask_len, "%s takes no mask", what);
	if (field_parse_value(f, what, &ft, &p->t, v, m))
		return -EINVAL;
	return make_set(p, aw, f, aw->name, SET_MOD, v, m, a);
}

static int act_push_vlan(struct parser *p, const struct act_word *aw, uint8_t type,
			 struct action *a)
{
	uint64_t tpid;

	if (need_arg(p, aw, "a TPID (0x8100 or 0x88a8)") ||
	    text_parse_uint(&p->t, "push_vlan", aw->arg.at, aw->arg.len, 0, UINT16_MAX, &tpid))
		return -EINVAL;
	if (tpid != RTE_ETHER_TYPE_VLAN && tpid != RTE_ETHER_TYPE_QINQ)
		return fail_at(p, aw->arg, "push_vlan takes 0x8100 or 0x88a8, not %.*s",
			       aw->arg.len, aw->arg.at);
	a->type = type;
	a->push_vlan.tpid = rte_cpu_to_be_16((uint16_t)tpid);
	return 0;
}

static int act_set_field(struct parser *p, const struct act_word *aw, uint8_t type,
			 struct action *a)
{
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct span val = { 0 }, name = { 0 };
	const struct field *f;
	struct field_text ft;
	char what[32];

	(void)type;
	if (need_arg(p, aw, "VALUE->FIELD") ||
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

static int act_load(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
{
	uint8_t num[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	struct span val = { 0 }, dst = { 0 }, name = { 0 };
	const struct field *f;
	struct subfield sf;
	uint8_t *v;
	int rc;

	(void)type;
	if (need_arg(p, aw, "VALUE->FIELD[...]") ||
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

static int act_move(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
{
	const struct field *src_f, *dst_f;
	struct span src = { 0 }, dst = { 0 }, src_name = { 0 }, dst_name = { 0 };

	if (need_arg(p, aw, "SRC->DST") ||
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

static int parse_table(struct parser *p, struct span s, const char *what, uint8_t *table)
{
	uint64_t v;
	int rc = text_parse_uint(&p->t, what, s.at, s.len, 0, FLOW_TABLE_MAX, &v);

	*table = (uint8_t)v;
	return rc;
}

/* resubmit:P, resubmit(P), resubmit(P,T), resubmit(,T) */
static int act_resubmit(struct parser *p, const struct act_word *aw, uint8_t type,
			struct action *a)
{
	const char *comma = aw->paren ? memchr(aw->arg.at, ',', aw->arg.len) : NULL;
	struct span port = { aw->arg.at, comma ? (int)(comma - aw->arg.at) : aw->arg.len };
	struct span table = { NULL, 0 };

	if (comma != NULL)
		table = (struct span){ comma + 1, aw->arg.len - port.len - 1 };
	a->type = type;
	a->resubmit.port = OFPORT_NONE;
	a->resubmit.table = FLOW_TABLE_CURRENT;
	if (need_arg(p, aw, "a port or (port,table)"))
		return -EINVAL;
	if (comma != NULL && memchr(table.at, ',', table.len) != NULL)
		return fail_at(p, aw->word, "resubmit takes (port,table)");
	if (port.len == 0 && table.len == 0)
		return fail_at(p, aw->word, "resubmit needs a port or a table");
	if (port.len > 0 && text_parse_port(&p->t, port.at, port.len, &a->resubmit.port))
		return -EINVAL;
	if (table.len > 0)
		return parse_table(p, table, "table", &a->resubmit.table);
	return 0;
}

static int act_goto_table(struct parser *p, const struct act_word *aw, uint8_t type,
			  struct action *a)
{
	a->type = type;
	if (need_arg(p, aw, "a table") ||
	    parse_table(p, aw->arg, "goto_table", &a->goto_table.table))
		return -EINVAL;
	/* As in OpenFlow: tables are a pipeline, never a loop. */
	if (a->goto_table.table <= p->spec->table)
		return text_fail(&p->t, aw->arg.at, aw->arg.len,
				 "goto_table %u must go to a table after this rule's table %u",
				 a->goto_table.table, p->spec->table);
	return 0;
}

static int act_meter(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
{
	uint64_t id;

	a->type = type;
	/* OpenFlow's meter ids are 1..OFPM_MAX (0xffff0000). */
	if (need_arg(p, aw, "a meter id") ||
	    text_parse_uint(&p->t, "meter", aw->arg.at, aw->arg.len, 1, 0xffff0000u, &id))
		return -EINVAL;
	a->meter.id = (uint32_t)id;
	return 0;
}

/* note:01.02.ab: hex bytes, the dots optional. */
static int act_note(struct parser *p, const struct act_word *aw, uint8_t type, struct action *a)
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

typedef int act_parse_fn(struct parser *p, const struct act_word *aw, uint8_t arg,
			 struct action *a);

static const struct {
	const char *name;
	act_parse_fn *parse;
	uint8_t arg;            /* the action type, or for mod_* the field */
} action_words[] = {
	{ "output", act_output, ACT_OUTPUT },
	{ "in_port", act_plain, ACT_IN_PORT },
	{ "normal", act_plain, ACT_NORMAL },
	{ "flood", act_plain, ACT_FLOOD },
	{ "all", act_plain, ACT_ALL },
	{ "strip_vlan", act_plain, ACT_POP_VLAN },
	{ "pop_vlan", act_plain, ACT_POP_VLAN },
	{ "dec_ttl", act_plain, ACT_DEC_TTL },
	{ "push_vlan", act_push_vlan, ACT_PUSH_VLAN },
	{ "set_field", act_set_field, ACT_SET_FIELD },
	{ "load", act_load, ACT_SET_FIELD },
	{ "move", act_move, ACT_MOVE },
	{ "resubmit", act_resubmit, ACT_RESUBMIT },
	{ "goto_table", act_goto_table, ACT_GOTO_TABLE },
	{ "meter", act_meter, ACT_METER },
	{ "note", act_note, ACT_NOTE },
};

static int parse_action(struct parser *p, const struct act_word *aw, struct action *a)
{
	for (unsigned int i = 0; i < sizeof(action_words) / sizeof(action_words[0]); i++)
		if (span_is(aw->name, action_words[i].name))
			return action_words[i].parse(p, aw, action_words[i].arg, a);
	for (unsigned int i = 0; i < flow_n_mod_actions; i++)
		if (span_is(aw->name, flow_mod_actions[i].name))
			return act_mod(p, aw, flow_mod_actions[i].field, a);
	/* A bare port outputs to it: "actions=1,vm2,NORMAL". */
	if (aw->arg.at == NULL) {
		int rc = out_port(p, aw->word, a);

		/* a number's own error (out of range) says more */
		if (rc == 0 || (aw->word.at[0] >= '0' && aw->word.at[0] <= '9'))
			return rc;
	}
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
	struct span drop = { NULL, 0 }, go = { NULL, 0 };
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
		if (go.at != NULL)
			return fail_at(p, go, "goto_table must be the last action");
		if (span_is(aw.name, "drop")) {
			if (aw.arg.at != NULL)
				return fail_at(p, aw.word, "drop takes no argument");
			if (n_words > 0)
				return fail_at(p, aw.word, "drop must be the only action");
			drop = aw.word;
		} else {
			struct action *a = &spec->actions[spec->n_actions];

			if (spec->n_actions == FLOW_MAX_ACTIONS)
				return text_fail(&p->t, aw.word.at, aw.word.len,
						 "too many actions (at most %d)", FLOW_MAX_ACTIONS);
			if (parse_action(p, &aw, a))
				return -EINVAL;
			if (a->type == ACT_METER && n_words > 0)
				return fail_at(p, aw.word, "meter must be the first action");
			if (a->type == ACT_GOTO_TABLE)
				go = aw.word;
			spec->n_actions++;
		}
		n_words++;
	}
	return 0;
}
