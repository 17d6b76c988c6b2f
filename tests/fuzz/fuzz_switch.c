/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the switch pipeline's slow path and caches on a bridge
 * built from the input. Each line is a rule in ovs-ofctl syntax, or, after
 * "p ", a packet in trace syntax; the last line's bytes flip key bits.
 * For every packet, on every pass (recirculations included):
 *  - the megaflow holds: the same key with any bits outside the megaflow
 *    mask flipped translates to the very same program, drop reason and
 *    rules to credit (what makes a cached answer right for every packet
 *    it serves);
 *  - the flow cache answers with that program, for both keys;
 *  - programs stay within their bounds.
 * ASan and LeakSanitizer watch rules, cache entries and recirculation
 * states, which are all freed again at the end of each input.
 *
 * fuzz-sources: src/switch/xlate.c src/switch/xlate_ctx.c src/switch/xlate_freeze.c
 * fuzz-sources: src/switch/flow_cache.c src/switch/recirc.c src/switch/bridge_names.c
 * fuzz-sources: src/switch/bridge_changes.c src/switch/bridge_rcu.c src/switch/dp_exec.c
 * fuzz-sources: src/switch/action_*.c
 * fuzz-libs: libdpdk jansson
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_spec.h"
#include "port/port.h"
#include "switch/bridge_changes.h"
#include "switch/bridge_names.h"
#include "switch/bridge_rcu.h"
#include "switch/flow_cache.h"
#include "switch/recirc.h"
#include "switch/xlate.h"

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_switch: " __VA_ARGS__); \
		abort(); \
	} \
} while (0)

#define NPORTS 4
#define MAX_RULES 64
#define MAX_PACKETS 16
#define MAX_LINE 512

static struct bridge br;
static struct port ports[NPORTS + 1];
static struct bridge_port bports[NPORTS + 1];
static struct rule *rules[MAX_RULES];
static unsigned int n_rules;

/* No worker runs here: every grace period is already over. */
void worker_synchronize(void)
{
}

static void bridge_up(void)
{
	memset(&br, 0, sizeof(br));
	for (int i = 1; i <= NPORTS; i++) {
		snprintf(ports[i].name, sizeof(ports[i].name), "p%d", i);
		bports[i].port = &ports[i];
		bports[i].bridge = &br;
		bports[i].ofport = (uint16_t)i;
		bports[i].live = i != NPORTS;  /* one member a guest left */
		snprintf(bports[i].job.name, sizeof(bports[i].job.name), "br/p%d", i);
		br.ports[i] = &bports[i];
	}
	br.max_ofport = NPORTS;
	br.n_ports = NPORTS;
	CHECK(bridge_changes_init(&br) == 0 && recirc_table_init(&br) == 0, "no memory\n");
}

static void bridge_down(void)
{
	for (int t = 0; t <= FLOW_TABLE_MAX; t++)
		if (br.tables[t] != NULL)
			cls_destroy(br.tables[t]);
	for (unsigned int i = 0; i < n_rules; i++) {
		free(rules[i]->actions);
		free(rules[i]->stats);
		free(rules[i]);
	}
	n_rules = 0;
	recirc_collect(&br);
	bridge_sync();
	recirc_table_fini(&br);
	bridge_changes_fini(&br);
}

static void add_rule(const char *text)
{
	static struct flow_spec s;
	struct flow_parse_error e;
	struct rule *r;

	if (n_rules == MAX_RULES ||
	    flow_spec_parse(text, FLOW_PARSE_ADD, bridge_port_lookup, &br, &s, &e) != 0)
		return;
	if (br.tables[s.table] == NULL && (br.tables[s.table] = cls_create(NULL, NULL)) == NULL)
		return;
	r = calloc(1, sizeof(*r));
	CHECK(r != NULL, "no memory\n");
	r->cr.match = s.match;
	r->cr.priority = s.priority;
	r->table = s.table;
	r->stats = calloc(1, sizeof(*r->stats));
	r->actions = malloc(sizeof(*r->actions) + s.n_actions * sizeof(s.actions[0]));
	CHECK(r->stats && r->actions, "no memory\n");
	r->actions->n = s.n_actions;
	memcpy(r->actions->acts, s.actions, s.n_actions * sizeof(s.actions[0]));
	if (cls_insert(br.tables[s.table], &r->cr) != 0) {
		free(r->actions);
		free(r->stats);
		free(r);
		return;
	}
	rules[n_rules++] = r;
	bridge_rule_changed(&br, r);
}

/* The packet as pkt_parse would make it: a tag with dl_type 0x8100 or
 * 0x88a8 after it has another below (as trace reads it). */
static bool packet_key(const char *text, struct flow_key *k)
{
	static struct flow_spec s;
	struct flow_parse_error e;
	uint16_t type;

	if (flow_spec_parse(text, FLOW_PARSE_PACKET, bridge_port_lookup, &br, &s, &e) != 0 ||
	    s.match.key.in_port == 0)
		return false;
	*k = s.match.key;
	type = rte_be_to_cpu_16(k->dl_type);
	if (k->vlan_tci & RTE_BE16(FLOW_VLAN_PRESENT))
		k->vlan_depth = type == 0x8100 || type == 0x88a8 ? 2 : 1;
	return true;
}

struct outcome {
	struct dp_program prog;   /* 50 KB: static, one per role */
	struct flow_key wc;
};

static bool same_program(const struct dp_program *a, const struct dp_program *b)
{
	if (a->n_ops != b->n_ops || a->n_rules != b->n_rules)
		return false;
	if (a->n_ops == 0 && a->drop != b->drop)
		return false;
	return memcmp(a->ops, b->ops, a->n_ops * sizeof(a->ops[0])) == 0 &&
	       memcmp(a->rules, b->rules, a->n_rules * sizeof(a->rules[0])) == 0;
}

static void release(const struct dp_program *p)
{
	const struct recirc_state *st = dp_program_recirc(p->ops, p->n_ops);

	if (st != NULL)
		recirc_release(st);
}

static bool same_as_entry(const struct dp_program *p, const struct dp_entry *e)
{
	return e->n_ops == p->n_ops && (p->n_ops != 0 || e->drop == p->drop) &&
	       memcmp(e->ops, p->ops, p->n_ops * sizeof(p->ops[0])) == 0;
}

/* Key bits outside the mask, flipped by the noise bytes; never the
 * fields only the datapath sets. */
static struct flow_key flipped(const struct flow_key *k, const struct flow_key *wc,
			       const uint8_t *noise, size_t n_noise)
{
	struct flow_key out = *k;
	uint8_t *o = (uint8_t *)&out;
	const uint8_t *w = (const uint8_t *)wc;

	for (size_t i = 0; i < sizeof(out) && n_noise; i++)
		o[i] ^= noise[i % n_noise] & (uint8_t)~w[i];
	out.vlan_depth = k->vlan_depth;
	out.recirc_id = k->recirc_id;
	out.in_port = k->in_port;
	return out;
}

static struct outcome first, second;

/* On a failed check: both programs and both keys, for the report. */
static void explain(const struct flow_key *a, const struct flow_key *b)
{
	const struct outcome *o[2] = { &first, &second };
	const struct flow_key *k[2] = { a, b };
	char buf[4096];

	for (int i = 0; i < 2; i++) {
		flow_actions_format(o[i]->prog.ops, o[i]->prog.n_ops, bridge_port_name, &br, buf,
				    sizeof(buf));
		fprintf(stderr, "key %d:", i);
		for (size_t j = 0; j < sizeof(*k[i]); j++)
			fprintf(stderr, "%s%02x", j % 8 ? "" : " ", ((const uint8_t *)k[i])[j]);
		fprintf(stderr, "\n  program: %s (drop %u, rules %u)\n", o[i]->prog.n_ops ? buf : "drop",
			o[i]->prog.drop, o[i]->prog.n_rules);
	}
}

static void check_packet(struct flow_cache *c, struct flow_key key, const uint8_t *noise,
			 size_t n_noise)
{
	const struct recirc_state *resume = NULL;
	enum cache_level lv;

	for (unsigned int pass = 1; pass <= RECIRC_MAX_PASSES; pass++) {
		struct flow_key other;
		const struct dp_entry *e;

		xlate_resume(&br, resume, &key, &first.prog, &first.wc, NULL);
		CHECK(first.prog.n_ops <= XLATE_MAX_OPS && first.prog.n_rules <= XLATE_MAX_RULES,
		      "program out of bounds\n");
		CHECK(first.prog.n_ops != 0 || first.prog.drop < BR_DROP__COUNT, "bad drop\n");
		other = flipped(&key, &first.wc, noise, n_noise);
		xlate_resume(&br, resume, &other, &second.prog, &second.wc, NULL);
		if (!same_program(&first.prog, &second.prog))
			explain(&key, &other);
		CHECK(same_program(&first.prog, &second.prog),
		      "pass %u: a key in the same megaflow translates differently\n", pass);
		release(&second.prog);
		e = flow_cache_lookup_pass(c, &br, &key, flow_cache_hash(&key), resume, &lv);
		CHECK(e != NULL && same_as_entry(&first.prog, e), "pass %u: cache differs\n", pass);
		e = flow_cache_lookup_pass(c, &br, &other, flow_cache_hash(&other), resume, &lv);
		CHECK(e != NULL && same_as_entry(&first.prog, e),
		      "pass %u: cache differs for a key of the same megaflow\n", pass);
		resume = dp_program_recirc(first.prog.ops, first.prog.n_ops);
		if (resume == NULL)
			return;
		/* The next pass, as trace runs it: the key as the actions left
		 * it, with the state's metadata. The state stays held by the
		 * cache entry; the program's own reference goes. */
		key = first.prog.key_out;
		recirc_apply(resume, &key);
		recirc_release(resume);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_key packets[MAX_PACKETS];
	unsigned int n_packets = 0;
	const uint8_t *noise = data;
	size_t n_noise = 0, pos = 0;
	struct flow_cache *c;
	char line[MAX_LINE];

	bridge_up();
	while (pos < size) {
		size_t end = pos;

		while (end < size && data[end] != '\n')
			end++;
		if (end - pos < sizeof(line)) {
			memcpy(line, data + pos, end - pos);
			line[end - pos] = '\0';
			if (line[0] == 'p' && line[1] == ' ') {
				if (n_packets < MAX_PACKETS && packet_key(line + 2, &packets[n_packets]))
					n_packets++;
			} else {
				add_rule(line);
			}
		}
		noise = data + pos;
		n_noise = end - pos;
		pos = end + 1;
	}
	c = flow_cache_create(0);
	CHECK(c != NULL, "no memory\n");
	flow_cache_catch_up(c, &br, br.gen);
	for (unsigned int i = 0; i < n_packets; i++)
		check_packet(c, packets[i], noise, n_noise);
	flow_cache_destroy(c);
	bridge_down();
	return 0;
}
