/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Translation (switch/xlate.h) and the per-worker flow caches
 * (switch/flow_cache.h) on a bridge built in memory: what xlate makes of
 * rules, which key bits it says mattered, and that a cached answer is the
 * answer xlate gives for that very key, checked on random rule sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_spec.h"
#include "port/port.h"
#include "switch/bridge_changes.h"
#include "switch/bridge_names.h"
#include "switch/bridge_rcu.h"
#include "switch/flow_cache.h"
#include "switch/mac_table.h"
#include "switch/recirc.h"
#include "switch/xlate.h"

#define NPORTS 4

static struct bridge br;

/* No worker runs here: every grace period is already over. */
void worker_synchronize(void)
{
}
static struct port ports[BRIDGE_MAX_PORTS + 1];
static struct bridge_port bports[BRIDGE_MAX_PORTS + 1];

/* Ports p1..pN with ofports 1..N. */
static void add_ports(int n)
{
	for (int i = 1; i <= n; i++) {
		snprintf(ports[i].name, sizeof(ports[i].name), "p%d", i);
		bports[i].port = &ports[i];
		bports[i].bridge = &br;
		bports[i].ofport = (uint16_t)i;
		bports[i].live = true;
		snprintf(bports[i].job.name, sizeof(bports[i].job.name), "br/p%d", i);
		br.ports[i] = &bports[i];
	}
	br.max_ofport = (uint16_t)n;
	br.n_ports = (unsigned int)n;
}

static int setup(void **state)
{
	(void)state;
	memset(&br, 0, sizeof(br));
	add_ports(NPORTS);
	return bridge_changes_init(&br) || recirc_table_init(&br);
}

/* Rules are freed after their classifier: cls_for_each may not free. */
static struct rule *all_rules[1024];
static unsigned int n_rules;

static int teardown(void **state)
{
	(void)state;
	for (int t = 0; t <= FLOW_TABLE_MAX; t++)
		if (br.tables[t] != NULL) {
			cls_destroy(br.tables[t]);
			br.tables[t] = NULL;
		}
	for (unsigned int i = 0; i < n_rules; i++) {
		free(all_rules[i]->actions);
		free(all_rules[i]->stats);
		free(all_rules[i]);
	}
	n_rules = 0;
	recirc_table_fini(&br);
	bridge_changes_fini(&br);
	return 0;
}

static struct rule *add(const char *text)
{
	static struct flow_spec s;
	struct flow_parse_error e;
	struct rule *r;

	if (flow_spec_parse(text, FLOW_PARSE_ADD, bridge_port_lookup, &br, &s, &e) != 0)
		fail_msg("'%s': %s", text, e.msg);
	r = calloc(1, sizeof(*r));
	assert_true(n_rules < 1024);
	all_rules[n_rules++] = r;
	r->cr.match = s.match;
	r->cr.priority = s.priority;
	r->table = s.table;
	r->stats = calloc(1, sizeof(*r->stats)); /* one worker */
	r->actions = malloc(sizeof(*r->actions) + s.n_actions * sizeof(s.actions[0]));
	r->actions->n = s.n_actions;
	memcpy(r->actions->acts, s.actions, s.n_actions * sizeof(s.actions[0]));
	if (br.tables[s.table] == NULL)
		br.tables[s.table] = cls_create(NULL, NULL);
	assert_int_equal(cls_insert(br.tables[s.table], &r->cr), 0);
	return r;
}

/* As the control thread changes rules: logged for the caches. */
static struct rule *add_logged(const char *text)
{
	struct rule *r = add(text);

	bridge_rule_changed(&br, r);
	return r;
}

/* The rule stays allocated (teardown frees it), its counters marked: no
 * cached entry may credit them once the cache has caught up. */
#define DELETED_MARK 0xdeadull

static void del_logged(struct rule *r)
{
	cls_remove(br.tables[r->table], &r->cr);
	r->stats[0].used_tsc = DELETED_MARK;
	bridge_rule_changed(&br, r);
}

/* A packet key from trace syntax ("in_port=1,tcp,tp_dst=80"). */
static struct flow_key key_of(const char *text)
{
	static struct flow_spec s;
	struct flow_parse_error e;

	if (flow_spec_parse(text, FLOW_PARSE_PACKET, bridge_port_lookup, &br, &s, &e) != 0)
		fail_msg("'%s': %s", text, e.msg);
	return s.match.key;
}

static struct dp_program prog;
static struct flow_key wc;

static void run(const char *packet)
{
	struct flow_key k = key_of(packet);

	xlate(&br, &k, &prog, &wc, NULL);
}

/* The program as ovs-ofctl action text, for readable assertions. */
static const char *ops_text(void)
{
	static char buf[2048];

	if (prog.n_ops == 0)
		return "drop";
	flow_actions_format(prog.ops, prog.n_ops, bridge_port_name, &br, buf, sizeof(buf));
	return buf;
}

static const char *wc_text(void)
{
	static char buf[1024];
	struct flow_match m = { .mask = wc };

	flow_match_format(&m, bridge_port_name, &br, buf, sizeof(buf));
	return buf;
}

/* ---- xlate -------------------------------------------------------------- */

static void output_rule_becomes_an_output(void **state)
{
	(void)state;
	add("in_port=1,actions=output:p2");
	run("in_port=1,tcp,tp_dst=80");
	assert_string_equal(ops_text(), "output:p2");
	assert_int_equal(prog.n_rules, 1);
}

static void table_miss_is_a_no_match_drop(void **state)
{
	(void)state;
	add("in_port=2,actions=output:p1");
	run("in_port=1,udp");
	assert_int_equal(prog.n_ops, 0);
	assert_int_equal(prog.drop, BR_DROP_NO_MATCH);
}

static void wildcards_hold_in_port_and_the_fields_rules_looked_at(void **state)
{
	(void)state;
	add("priority=10,tcp,tp_dst=80,actions=output:p2");
	run("in_port=1,tcp,nw_src=1.2.3.4,tp_dst=80,tp_src=999");
	/* nw_src and tp_src were never looked at: left wild. */
	assert_non_null(strstr(wc_text(), "in_port"));
	assert_non_null(strstr(wc_text(), "tp_dst"));
	assert_null(strstr(wc_text(), "nw_src"));
	assert_null(strstr(wc_text(), "tp_src"));
}

/* A non-IP packet's L3/L4 fields are 0 whatever its bytes: a megaflow
 * that looked at them would only split for nothing (dl_type decides). */
static void non_ip_megaflow_leaves_l3_and_l4_wild(void **state)
{
	(void)state;
	add("priority=100,tcp,nw_src=10.0.0.1,tp_dst=22,actions=drop");
	add("priority=0,actions=output:p2");
	run("in_port=1,dl_type=0x88cc");
	assert_string_equal(ops_text(), "output:p2");
	assert_string_equal(wc_text(), "in_port=0,dl_type=0x0000"); /* the mask */
	/* IP keeps them: its addresses and ports are real. */
	run("in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80");
	assert_non_null(strstr(wc_text(), "tp_dst"));
	assert_non_null(strstr(wc_text(), "nw_src"));
}

static void output_to_the_input_port_is_skipped(void **state)
{
	(void)state;
	add("actions=output:1,output:p3");
	run("in_port=1");
	assert_string_equal(ops_text(), "output:p3");
}

static void flood_is_every_port_but_the_input(void **state)
{
	(void)state;
	add("actions=flood");
	run("in_port=2");
	assert_string_equal(ops_text(), "output:p1,output:p3,output:p4");
}

/* A bridge may have 256 ports: flooding reaches all of them. */
static void flood_reaches_every_port_of_a_full_bridge(void **state)
{
	(void)state;
	add_ports(BRIDGE_MAX_PORTS);
	add("actions=flood");
	run("in_port=1");
	assert_int_equal(prog.n_ops, BRIDGE_MAX_PORTS - 1);
	for (int i = 0; i < prog.n_ops; i++) {
		assert_int_equal(prog.ops[i].type, ACT_OUTPUT);
		assert_int_equal(prog.ops[i].output.port, i + 2);
	}
}

/* A program that cannot hold every output is not cut short (some ports
 * would silently get nothing): the packet is dropped and counted. */
static void more_outputs_than_a_program_holds_drop_the_packet(void **state)
{
	(void)state;
	add_ports(BRIDGE_MAX_PORTS);
	add("actions=flood,flood,flood");
	run("in_port=1");
	assert_int_equal(prog.n_ops, 0);
	assert_int_equal(prog.drop, BR_DROP_TOO_MANY_ACTIONS);
}

/* Every rule on a packet's way is credited, however many: a rule deep in
 * a chain that stops counting would expire by idle_timeout in use. */
static void every_rule_a_packet_went_through_is_credited(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key k = key_of("in_port=1");
	const struct dp_entry *e;
	enum cache_level lv;
	char rule[64];

	(void)state;
	for (int t = 0; t < 29; t++) {
		snprintf(rule, sizeof(rule), "table=%d,actions=goto_table:%d", t, t + 1);
		add(rule);
	}
	add("table=29,actions=output:p2");
	run("in_port=1");
	assert_string_equal(ops_text(), "output:p2");
	assert_int_equal(prog.n_rules, 30);
	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	assert_int_equal(e->n_stats, 30);
	assert_ptr_equal(e->stats[29], &all_rules[n_rules - 1]->stats[0]);
	flow_cache_destroy(c);
}

static void dec_ttl_of_one_drops_and_looks_at_ttl(void **state)
{
	(void)state;
	add("ip,actions=dec_ttl,output:p2");
	run("in_port=1,ip,nw_ttl=1");
	assert_int_equal(prog.n_ops, 0);
	assert_int_equal(prog.drop, BR_DROP_TTL);
	assert_non_null(strstr(wc_text(), "nw_ttl"));
	run("in_port=1,ip,nw_ttl=9");
	assert_string_equal(ops_text(), "dec_ttl,output:p2");
}

static void registers_steer_between_tables_and_stay_out_of_the_program(void **state)
{
	(void)state;
	add("table=0,actions=load:0x7->NXM_NX_REG2[],resubmit(,3)");
	add("table=3,reg2=7,actions=output:p4");
	add("table=3,reg2=8,actions=output:p3");
	run("in_port=1");
	assert_string_equal(ops_text(), "output:p4");
	assert_int_equal(prog.n_rules, 2);
}

static void resubmit_loop_is_cut_and_counted(void **state)
{
	(void)state;
	add("actions=resubmit(,0)");
	run("in_port=1");
	assert_int_equal(prog.n_ops, 0);
	assert_int_equal(prog.drop, BR_DROP_RESUBMIT_DEPTH);
}

static unsigned int trace_resubmits;

static void count_resubmits(void *aux, int depth, const char *fmt, ...)
{
	(void)aux;
	(void)depth;
	if (strncmp(fmt, "resubmit", 8) == 0)
		trace_resubmits++;
}

/* Each table resubmits twice to the next: 2^20 lookups if nothing bounds
 * the total. Translation stops after XLATE_MAX_RESUBMITS and drops. */
static void resubmit_fanout_is_bounded_and_counted(void **state)
{
	char rule[64];
	struct flow_key k = key_of("in_port=1");

	(void)state;
	for (int t = 0; t < 20; t++) {
		snprintf(rule, sizeof(rule), "table=%d,actions=resubmit(,%d),resubmit(,%d)", t,
			 t + 1, t + 1);
		add(rule);
	}
	add("table=20,actions=load:0x1->NXM_NX_REG0[]");
	trace_resubmits = 0;
	xlate(&br, &k, &prog, &wc, &(struct xlate_trace){ .line = count_resubmits });
	assert_true(trace_resubmits <= XLATE_MAX_RESUBMITS + 1);
	assert_int_equal(prog.n_ops, 0);
	assert_int_equal(prog.drop, BR_DROP_TOO_MANY_RESUBMITS);
}

/* Fan-out within the budget is translated in full: 64 resubmits from
 * table 0, each doing 63 more in table 1 (64 + 64 * 63 = 4096). */
static void resubmits_up_to_the_budget_are_all_done(void **state)
{
	char rule[1024];
	int n;

	(void)state;
	n = snprintf(rule, sizeof(rule), "table=0,actions=");
	for (int i = 0; i < 64; i++)
		n += snprintf(rule + n, sizeof(rule) - (size_t)n, "%sresubmit(,1)", i ? "," : "");
	add(rule);
	n = snprintf(rule, sizeof(rule), "table=1,actions=");
	for (int i = 0; i < 63; i++)
		n += snprintf(rule + n, sizeof(rule) - (size_t)n, "%sresubmit(,2)", i ? "," : "");
	add(rule);
	add("table=2,actions=load:0x1->NXM_NX_REG0[]");
	run("in_port=1");
	assert_int_equal(prog.drop, BR_DROP_ACTION);
	/* One more resubmit in table 1 and the budget is exceeded. */
	teardown(NULL);
	setup(NULL);
	n = snprintf(rule, sizeof(rule), "table=0,actions=");
	for (int i = 0; i < 64; i++)
		n += snprintf(rule + n, sizeof(rule) - (size_t)n, "%sresubmit(,1)", i ? "," : "");
	add(rule);
	n = snprintf(rule, sizeof(rule), "table=1,actions=");
	for (int i = 0; i < 64; i++)
		n += snprintf(rule + n, sizeof(rule) - (size_t)n, "%sresubmit(,2)", i ? "," : "");
	add(rule);
	add("table=2,actions=load:0x1->NXM_NX_REG0[]");
	run("in_port=1");
	assert_int_equal(prog.drop, BR_DROP_TOO_MANY_RESUBMITS);
}

static void vlan_set_on_untagged_pushes_first(void **state)
{
	(void)state;
	add("actions=mod_vlan_vid:5,output:p2");
	run("in_port=1");
	assert_int_equal(prog.n_ops, 3);
	assert_int_equal(prog.ops[0].type, ACT_PUSH_VLAN);
	assert_int_equal(prog.ops[1].type, ACT_SET_FIELD);
	run("in_port=1,dl_vlan=9");
	assert_int_equal(prog.n_ops, 2); /* already tagged: no push */
}

static void move_unwildcards_its_source(void **state)
{
	(void)state;
	add("actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],output:p2");
	run("in_port=1,dl_src=02:00:00:00:00:01");
	assert_non_null(strstr(wc_text(), "dl_src"));
	assert_int_equal(prog.ops[0].type, ACT_SET_FIELD);
	assert_int_equal(prog.ops[0].set.value[5], 1);
}

/* ---- timeouts ----------------------------------------------------------- */

/* The control thread reads its clock, then sums the workers' counters: a
 * worker may stamp a hit after that read. Such a rule is in use, not idle
 * for 2^64 ticks. */
static void a_hit_stamped_after_now_is_not_idle(void **state)
{
	struct rule r = { .idle_timeout = 5, .created_tsc = 1000, .mod_tsc = 1000 };
	uint64_t hz = 1000, now = 50000;

	(void)state;
	assert_false(rule_timed_out(&r, now + 3, now, hz));
	assert_false(rule_timed_out(&r, now - 4999, now, hz));
	assert_true(rule_timed_out(&r, now - 5000, now, hz));
	r.hard_timeout = 60;
	r.created_tsc = now + 1;    /* added after the clock was read */
	assert_false(rule_timed_out(&r, now + 3, now, hz));
}

/* A MAC entry a worker refreshed after the ageing pass read its clock is
 * fresh, not ~136 years old. */
static void a_mac_seen_after_now_is_not_aged_out(void **state)
{
	(void)state;
	assert_int_equal(mac_age_of(1000, 1001), 0);
	assert_int_equal(mac_age_of(1000, 1000), 0);
	assert_int_equal(mac_age_of(1000, 700), 300);
	assert_int_equal(mac_age_of(5, UINT32_MAX - 4), 10);   /* the clock wrapped */
}

/* ---- bundle ------------------------------------------------------------- */

/* The member a TCP flow from port 1 goes to, 0 for none. */
static int member_of(unsigned int sport, bool reverse)
{
	char pkt[160];

	snprintf(pkt, sizeof(pkt), reverse ?
		 "in_port=1,tcp,nw_src=10.0.0.2,nw_dst=10.0.0.1,tp_src=80,tp_dst=%u" :
		 "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=%u,tp_dst=80", sport);
	run(pkt);
	if (prog.n_ops == 0)
		return 0;
	assert_int_equal(prog.n_ops, 1);
	assert_int_equal(prog.ops[0].type, ACT_OUTPUT);
	return prog.ops[0].output.port;
}

static void bundle_hrw_spreads_flows_keeps_each_and_moves_only_a_gone_members(void **state)
{
	int before[200], seen[NPORTS + 1] = { 0 };

	(void)state;
	add("actions=bundle(symmetric_l3l4+udp,7,hrw,ofport,members:2,3,4)");
	for (unsigned int f = 0; f < 200; f++) {
		before[f] = member_of(1000 + f, false);
		assert_true(before[f] >= 2 && before[f] <= 4);
		seen[before[f]]++;
		/* The same flow again, and its other direction: the same member. */
		assert_int_equal(member_of(1000 + f, false), before[f]);
		assert_int_equal(member_of(1000 + f, true), before[f]);
	}
	for (int p = 2; p <= 4; p++)
		assert_true(seen[p] > 200 / 3 / 2);   /* each takes a fair share */
	/* What was hashed is in the megaflow: one flow, one megaflow. */
	assert_string_equal(wc_text(), "in_port=0,dl_type=0x0000,nw_src=0.0.0.0,nw_dst=0.0.0.0,"
			    "nw_proto=0,tp_src=0,tp_dst=0");   /* the mask */
	br.ports[3] = NULL;
	for (unsigned int f = 0; f < 200; f++) {
		int now = member_of(1000 + f, false);

		if (before[f] != 3)
			assert_int_equal(now, before[f]);
		else
			assert_true(now == 2 || now == 4);
	}
	br.ports[3] = &bports[3];
}

static void bundle_active_backup_takes_the_first_attached_member(void **state)
{
	(void)state;
	add("actions=bundle(eth_src,0,active_backup,ofport,members:3,2)");
	run("in_port=1,tcp");
	assert_string_equal(ops_text(), "output:p3");
	assert_string_equal(wc_text(), "in_port=0");   /* no hash: nothing else matters */
	br.ports[3] = NULL;
	run("in_port=1,tcp");
	assert_string_equal(ops_text(), "output:p2");
	br.ports[2] = NULL;
	run("in_port=1,tcp");
	assert_string_equal(ops_text(), "drop");
	br.ports[2] = &bports[2];
	br.ports[3] = &bports[3];
	/* The chosen member is the input port: nothing is sent back. */
	run("in_port=3,tcp");
	assert_string_equal(ops_text(), "drop");
	/* Attached but down (a VM port without its guest): skipped. */
	bports[3].live = false;
	run("in_port=1,tcp");
	assert_string_equal(ops_text(), "output:p2");
	bports[2].live = false;
	run("in_port=1,tcp");
	assert_string_equal(ops_text(), "drop");
}

/* ---- caches ------------------------------------------------------------- */

static void cache_levels_upcall_then_emc_then_megaflow(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key a = key_of("in_port=1,tcp,tp_dst=80,tp_src=1");
	struct flow_key b = key_of("in_port=1,tcp,tp_dst=80,tp_src=2");
	struct flow_key other = key_of("in_port=1,tcp,tp_dst=81,tp_src=1");
	enum cache_level lv;

	(void)state;
	add("priority=10,tcp,tp_dst=80,actions=output:p2");
	add("priority=1,actions=output:p3");
	assert_non_null(flow_cache_lookup(c, &br, &a, flow_cache_hash(&a), &lv));
	assert_int_equal(lv, CACHE_UPCALL);
	assert_non_null(flow_cache_lookup(c, &br, &a, flow_cache_hash(&a), &lv));
	assert_int_equal(lv, CACHE_EMC);
	/* Same megaflow (tp_src is wild), new exact key. */
	assert_non_null(flow_cache_lookup(c, &br, &b, flow_cache_hash(&b), &lv));
	assert_int_equal(lv, CACHE_MEGAFLOW);
	/* tp_dst was looked at: another megaflow. */
	assert_non_null(flow_cache_lookup(c, &br, &other, flow_cache_hash(&other), &lv));
	assert_int_equal(lv, CACHE_UPCALL);
	assert_int_equal(c->n_megaflows, 2);
	assert_null(flow_cache_port_entry(c, 1)); /* depends on tp_dst */
	flow_cache_flush(c);
	assert_int_equal(c->n_megaflows, 0);
	assert_non_null(flow_cache_lookup(c, &br, &a, flow_cache_hash(&a), &lv));
	assert_int_equal(lv, CACHE_UPCALL);
	flow_cache_destroy(c);
}

static void full_megaflow_cache_evicts_a_sixteenth_and_counts(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key first = key_of("in_port=1,ip"), last;
	enum cache_level lv;

	(void)state;
	add("ip,actions=output:p2");
	/* Every key its own megaflow: a rule on the exact source address. */
	add("priority=40000,ip,nw_src=255.255.255.255,actions=drop");
	for (uint32_t i = 0; i <= MEGAFLOW_MAX; i++) {
		struct flow_key k = key_of("in_port=1,ip");

		k.nw_src = rte_cpu_to_be_32(i);
		assert_non_null(flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv));
		assert_int_equal(lv, CACHE_UPCALL);
		last = k;
	}
	assert_int_equal(c->flushes, 0);
	assert_int_equal(c->evictions, MEGAFLOW_EVICT);
	assert_int_equal(c->n_megaflows, MEGAFLOW_MAX - MEGAFLOW_EVICT + 1);
	/* The newest stay cached; the oldest is gone from the EMC as well
	 * (its slot must not lead to the freed entry) and is translated anew. */
	assert_non_null(flow_cache_lookup(c, &br, &last, flow_cache_hash(&last), &lv));
	assert_int_equal(lv, CACHE_EMC);
	first.nw_src = 0;
	assert_non_null(flow_cache_lookup(c, &br, &first, flow_cache_hash(&first), &lv));
	assert_int_equal(lv, CACHE_UPCALL);
	flow_cache_destroy(c);
}

/* A megaflow in use survives a full cache that keeps filling with
 * one-packet flows: eviction goes by use, not by age. */
static void full_megaflow_cache_evicts_what_went_unused(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key hot = key_of("in_port=1,ip");
	enum cache_level lv;

	(void)state;
	add("ip,actions=output:p2");
	add("priority=40000,ip,nw_src=255.255.255.255,actions=drop");
	hot.nw_src = rte_cpu_to_be_32(0xfffffff0);
	assert_non_null(flow_cache_lookup(c, &br, &hot, flow_cache_hash(&hot), &lv));
	for (uint32_t i = 0; i <= 2 * MEGAFLOW_MAX; i++) {
		struct flow_key k = key_of("in_port=1,ip");

		k.nw_src = rte_cpu_to_be_32(i);
		assert_non_null(flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv));
		if (i % 1024 == 0) {   /* the hot flow keeps sending */
			assert_non_null(flow_cache_lookup(c, &br, &hot, flow_cache_hash(&hot), &lv));
			assert_int_not_equal(lv, CACHE_UPCALL);
		}
	}
	assert_true(c->evictions >= MEGAFLOW_MAX);
	assert_true(c->n_megaflows <= MEGAFLOW_MAX);
	flow_cache_destroy(c);
}

/* Random rules over a few fields with small domains, random packets from
 * the same domains: whatever level answers, the cached program must be
 * the program xlate makes for that packet. */
/* The cached answer for packet is what xlate says now: the same program,
 * crediting the same rules. */
static void assert_cache_agrees_with_xlate(struct flow_cache *c, const char *packet)
{
	struct flow_key k = key_of(packet);
	const struct dp_entry *e;
	enum cache_level lv;

	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	assert_non_null(e);
	xlate(&br, &k, &prog, &wc, NULL);
	if (e->n_ops != prog.n_ops ||
	    memcmp(e->ops, prog.ops, prog.n_ops * sizeof(prog.ops[0])) != 0)
		fail_msg("%s: cache (level %d) disagrees with xlate", packet, lv);
	assert_int_equal(e->n_stats, prog.n_rules);
	for (unsigned int i = 0; i < prog.n_rules; i++)
		assert_ptr_equal(e->stats[i], &prog.rules[i]->stats[0]);
}

static void cached_answers_equal_fresh_translation(void **state)
{
	/* Each field in a rule with probability 1/3, values from 0..3. */
	static const char *const fields[] = { ",nw_src=10.0.0.%u", ",nw_dst=10.0.0.%u",
					      ",tp_dst=%u", ",tp_src=%u", ",nw_tos=%u" };
	static const unsigned int scale[] = { 1, 1, 1, 1, 4 };  /* nw_tos: DSCP bits */
	struct flow_cache *c = flow_cache_create(0);
	unsigned int seed = 12345;
	char rule[256], pkt[256];

	(void)state;
	srand(seed);
	printf("seed %u\n", seed);
	for (int i = 0; i < 200; i++) {
		int n = snprintf(rule, sizeof(rule), "priority=%d,tcp", i);

		for (int f = 0; f < 5; f++)
			if (rand() % 3 == 0)
				n += snprintf(rule + n, sizeof(rule) - (size_t)n, fields[f],
					      (unsigned int)(rand() % 4) * scale[f]);
		snprintf(rule + n, sizeof(rule) - (size_t)n, ",actions=output:%d", 1 + rand() % 4);
		add(rule);
	}
	for (int i = 0; i < 20000; i++) {
		snprintf(pkt, sizeof(pkt), "in_port=%d,tcp,nw_src=10.0.0.%d,nw_dst=10.0.0.%d,"
			 "tp_dst=%d,tp_src=%d,nw_tos=%d", 1 + rand() % 4, rand() % 4, rand() % 4,
			 rand() % 4, rand() % 4, (rand() % 4) * 4);
		assert_cache_agrees_with_xlate(c, pkt);
	}
	assert_true(c->n_megaflows > 1);
	flow_cache_destroy(c);
}

static void in_port_only_output_is_remembered_per_port_until_flushed(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key a = key_of("in_port=1,tcp,tp_dst=80");
	struct flow_key b = key_of("in_port=2,tcp,tp_dst=80");
	const struct dp_entry *e;
	enum cache_level lv;

	(void)state;
	add("in_port=1,actions=output:p2");
	add("in_port=2,actions=mod_dl_dst:02:00:00:00:00:01,output:p1");
	e = flow_cache_lookup(c, &br, &a, flow_cache_hash(&a), &lv);
	assert_true(e->port_wide);
	assert_ptr_equal(flow_cache_port_entry(c, 1), e);
	/* A rewrite needs the parsed packet: not port-wide. */
	e = flow_cache_lookup(c, &br, &b, flow_cache_hash(&b), &lv);
	assert_false(e->port_wide);
	assert_null(flow_cache_port_entry(c, 2));
	flow_cache_flush(c);
	assert_null(flow_cache_port_entry(c, 1));
	flow_cache_destroy(c);
}

/* ---- revalidation ------------------------------------------------------- */

static enum cache_level level_of(struct flow_cache *c, const char *packet)
{
	struct flow_key k = key_of(packet);
	enum cache_level lv;

	assert_non_null(flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv));
	return lv;
}

static const char *cached_ops(struct flow_cache *c, const char *packet)
{
	struct flow_key k = key_of(packet);
	const struct dp_entry *e;
	enum cache_level lv;

	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	assert_non_null(e);
	prog.n_ops = e->n_ops;
	memcpy(prog.ops, e->ops, e->n_ops * sizeof(e->ops[0]));
	return ops_text();
}

#define TO_1 "in_port=1,tcp,nw_dst=10.0.0.1"
#define TO_2 "in_port=1,tcp,nw_dst=10.0.0.2"

/* 10.0.0.1 to p2, the rest to p3, logged; a cache that has caught up and
 * holds both megaflows. Returns the rule for 10.0.0.1. */
static struct rule *two_rules_cached(struct flow_cache *c)
{
	struct rule *r = add_logged("priority=10,ip,nw_dst=10.0.0.1,actions=output:p2");

	add_logged("priority=1,actions=output:p3");
	flow_cache_catch_up(c, &br, br.gen);
	assert_string_equal(cached_ops(c, TO_1), "output:p2");
	assert_string_equal(cached_ops(c, TO_2), "output:p3");
	return r;
}

static void an_unrelated_rule_change_keeps_the_cache_warm(void **state)
{
	struct flow_cache *c = flow_cache_create(0);

	(void)state;
	two_rules_cached(c);
	/* Neither megaflow's nw_dst can be 10.9.9.9. */
	add_logged("priority=20,ip,nw_dst=10.9.9.9,actions=drop");
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(level_of(c, TO_1), CACHE_EMC);
	assert_int_equal(level_of(c, TO_2), CACHE_EMC);
	assert_int_equal(c->flushes, 0);
	assert_int_equal(c->revalidated, 0);
	flow_cache_destroy(c);
}

static void a_rule_added_or_deleted_drops_only_the_megaflows_it_overlaps(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct rule *r;

	(void)state;
	r = two_rules_cached(c);
	add_logged("priority=20,ip,nw_dst=10.0.0.2,actions=output:p4");
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->revalidated, 1);
	assert_int_equal(level_of(c, TO_1), CACHE_EMC);
	assert_string_equal(cached_ops(c, TO_2), "output:p4");
	del_logged(r);
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->revalidated, 2);
	assert_string_equal(cached_ops(c, TO_1), "output:p3");
	assert_int_equal(level_of(c, TO_2), CACHE_EMC);
	assert_int_equal(c->flushes, 0);
	flow_cache_destroy(c);
}

/* Table 1 is looked up with nw_dst rewritten to 10.0.0.1: the megaflow of
 * a packet to 10.0.0.7 holds 10.0.0.7 and overlaps no rule on 10.0.0.1,
 * yet a new one in table 1 changes its fate. */
static void a_lookup_of_a_rewritten_key_is_revalidated_by_its_table(void **state)
{
	struct flow_cache *c = flow_cache_create(0);

	(void)state;
	add_logged("in_port=1,tcp,actions=mod_nw_dst:10.0.0.1,resubmit(,1)");
	add_logged("table=1,priority=10,ip,nw_dst=10.0.0.1,actions=output:p2");
	flow_cache_catch_up(c, &br, br.gen);
	assert_string_equal(cached_ops(c, "in_port=1,tcp,nw_dst=10.0.0.7"),
			    "mod_nw_dst:10.0.0.1,output:p2");
	/* Another table: not this megaflow's business. */
	add_logged("table=2,priority=10,ip,actions=drop");
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(level_of(c, "in_port=1,tcp,nw_dst=10.0.0.7"), CACHE_EMC);
	add_logged("table=1,priority=20,ip,nw_dst=10.0.0.1,actions=output:p3");
	flow_cache_catch_up(c, &br, br.gen);
	assert_string_equal(cached_ops(c, "in_port=1,tcp,nw_dst=10.0.0.7"),
			    "mod_nw_dst:10.0.0.1,output:p3");
	flow_cache_destroy(c);
}

static void a_port_change_or_a_lost_log_empties_the_cache(void **state)
{
	struct flow_cache *c = flow_cache_create(0);

	(void)state;
	add_logged("priority=1,actions=output:p3");
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(level_of(c, TO_1), CACHE_UPCALL);
	bridge_changed(&br);
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->flushes, 1);
	assert_int_equal(level_of(c, TO_1), CACHE_UPCALL);
	/* More changes than the log keeps: what they were is lost. */
	for (unsigned int i = 0; i < BRIDGE_CHANGE_LOG + 1; i++)
		bridge_rule_changed(&br, all_rules[0]);
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->flushes, 2);
	assert_int_equal(c->gen, br.gen);
	assert_int_equal(level_of(c, TO_1), CACHE_UPCALL);
	flow_cache_destroy(c);
}

static void random_tcp_fields(char *buf, size_t len, int n)
{
	static const char *const fields[] = { ",nw_src=10.0.0.%u", ",nw_dst=10.0.0.%u",
					      ",tp_dst=%u", ",tp_src=%u" };

	for (int f = 0; f < 4; f++)
		if (rand() % 3 == 0)
			n += snprintf(buf + n, len - (size_t)n, fields[f], (unsigned int)(rand() % 4));
}

/* A random two-table pipeline (table 0 either outputs or rewrites nw_dst
 * and resubmits to table 1) under random adds and deletes: after each
 * catch-up, every cached answer is what xlate says now, credits the
 * rules xlate names, and no entry credits a deleted rule. */
static void cached_answers_stay_exact_under_rule_churn(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct rule *live[1024];
	unsigned int n_live = 0, prio = 0, seed = 4242;
	char rule[256], pkt[256];

	(void)state;
	srand(seed);
	printf("seed %u\n", seed);
	for (int i = 0; i < 30000; i++) {
		if (i % 40 == 0 && (n_live < 60 || rand() % 2) && n_live < 1024 && n_rules < 1000) {
			int table = rand() % 2;
			int n = snprintf(rule, sizeof(rule), "table=%d,priority=%u,tcp", table, ++prio);

			random_tcp_fields(rule, sizeof(rule), n);
			n = (int)strlen(rule);
			if (table == 0 && rand() % 2)
				snprintf(rule + n, sizeof(rule) - (size_t)n,
					 ",actions=mod_nw_dst:10.0.0.%d,resubmit(,1)", rand() % 4);
			else
				snprintf(rule + n, sizeof(rule) - (size_t)n, ",actions=output:%d",
					 1 + rand() % 4);
			live[n_live++] = add_logged(rule);
		} else if (i % 40 == 0 && n_live > 0) {
			unsigned int j = (unsigned int)rand() % n_live;

			del_logged(live[j]);
			live[j] = live[--n_live];
		}
		flow_cache_catch_up(c, &br, br.gen);
		for (struct dp_node *n = c->oldest; n != NULL; n = n->newer)
			for (unsigned int s = 0; s < n->e.n_stats; s++)
				assert_int_not_equal(n->e.stats[s]->used_tsc, DELETED_MARK);
		snprintf(pkt, sizeof(pkt), "in_port=%d,tcp,nw_src=10.0.0.%d,nw_dst=10.0.0.%d,"
			 "tp_dst=%d,tp_src=%d", 1 + rand() % 4, rand() % 4, rand() % 4,
			 rand() % 4, rand() % 4);
		assert_cache_agrees_with_xlate(c, pkt);
	}
	/* It revalidated rather than emptied, and kept most of the cache. */
	assert_int_equal(c->flushes, 0);
	assert_true(c->revalidated > 0);
	printf("megaflows %u, revalidated %" PRIu64 "\n", c->n_megaflows, c->revalidated);
	flow_cache_destroy(c);
}

/* ---- recirculation ------------------------------------------------------ */

/* A double-tagged packet with outer VLAN 10 (inner tag not in the key). */
static struct flow_key qinq_key(const char *text)
{
	struct flow_key k = key_of(text);

	k.vlan_depth = 2;
	return k;
}

/* The state the program ends with (its reference stays with prog). */
static const struct recirc_state *ends_in_recirc(void)
{
	const struct recirc_state *st = dp_program_recirc(prog.ops, prog.n_ops);

	assert_non_null(st);
	assert_int_equal(prog.ops[prog.n_ops - 1].recirc.id, st->id);
	return st;
}

/* What the datapath does with a recirculated packet: parse it again (here:
 * `reparsed`), give it the state's metadata, translate its pass. */
static void run_next_pass(const struct recirc_state *st, const char *reparsed)
{
	struct flow_key k = key_of(reparsed);

	recirc_apply(st, &k);
	assert_int_equal(rte_be_to_cpu_32(k.recirc_id), st->id);
	xlate_resume(&br, st, &k, &prog, &wc, NULL);
}

static void pop_vlan_over_a_second_tag_recirculates_before_the_next_lookup(void **state)
{
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10");
	const struct recirc_state *st;

	(void)state;
	add("in_port=1,dl_vlan=10,actions=pop_vlan,load:0x7->NXM_NX_REG1[],resubmit(,1)");
	add("table=1,reg1=7,dl_vlan=20,actions=output:p2");
	add("table=1,reg1=7,dl_vlan=30,actions=output:p3");
	xlate(&br, &k, &prog, &wc, NULL);
	/* The load waits for the next pass too: the freeze is before it. */
	st = ends_in_recirc();
	assert_string_equal(ops_text(), "strip_vlan,recirc(0x1)");
	assert_int_equal(wc.vlan_depth, 0xff);
	assert_int_equal(wc.recirc_id, UINT32_MAX);
	assert_int_equal(st->n_acts, 2);
	run_next_pass(st, "in_port=1,dl_vlan=30");
	assert_string_equal(ops_text(), "output:p3");
	run_next_pass(st, "in_port=1,dl_vlan=20");
	assert_string_equal(ops_text(), "output:p2");
	assert_int_equal(wc.recirc_id, UINT32_MAX);
	assert_int_equal(wc.regs[1], UINT32_MAX);
}

static void pop_vlan_over_one_tag_needs_no_second_pass(void **state)
{
	struct flow_key k = key_of("in_port=1,dl_vlan=10");

	(void)state;
	k.vlan_depth = 1;
	add("in_port=1,dl_vlan=10,actions=pop_vlan,resubmit(,1)");
	add("table=1,vlan_tci=0,actions=output:p2");
	xlate(&br, &k, &prog, &wc, NULL);
	assert_string_equal(ops_text(), "strip_vlan,output:p2");
	assert_int_equal(recirc_count(&br), 0);
}

/* Frozen inside two resubmits: the next pass finishes the inner rule,
 * then each outer one, with the in_port each resubmit gave back. */
static void a_freeze_inside_resubmits_resumes_every_outer_rule(void **state)
{
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10");
	const struct recirc_state *st;

	(void)state;
	add("in_port=1,actions=resubmit(3,1),in_port");
	add("table=1,in_port=3,actions=resubmit(,2),output:p4");
	add("table=2,priority=1,actions=pop_vlan,resubmit(3),output:p2");
	add("table=2,priority=20,in_port=3,dl_vlan=20,actions=output:p1");
	xlate(&br, &k, &prog, &wc, NULL);
	st = ends_in_recirc();
	/* resubmit(3) is to the current table, written out: 2. */
	assert_int_equal(st->acts[0].resubmit.table, 2);
	run_next_pass(st, "in_port=1,dl_vlan=20");
	/* The last is table 0's in_port: port 1 again, not 3. */
	assert_string_equal(ops_text(), "output:p1,output:p2,output:p4,output:p1");
}

static void equal_continuations_share_one_state(void **state)
{
	struct flow_key a = qinq_key("in_port=1,dl_vlan=10,dl_src=02:00:00:00:00:01");
	struct flow_key b = qinq_key("in_port=1,dl_vlan=10,dl_src=02:00:00:00:00:02");
	const struct recirc_state *st;

	(void)state;
	add("in_port=1,actions=pop_vlan,output:p2,resubmit(,1)");
	xlate(&br, &a, &prog, &wc, NULL);
	st = ends_in_recirc();
	xlate(&br, &b, &prog, &wc, NULL);
	assert_ptr_equal(ends_in_recirc(), st);
	assert_int_equal(st->refs, 2);
	assert_int_equal(recirc_count(&br), 1);
	/* output needs no headers: it runs before the freeze. */
	assert_string_equal(ops_text(), "strip_vlan,output:p2,recirc(0x1)");
}

/* A cached program holds its state; once none does, the state and every
 * megaflow of its id go, and the id may serve again. */
static void a_state_lives_while_a_megaflow_holds_it(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10"), k2;
	const struct dp_entry *e;
	const struct recirc_state *st;
	enum cache_level lv;
	uint32_t id;

	(void)state;
	add("in_port=1,actions=pop_vlan,resubmit(,1)");
	add("table=1,actions=output:p2");
	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	st = dp_program_recirc(e->ops, e->n_ops);
	assert_non_null(st);
	id = st->id;
	assert_int_equal(st->refs, 1);
	assert_false(e->port_wide);
	k2 = key_of("in_port=1,dl_vlan=20");
	recirc_apply(st, &k2);
	e = flow_cache_lookup_pass(c, &br, &k2, flow_cache_hash(&k2), st, &lv);
	assert_int_equal(lv, CACHE_UPCALL);
	assert_string_equal(dp_program_recirc(e->ops, e->n_ops) ? "recirc" : "output", "output");
	/* Depends on in_port and the pass only, but never stands for the
	 * port's first pass. */
	assert_false(e->port_wide);
	assert_null(flow_cache_port_entry(c, 1));
	assert_int_equal(c->n_megaflows, 2);
	recirc_collect(&br);            /* held: stays */
	assert_int_equal(recirc_count(&br), 1);
	flow_cache_flush(c);            /* let go */
	assert_int_equal(st->refs, 0);
	assert_non_null(flow_cache_lookup_pass(c, &br, &k2, flow_cache_hash(&k2), st, &lv));
	recirc_collect(&br);
	assert_int_equal(recirc_count(&br), 0);
	/* The retirement is logged: the cache drops that id's megaflow. */
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->n_megaflows, 0);
	assert_int_equal(c->revalidated, 1);
	bridge_sync();                  /* the grace period: the id is free */
	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	assert_int_equal(dp_program_recirc(e->ops, e->n_ops)->id, id);
	flow_cache_destroy(c);
}

static void no_id_left_is_a_counted_drop(void **state)
{
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10");
	struct flow_key meta;
	const struct recirc_state *st;

	(void)state;
	memset(&meta, 0, sizeof(meta));
	for (uint32_t i = 0; i < RECIRC_MAX_STATES; i++) {
		meta.regs[0] = rte_cpu_to_be_32(i);
		assert_non_null(recirc_intern(&br, &meta, NULL, 0));
	}
	meta.regs[0] = rte_cpu_to_be_32(RECIRC_MAX_STATES);
	assert_null(recirc_intern(&br, &meta, NULL, 0));
	add("in_port=1,actions=pop_vlan,resubmit(,1)");
	xlate(&br, &k, &prog, &wc, NULL);
	assert_string_equal(ops_text(), "drop");
	assert_int_equal(prog.drop, BR_DROP_RECIRC_FULL);
	/* The first, let go (the loop's reference and this one): its id 1
	 * is taken again once retired. */
	meta.regs[0] = 0;
	st = recirc_intern(&br, &meta, NULL, 0);
	assert_int_equal(st->id, 1);
	recirc_release(st);
	recirc_release(st);
	recirc_collect(&br);
	bridge_sync();
	xlate(&br, &k, &prog, &wc, NULL);
	assert_int_equal(ends_in_recirc()->id, 1);
}

/* Found by fuzz_switch: the state carries the metadata the packet came in
 * with (a tunnel's tun_id, say), so the megaflow must match all of it, or
 * a packet with other metadata would resume with the first one's. */
static void a_frozen_megaflow_matches_the_metadata_it_carries(void **state)
{
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10");

	(void)state;
	add("in_port=1,actions=pop_vlan,resubmit(,1)");
	xlate(&br, &k, &prog, &wc, NULL);
	ends_in_recirc();
	assert_int_equal(wc.tun_id, UINT64_MAX);
	for (int i = 0; i < FLOW_N_REGS; i++)
		assert_int_equal(wc.regs[i], UINT32_MAX);
	assert_int_equal(wc.ct_mark, UINT32_MAX);
}

/* Found by fuzz_switch: a later pass may be looked up as a port the bridge
 * does not have (load:...->NXM_OF_IN_PORT[] before the freeze). Its
 * megaflow is counted apart, and a rule change still finds it. */
static void a_later_pass_as_a_foreign_port_is_revalidated(void **state)
{
	struct flow_cache *c = flow_cache_create(0);
	struct flow_key k = qinq_key("in_port=1,dl_vlan=10"), k2;
	const struct recirc_state *st;
	const struct dp_entry *e;
	enum cache_level lv;
	struct rule *r;

	(void)state;
	add("in_port=1,actions=load:280->NXM_OF_IN_PORT[],pop_vlan,resubmit(,1)");
	r = add("table=1,actions=output:p2");
	e = flow_cache_lookup(c, &br, &k, flow_cache_hash(&k), &lv);
	st = dp_program_recirc(e->ops, e->n_ops);
	assert_non_null(st);
	k2 = key_of("in_port=1,dl_vlan=20");
	recirc_apply(st, &k2);
	assert_int_equal(rte_be_to_cpu_16(k2.in_port), 280);
	e = flow_cache_lookup_pass(c, &br, &k2, flow_cache_hash(&k2), st, &lv);
	assert_string_equal(dp_program_recirc(e->ops, e->n_ops) ? "recirc" : "output", "output");
	assert_int_equal(c->per_port[0], 1);
	assert_int_equal(c->n_megaflows, 2);
	del_logged(r);
	flow_cache_catch_up(c, &br, br.gen);
	assert_int_equal(c->n_megaflows, 1);   /* the pass-1 one saw table 0 only */
	assert_int_equal(c->per_port[0], 0);
	flow_cache_destroy(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(output_rule_becomes_an_output),
		T(table_miss_is_a_no_match_drop),
		T(wildcards_hold_in_port_and_the_fields_rules_looked_at),
		T(non_ip_megaflow_leaves_l3_and_l4_wild),
		T(output_to_the_input_port_is_skipped),
		T(flood_is_every_port_but_the_input),
		T(flood_reaches_every_port_of_a_full_bridge),
		T(more_outputs_than_a_program_holds_drop_the_packet),
		T(every_rule_a_packet_went_through_is_credited),
		T(dec_ttl_of_one_drops_and_looks_at_ttl),
		T(registers_steer_between_tables_and_stay_out_of_the_program),
		T(resubmit_loop_is_cut_and_counted),
		T(resubmit_fanout_is_bounded_and_counted),
		T(resubmits_up_to_the_budget_are_all_done),
		T(vlan_set_on_untagged_pushes_first),
		T(move_unwildcards_its_source),
		T(a_hit_stamped_after_now_is_not_idle),
		T(a_mac_seen_after_now_is_not_aged_out),
		T(bundle_hrw_spreads_flows_keeps_each_and_moves_only_a_gone_members),
		T(bundle_active_backup_takes_the_first_attached_member),
		T(cache_levels_upcall_then_emc_then_megaflow),
		T(full_megaflow_cache_evicts_a_sixteenth_and_counts),
		T(full_megaflow_cache_evicts_what_went_unused),
		T(cached_answers_equal_fresh_translation),
		T(in_port_only_output_is_remembered_per_port_until_flushed),
		T(an_unrelated_rule_change_keeps_the_cache_warm),
		T(a_rule_added_or_deleted_drops_only_the_megaflows_it_overlaps),
		T(a_lookup_of_a_rewritten_key_is_revalidated_by_its_table),
		T(a_port_change_or_a_lost_log_empties_the_cache),
		T(cached_answers_stay_exact_under_rule_churn),
		T(pop_vlan_over_a_second_tag_recirculates_before_the_next_lookup),
		T(pop_vlan_over_one_tag_needs_no_second_pass),
		T(a_freeze_inside_resubmits_resumes_every_outer_rule),
		T(equal_continuations_share_one_state),
		T(a_state_lives_while_a_megaflow_holds_it),
		T(no_id_left_is_a_counted_drop),
		T(a_frozen_megaflow_matches_the_metadata_it_carries),
		T(a_later_pass_as_a_foreign_port_is_revalidated),
	};

	return cmocka_run_group_tests_name("switch_cache", tests, NULL, NULL);
}
