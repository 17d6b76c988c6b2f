/* SPDX-License-Identifier: BSD-3-Clause */
/* ovs-ofctl flow text -> struct flow_spec (flow_spec.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "flow/flow_parse_actions.h"
#include "flow/flow_parser.h"

static const struct {
	const char *name;
	uint64_t max;
} header_words[HDR__COUNT] = {
	[HDR_TABLE] = { "table", FLOW_TABLE_MAX },
	[HDR_PRIORITY] = { "priority", UINT16_MAX },
	[HDR_COOKIE] = { "cookie", UINT64_MAX },
	[HDR_IDLE] = { "idle_timeout", UINT16_MAX },
	[HDR_HARD] = { "hard_timeout", UINT16_MAX },
};

/* ---- match ---- */

/* OR storage bytes into the match; bits already matched must agree. */
static int merge(struct parser *p, struct span word, int ofs, int n, const uint8_t *v,
		 const uint8_t *m)
{
	uint8_t *key = (uint8_t *)&p->spec->match.key;
	uint8_t *mask = (uint8_t *)&p->spec->match.mask;

	for (int i = 0; i < n; i++) {
		struct span old = p->owner[ofs + i];

		if (mask[ofs + i] & m[i] & (key[ofs + i] ^ v[i]))
			return text_fail(&p->t, word.at, word.len, "'%.*s' contradicts '%.*s'",
					 word.len, word.at, old.len, old.at);
	}
	for (int i = 0; i < n; i++) {
		if (m[i] != 0 && mask[ofs + i] == 0)
			p->owner[ofs + i] = word;
		key[ofs + i] |= v[i] & m[i];
		mask[ofs + i] |= m[i];
	}
	return 0;
}

static int apply_shorthand(struct parser *p, const struct flow_shorthand *sh, struct span word)
{
	static const uint8_t ones[2] = { 0xff, 0xff };
	uint8_t type[2] = { (uint8_t)(sh->dl_type >> 8), (uint8_t)sh->dl_type };
	int rc = merge(p, word, offsetof(struct flow_key, dl_type), 2, type, ones);

	if (rc == 0 && sh->nw_proto != 0)
		rc = merge(p, word, offsetof(struct flow_key, nw_proto), 1, &sh->nw_proto, ones);
	return rc;
}

/* dl_vlan=0xffff is OVS's way to say "no VLAN tag". */
static bool is_no_vlan(const struct field *f, const struct field_text *ft)
{
	uint8_t b[2];

	return f->id == FIELD_DL_VLAN && bytes_from_number(ft->value, ft->value_len, b, 2) == 0 &&
	       b[0] == 0xff && b[1] == 0xff;
}

static int parse_field(struct parser *p, const struct field *f, struct span word,
		       struct span name, struct span val)
{
	struct given *g = &p->given[f->id];
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES];
	uint8_t sv[FIELD_MAX_BYTES], sm[FIELD_MAX_BYTES];
	struct field_text ft;
	char what[32];

	snprintf(what, sizeof(what), "%.*s", name.len, name.at);
	field_split_mask(val.at, val.len, &ft);
	if (ft.mask != NULL && !f->maskable)
		return text_fail(&p->t, ft.mask, ft.mask_len, "%s takes no mask", what);
	if (ft.mask != NULL && p->mode == FLOW_PARSE_PACKET)
		return text_fail(&p->t, ft.mask, ft.mask_len,
				 "a packet has exact values: no mask for %s", what);
	if (is_no_vlan(f, &ft)) {
		memset(sv, 0, 2);
		memset(sm, 0xff, 2);
	} else {
		if (field_parse_value(f, what, &ft, &p->t, v, m))
			return -EINVAL;
		field_to_storage(f, v, m, sv, sm);
	}
	if (g->word.at != NULL) {
		if (memcmp(g->value, sv, f->n_bytes) || memcmp(g->mask, sm, f->n_bytes))
			return text_fail(&p->t, word.at, word.len,
					 "%s given twice with different values", what);
		return 0;
	}
	g->word = word;
	g->name_len = name.len;
	memcpy(g->value, sv, f->n_bytes);
	memcpy(g->mask, sm, f->n_bytes);
	return merge(p, word, f->offset, f->n_bytes, sv, sm);
}

static int parse_header(struct parser *p, enum header_word h, struct span word,
			struct span name, struct span val)
{
	struct flow_spec *spec = p->spec;
	const char *slash = h == HDR_COOKIE ? memchr(val.at, '/', val.len) : NULL;
	struct span mask_text = { NULL, 0 };
	uint64_t v, mask = UINT64_MAX;

	if (p->mode == FLOW_PARSE_PACKET)
		return fail_at(p, name, "%s is not allowed in a packet", header_words[h].name);
	/* OpenFlow's modify changes actions only: timeouts stay. */
	if ((h == HDR_IDLE || h == HDR_HARD) && p->mode != FLOW_PARSE_ADD)
		return fail_at(p, name, "%s is only allowed when adding flows (mod-flows "
			       "changes actions only)", header_words[h].name);
	if (text_parse_uint(&p->t, header_words[h].name, val.at,
			    slash ? (int)(slash - val.at) : val.len, 0, header_words[h].max, &v))
		return -EINVAL;
	if (slash != NULL) {
		mask_text = (struct span){ slash + 1, (int)(val.at + val.len - slash - 1) };
		if (p->mode != FLOW_PARSE_DELETE)
			return fail_at(p, mask_text, "a cookie mask is only allowed when selecting "
				       "flows (del-flows, dump-flows)");
		if (text_parse_uint(&p->t, "cookie mask", mask_text.at, mask_text.len, 0,
				    UINT64_MAX, &mask))
			return -EINVAL;
		v &= mask;
	}
	if (p->hdr_given[h] &&
	    (p->hdr_value[h] != v || (h == HDR_COOKIE && spec->cookie_mask != mask)))
		return text_fail(&p->t, word.at, word.len, "%s given twice with different values",
				 header_words[h].name);
	p->hdr_given[h] = true;
	p->hdr_value[h] = v;
	if (h == HDR_TABLE) {
		spec->table = (uint8_t)v;
		spec->has_table = true;
	} else if (h == HDR_PRIORITY) {
		spec->priority = (uint16_t)v;
	} else if (h == HDR_COOKIE) {
		spec->cookie = v;
		spec->cookie_mask = mask;
	} else if (h == HDR_IDLE) {
		spec->idle_timeout = (uint16_t)v;
	} else {
		spec->hard_timeout = (uint16_t)v;
	}
	return 0;
}

static int parse_word(struct parser *p, const char *w, int len)
{
	const char *eq = memchr(w, '=', len);
	struct span word = { w, len };
	struct span name = { w, eq != NULL ? (int)(eq - w) : len };
	struct span val = { eq != NULL ? eq + 1 : w + len, eq != NULL ? len - name.len - 1 : 0 };
	const struct field *f = field_by_span(name);
	int h = HDR__COUNT;

	for (unsigned int i = 0; i < flow_n_shorthands; i++) {
		if (!span_is(name, flow_shorthands[i].name))
			continue;
		if (eq != NULL)
			return fail_at(p, word, "%s takes no value", flow_shorthands[i].name);
		return apply_shorthand(p, &flow_shorthands[i], word);
	}
	for (int i = 0; i < HDR__COUNT; i++)
		if (span_is(name, header_words[i].name))
			h = i;
	if (h == HDR__COUNT && f == NULL && !span_is(name, "actions"))
		return fail_at(p, name, "unknown field '%.*s'", name.len, name.at);
	if (val.len == 0)
		return fail_at(p, name, "%.*s needs a value (%.*s=...)",
			       name.len, name.at, name.len, name.at);
	if (h != HDR__COUNT)
		return parse_header(p, h, word, name, val);
	return parse_field(p, f, word, name, val);
}

/* After the whole match is read, so the order of words does not matter. */
static int check_match_prereqs(struct parser *p)
{
	const struct given *first = NULL;
	const struct field *f = NULL;

	for (int id = 0; id < FIELD__COUNT; id++) {
		const struct given *g = &p->given[id];

		if (g->word.at == NULL || field_prereq_ok(field_get(id), &p->spec->match))
			continue;
		if (first == NULL || g->word.at < first->word.at) {
			first = g;
			f = field_get(id);
		}
	}
	if (first == NULL)
		return 0;
	return text_fail(&p->t, first->word.at, first->word.len, "%.*s needs %s (e.g. '%s,%.*s')",
			 first->name_len, first->word.at, prereq_needs(f->prereq),
			 prereq_example(f->prereq), first->word.len, first->word.at);
}

int flow_spec_parse(const char *text, enum flow_parse_mode mode,
		    flow_port_lookup_fn lookup, void *aux,
		    struct flow_spec *spec, struct flow_parse_error *err)
{
	struct flow_parse_error dummy;
	struct parser p = {
		.t = { .text = text, .err = err != NULL ? err : &dummy,
		       .lookup = lookup, .aux = aux },
		.mode = mode,
		.spec = spec,
	};
	bool want_actions = mode == FLOW_PARSE_ADD || mode == FLOW_PARSE_MODIFY;
	const char *s = text, *actions = NULL;

	memset(spec, 0, sizeof(*spec));
	spec->priority = FLOW_PRIORITY_DEFAULT;
	memset(p.t.err, 0, sizeof(*p.t.err));
	while (actions == NULL) {
		const char *w;

		/* ovs-ofctl separates words by commas or spaces. */
		s += strspn(s, ", \t\r\n");
		if (*s == '\0')
			break;
		w = s;
		s += strcspn(s, ", \t\r\n");
		if (s - w >= 8 && strncmp(w, "actions=", 8) == 0)
			actions = w;
		else if (parse_word(&p, w, (int)(s - w)))
			return -EINVAL;
	}
	if (check_match_prereqs(&p))
		return -EINVAL;
	if (actions == NULL && want_actions)
		return text_fail(&p.t, text + strlen(text), 0, "actions= is missing");
	if (actions != NULL && mode == FLOW_PARSE_PACKET)
		return text_fail(&p.t, actions, 7, "actions are not allowed in a packet");
	if (actions != NULL && !want_actions)
		return text_fail(&p.t, actions, 7, "actions are not allowed when selecting flows");
	return actions != NULL ? parse_actions(&p, actions + 8) : 0;
}
