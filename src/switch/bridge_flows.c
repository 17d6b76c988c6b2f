/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bridge's flow tables: rules in per-table classifiers, with OpenFlow's
 * add / modify / delete semantics (strict and loose), cookies, counters
 * and timeouts. Control thread only; publication as described in bridge.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "switch/bridge_flows.h"
#include "switch/bridge_changes.h"
#include "switch/bridge_names.h"
#include "switch/bridge_rcu.h"

static struct rule_actions *actions_new(const struct flow_spec *s)
{
	struct rule_actions *a = malloc(sizeof(*a) + s->n_actions * sizeof(a->acts[0]));

	if (a == NULL)
		return NULL;
	a->n = s->n_actions;
	memcpy(a->acts, s->actions, s->n_actions * sizeof(a->acts[0]));
	return a;
}

static void rule_free(void *p)
{
	struct rule *r = p;

	free(r->actions);
	rte_free(r->stats);
	free(r);
}

static struct rule *rule_new(const struct flow_spec *s, uint64_t now)
{
	struct rule *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->cr.match = s->match;
	r->cr.priority = s->priority;
	r->table = s->table;
	r->cookie = s->cookie;
	r->idle_timeout = s->idle_timeout;
	r->hard_timeout = s->hard_timeout;
	r->created_tsc = now;
	r->mod_tsc = now;
	r->actions = actions_new(s);
	r->stats = rte_zmalloc("rule_stats", sizeof(*r->stats) * worker_count(),
			       RTE_CACHE_LINE_SIZE);
	if (r->actions == NULL || r->stats == NULL) {
		rule_free(r);
		return NULL;
	}
	return r;
}

void rule_stats_sum(const struct rule *r, uint64_t *packets, uint64_t *bytes,
		    uint64_t *used_tsc)
{
	*packets = *bytes = 0;
	*used_tsc = r->mod_tsc;
	for (unsigned int w = 0; w < worker_count(); w++) {
		const struct rule_stats *s = &r->stats[w];
		uint64_t used = __atomic_load_n(&s->used_tsc, __ATOMIC_RELAXED);

		*packets += __atomic_load_n(&s->packets, __ATOMIC_RELAXED);
		*bytes += __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
		if (used > *used_tsc)
			*used_tsc = used;
	}
}

static bool timed(const struct rule *r)
{
	return r->idle_timeout || r->hard_timeout;
}

static void unlink_rule(struct bridge *br, struct rule *r)
{
	cls_remove(br->tables[r->table], &r->cr);
	if (timed(r))
		LIST_REMOVE(r, timed);
	br->n_rules--;
	bridge_rule_changed(br, r);
	bridge_defer_free(rule_free, r);
}

/*
 * OpenFlow: adding a rule with the match and priority of an existing one
 * replaces it (new actions, cookie, timeouts; counters restart). Done in
 * place, so no packet ever finds the table without it; the old actions
 * and counters leave with `fresh`, freed after a grace period.
 */
static void replace(struct bridge *br, struct rule *old, struct rule *fresh)
{
	struct rule_actions *acts = old->actions;
	struct rule_stats *stats = old->stats;

	if (timed(old) && !timed(fresh))
		LIST_REMOVE(old, timed);
	else if (!timed(old) && timed(fresh))
		LIST_INSERT_HEAD(&br->timed_rules, old, timed);
	old->cookie = fresh->cookie;
	old->idle_timeout = fresh->idle_timeout;
	old->hard_timeout = fresh->hard_timeout;
	old->created_tsc = fresh->created_tsc;
	old->mod_tsc = fresh->mod_tsc;
	__atomic_store_n(&old->actions, fresh->actions, __ATOMIC_RELEASE);
	__atomic_store_n(&old->stats, fresh->stats, __ATOMIC_RELEASE);
	fresh->actions = acts;
	fresh->stats = stats;
	bridge_rule_changed(br, old);
	bridge_defer_free(rule_free, fresh);
}

static void defer_thunk(void *aux, cls_free_fn fn, void *p)
{
	(void)aux;
	bridge_defer_free(fn, p);
}

/* Meters a rule names must exist (OpenFlow's "unknown meter"). */
static int check_meters(const struct bridge *br, const struct flow_spec *s, char *err,
			size_t errlen)
{
	for (unsigned int i = 0; i < s->n_actions; i++) {
		uint32_t id = s->actions[i].meter.id;

		if (s->actions[i].type == ACT_METER &&
		    (id == 0 || id > METER_MAX || br->meters[id] == NULL)) {
			snprintf(err, errlen, "meter %u does not exist (xvioctl add-meter first)", id);
			return -ENOENT;
		}
	}
	return 0;
}

static int uses_meter(struct cls_rule *cr, void *aux)
{
	const struct rule_actions *a = container_of(cr, struct rule, cr)->actions;
	uint32_t id = *(const uint32_t *)aux;

	for (unsigned int i = 0; i < a->n; i++)
		if (a->acts[i].type == ACT_METER && a->acts[i].meter.id == id)
			return 1;
	return 0;
}

bool bridge_meter_in_use(const struct bridge *br, uint32_t id)
{
	for (unsigned int t = 0; t <= FLOW_TABLE_MAX; t++)
		if (br->tables[t] != NULL && cls_for_each(br->tables[t], uses_meter, &id))
			return true;
	return false;
}

int bridge_flows_add(struct bridge *br, const struct flow_spec *specs, unsigned int n,
		     char *err, size_t errlen)
{
	uint64_t now = rte_rdtsc();
	struct rule **rules;
	unsigned int adds = 0;

	/* Everything that can fail happens before the first change, and the
	 * rule cap is checked before anything is allocated for the rules. */
	for (unsigned int i = 0; i < n; i++) {
		if (check_meters(br, &specs[i], err, errlen))
			return -ENOENT;
		if (br->tables[specs[i].table] == NULL ||
		    cls_find_exact(br->tables[specs[i].table], &specs[i].match,
				   specs[i].priority) == NULL)
			adds++;
	}
	if (br->n_rules + adds > BRIDGE_MAX_RULES) {
		snprintf(err, errlen, "bridge '%s' would have more than %u rules", br->name,
			 BRIDGE_MAX_RULES);
		return -ENOSPC;
	}
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (rules == NULL)
		goto nomem;
	for (unsigned int i = 0; i < n; i++) {
		if (br->tables[specs[i].table] == NULL) {
			br->tables[specs[i].table] = cls_create(defer_thunk, NULL);
			if (br->tables[specs[i].table] == NULL)
				goto nomem;
		}
		rules[i] = rule_new(&specs[i], now);
		if (rules[i] == NULL)
			goto nomem;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct rule *r = rules[i];
		struct classifier *cls = br->tables[r->table];
		struct cls_rule *old = cls_find_exact(cls, &r->cr.match, r->cr.priority);

		if (old != NULL) {
			replace(br, container_of(old, struct rule, cr), r);
			continue;
		}
		if (cls_insert(cls, &r->cr) != 0) {
			/* Only memory can fail here; what was applied stays. */
			rule_free(r);
			for (unsigned int k = i + 1; k < n; k++)
				rule_free(rules[k]);
			free(rules);
			snprintf(err, errlen, "out of memory after %u of %u rules", i, n);
			return -ENOMEM;
		}
		if (r->idle_timeout || r->hard_timeout)
			LIST_INSERT_HEAD(&br->timed_rules, r, timed);
		br->n_rules++;
		bridge_rule_changed(br, r);
	}
	free(rules);
	return 0;
nomem:
	if (rules != NULL)
		for (unsigned int i = 0; i < n; i++)
			if (rules[i] != NULL)
				rule_free(rules[i]);
	free(rules);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* ---- selecting rules ---------------------------------------------------- */

/* Loose selection (OpenFlow non-strict): the rule's match is at least as
 * specific as the filter's, i.e. every packet the rule matches, the filter
 * matches too. */
static bool covers(const struct flow_match *filter, const struct flow_match *rule)
{
	const flow_word_t *fk = flow_key_words(&filter->key), *fm = flow_key_words(&filter->mask);
	const flow_word_t *rk = flow_key_words(&rule->key), *rm = flow_key_words(&rule->mask);

	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if ((fm[i] & ~rm[i]) || ((rk[i] & fm[i]) != fk[i]))
			return false;
	return true;
}

struct select {
	const struct flow_spec *spec;
	bool strict;
	struct rule **out;
	unsigned int n, cap;
	bool nomem;
};

static int collect(struct cls_rule *cr, void *aux)
{
	struct select *s = aux;
	struct rule *r = container_of(cr, struct rule, cr);
	const struct flow_spec *f = s->spec;

	if ((r->cookie & f->cookie_mask) != (f->cookie & f->cookie_mask))
		return 0;
	if (s->strict ? (r->cr.priority != f->priority ||
			 memcmp(&r->cr.match, &f->match, sizeof(f->match)) != 0)
		      : !covers(&f->match, &r->cr.match))
		return 0;
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 64;
		struct rule **out = realloc(s->out, cap * sizeof(*out));

		if (out == NULL) {
			s->nomem = true;
			return 1;
		}
		s->out = out;
		s->cap = cap;
	}
	s->out[s->n++] = r;
	return 0;
}

static int by_table_priority(const void *a, const void *b)
{
	const struct rule *x = *(struct rule *const *)a, *y = *(struct rule *const *)b;

	if (x->table != y->table)
		return x->table - y->table;
	return (int)y->cr.priority - (int)x->cr.priority;
}

/* The rules a spec selects: in its table, or all tables if none given.
 * Strict: at most one per table, found by its match and priority. */
static int select_rules(struct bridge *br, const struct flow_spec *spec, bool strict,
			struct select *s)
{
	memset(s, 0, sizeof(*s));
	s->spec = spec;
	s->strict = strict;
	for (unsigned int t = 0; t <= FLOW_TABLE_MAX && !s->nomem; t++) {
		struct cls_rule *exact;

		if (br->tables[t] == NULL || (spec->has_table && t != spec->table))
			continue;
		if (!strict) {
			cls_for_each(br->tables[t], collect, s);
			continue;
		}
		exact = cls_find_exact(br->tables[t], &spec->match, spec->priority);
		if (exact != NULL)
			collect(exact, s);
	}
	if (s->nomem) {
		free(s->out);
		return -ENOMEM;
	}
	if (s->n > 1)
		qsort(s->out, s->n, sizeof(*s->out), by_table_priority);
	return 0;
}

int bridge_flows_modify(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count, char *err, size_t errlen)
{
	struct rule_actions **fresh;
	struct select s;

	if (check_meters(br, spec, err, errlen))
		return -ENOENT;
	if (select_rules(br, spec, strict, &s))
		goto nomem;
	fresh = calloc(s.n ? s.n : 1, sizeof(*fresh));
	if (fresh == NULL)
		goto nomem_sel;
	for (unsigned int i = 0; i < s.n; i++) {
		fresh[i] = actions_new(spec);
		if (fresh[i] == NULL) {
			for (unsigned int k = 0; k < i; k++)
				free(fresh[k]);
			free(fresh);
			goto nomem_sel;
		}
	}
	for (unsigned int i = 0; i < s.n; i++) {
		struct rule *r = s.out[i];
		struct rule_actions *old = r->actions;

		__atomic_store_n(&r->actions, fresh[i], __ATOMIC_RELEASE);
		r->mod_tsc = rte_rdtsc();
		bridge_rule_changed(br, r);
		bridge_defer_free(free, old);
	}
	*count = s.n;
	free(fresh);
	free(s.out);
	return 0;
nomem_sel:
	free(s.out);
nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

int bridge_flows_delete(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count)
{
	struct select s;

	*count = 0;
	if (select_rules(br, spec, strict, &s))
		return -ENOMEM;
	for (unsigned int i = 0; i < s.n; i++)
		unlink_rule(br, s.out[i]);
	*count = s.n;
	free(s.out);
	return 0;
}

void bridge_flows_dump(struct bridge *br, const struct flow_spec *filter,
		       void (*fn)(const struct rule *r, void *aux), void *aux)
{
	struct select s;

	if (select_rules(br, filter, false, &s))
		return;
	for (unsigned int i = 0; i < s.n; i++)
		fn(s.out[i], aux);
	free(s.out);
}

/* The flow text of a rule, as ovs-ofctl would take it back: sized to the
 * text, so a long rule (64 actions with IPv6 values pass 4 KB) is never
 * cut into a different rule. */
char *rule_format(struct bridge *br, const struct rule *r)
{
	const struct rule_actions *acts = r->actions;
	static struct flow_spec spec; /* large: control thread only */
	char *text;
	int len;

	memset(&spec, 0, sizeof(spec));
	spec.table = r->table;
	spec.priority = r->cr.priority;
	spec.cookie = r->cookie;
	spec.cookie_mask = r->cookie ? UINT64_MAX : 0; /* printed only if set */
	spec.idle_timeout = r->idle_timeout;
	spec.hard_timeout = r->hard_timeout;
	spec.match = r->cr.match;
	spec.n_actions = acts->n;
	memcpy(spec.actions, acts->acts, acts->n * sizeof(acts->acts[0]));
	len = flow_spec_format(&spec, true, bridge_port_name, br, NULL, 0);
	text = malloc((size_t)len + 1);
	if (text != NULL)
		flow_spec_format(&spec, true, bridge_port_name, br, text, (size_t)len + 1);
	return text;
}

static void config_one(const struct rule *r, void *aux)
{
	void **a = aux;
	char *text = rule_format(a[0], r);

	/* Out of memory: a null the config loader refuses, not a lost rule. */
	json_array_append_new(a[1], text != NULL ? json_string(text) : json_null());
	free(text);
}

json_t *bridge_flows_config(struct bridge *br)
{
	struct flow_spec all;
	json_t *arr = json_array();
	void *aux[2] = { br, arr };

	memset(&all, 0, sizeof(all));
	bridge_flows_dump(br, &all, config_one, aux);
	return arr;
}

unsigned int bridge_flows_expire(struct bridge *br, uint64_t now_tsc)
{
	uint64_t hz = rte_get_tsc_hz();
	unsigned int n = 0;
	struct rule *r, *next;

	for (r = LIST_FIRST(&br->timed_rules); r != NULL; r = next) {
		uint64_t packets, bytes, used;

		next = LIST_NEXT(r, timed);
		rule_stats_sum(r, &packets, &bytes, &used);
		if (rule_timed_out(r, used, now_tsc, hz)) {
			unlink_rule(br, r);
			n++;
		}
	}
	return n;
}
