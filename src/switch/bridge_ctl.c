/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control commands of the switch: bridges and their ports, flow tables
 * (add/mod/del/dump in ovs-ofctl syntax), trace, and the MAC table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/names.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_module.h"
#include "flow/pkt_parse.h"
#include "switch/bridge.h"
#include "switch/bridge_config.h"
#include "switch/bridge_flows.h"
#include "switch/bridge_names.h"
#include "switch/bridge_rcu.h"
#include "switch/mac_table.h"
#include "switch/normal_vlan.h"
#include "switch/recirc.h"
#include "switch/xlate.h"

/* "flow 3: unknown field 'nw_dest' (column 5)" */
static void parse_error(char *err, size_t errlen, int index, const char *text,
			const struct flow_parse_error *pe)
{
	char where[32] = "";

	if (index >= 0)
		snprintf(where, sizeof(where), "flow %d: ", index + 1);
	snprintf(err, errlen, "%s%s (column %d of \"%.200s\")", where, pe->msg, pe->pos + 1,
		 text);
}

static int parse_spec(struct bridge *br, const char *text, enum flow_parse_mode mode,
		      int index, struct flow_spec *spec, char *err, size_t errlen)
{
	struct flow_parse_error pe;

	if (flow_spec_parse(text, mode, bridge_port_lookup, br, spec, &pe) != 0) {
		parse_error(err, errlen, index, text, &pe);
		return -EINVAL;
	}
	return 0;
}

/* ---- bridges and ports -------------------------------------------------- */

/* What OVS gives a new bridge: a learning switch until told otherwise. */
#define BRIDGE_DEFAULT_FLOW "priority=0,actions=normal"

static int add_default_flow(struct bridge *br, char *err, size_t errlen)
{
	struct flow_spec spec;
	int rc;

	rc = parse_spec(br, BRIDGE_DEFAULT_FLOW, FLOW_PARSE_ADD, -1, &spec, err, errlen);
	rc = rc ?: bridge_flows_add(br, &spec, 1, err, errlen);
	bridge_sync();
	return rc;
}

static int cmd_bridge_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", "mac_age", "mac_limit", "default_flow",
					       NULL };
	unsigned int age, mac_limit;
	char ignored[64];
	const char *name;
	struct bridge *br;
	bool default_flow;
	int rc;

	(void)result;
	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "name", NULL, &name, err, errlen) ||
	    args_get_uint(args, "mac_age", false, MAC_AGE_DEFAULT_S, 1, 86400, &age,
			  err, errlen) ||
	    args_get_uint(args, "mac_limit", false, MAC_LIMIT_DEFAULT, 1, MAC_TABLE_SIZE,
			  &mac_limit, err, errlen) ||
	    args_get_bool(args, "default_flow", true, &default_flow, err, errlen))
		return -EINVAL;
	rc = bridge_add(name, err, errlen);
	if (rc)
		return rc;
	br = bridge_find(name);
	br->mac_age_s = age;
	br->mac_limit = mac_limit;
	rc = default_flow ? add_default_flow(br, err, errlen) : 0;
	if (rc)
		bridge_del(name, ignored, sizeof(ignored)); /* no ports yet */
	return rc;
}

/* Settings of a bridge that can change under traffic (workers read only
 * the MAC limits, one relaxed word per port; the control thread ages the
 * MAC table). */
static int cmd_bridge_set(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "mac_age", "mac_limit", NULL };
	unsigned int age, mac_limit;
	struct bridge *br;

	(void)result;
	if (bridge_from_args(args, allowed, &br, err, errlen) ||
	    args_get_uint(args, "mac_age", false, br->mac_age_s, 1, 86400, &age, err, errlen) ||
	    args_get_uint(args, "mac_limit", false, br->mac_limit, 1, MAC_TABLE_SIZE,
			  &mac_limit, err, errlen))
		return -EINVAL;
	if (json_object_size(args) < 2) {
		snprintf(err, errlen, "bridge set needs mac_age= or mac_limit=");
		return -EINVAL;
	}
	br->mac_age_s = age;
	bridge_set_mac_limit(br, mac_limit);
	return 0;
}

static int cmd_bridge_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", NULL };
	const char *name;

	(void)result;
	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "name", NULL, &name, err, errlen))
		return -EINVAL;
	return bridge_del(name, err, errlen);
}

static int cmd_bridge_list(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };
	json_t *arr;

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	arr = json_array();
	for (struct bridge *br = bridge_first(); br != NULL; br = bridge_next(br))
		json_array_append_new(arr, bridge_to_json(br, false));
	*result = arr;
	return 0;
}

static int cmd_bridge_show(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", NULL };
	struct bridge *br;

	if (bridge_from_args(args, allowed, &br, err, errlen))
		return -EINVAL;
	*result = bridge_to_json(br, false);
	return 0;
}

/* "10,20,30" into the spec's trunks. */
static int parse_trunks(const char *s, struct bridge_port_spec *spec, char *err, size_t errlen)
{
	const char *p = s;

	spec->n_trunks = 0;
	while (*p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p || v > 4095 || (*end != ',' && *end != '\0')) {
			/* VLAN IDs are 1-4095 as for tag=; 0 stands for
			 * untagged frames, which a trunk may carry. */
			snprintf(err, errlen, "trunks '%s': expected VLAN IDs 1-4095, or 0 for "
				 "untagged frames, separated by commas", s);
			return -EINVAL;
		}
		if (spec->n_trunks == BRIDGE_MAX_TRUNKS) {
			snprintf(err, errlen, "trunks: at most %d VLANs", BRIDGE_MAX_TRUNKS);
			return -EINVAL;
		}
		spec->trunks[spec->n_trunks++] = (uint16_t)v;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* bridge-port-add's arguments, read into a spec. */
static int port_spec_from_args(json_t *args, struct bridge_port_spec *spec, char *err,
			       size_t errlen)
{
	unsigned int ofport, tag, mac_limit, core;
	const char *trunks;

	if (args_get_str(args, "port", NULL, &spec->port, err, errlen) ||
	    args_get_uint(args, "ofport", false, 0, 1, BRIDGE_MAX_PORTS, &ofport, err, errlen) ||
	    args_get_uint(args, "tag", false, 0, 1, 4095, &tag, err, errlen) ||
	    args_get_str(args, "trunks", "", &trunks, err, errlen) ||
	    args_get_uint(args, "mac_limit", false, 0, 1, MAC_TABLE_SIZE, &mac_limit,
			  err, errlen) ||
	    args_get_uint(args, "core", false, ~0u, 0, 4095, &core, err, errlen) ||
	    parse_trunks(trunks, spec, err, errlen))
		return -EINVAL;
	spec->ofport = (uint16_t)ofport;
	spec->tag = (uint16_t)tag;
	spec->mac_limit = mac_limit;
	spec->core = core == ~0u ? -1 : (int)core;
	return 0;
}

static int cmd_bridge_port_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = {
		"bridge", "port", "ofport", "tag", "trunks", "core", "mac_limit", NULL
	};
	struct bridge_port_spec spec;
	struct bridge *br;
	int rc;

	(void)result;
	rc = bridge_from_args(args, allowed, &br, err, errlen);
	rc = rc ?: port_spec_from_args(args, &spec, err, errlen);
	return rc ?: bridge_port_add(br, &spec, err, errlen);
}

static int cmd_bridge_port_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "port", NULL };
	const char *port;
	struct bridge *br;
	int rc;

	(void)result;
	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_str(args, "port", NULL, &port, err, errlen))
		return -EINVAL;
	return bridge_port_del(br, port, err, errlen);
}

/* Pin a bridge port's job to the worker on a CPU, or (no "core") let the
 * rebalancer place it again. */
static int cmd_bridge_port_pin(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "port", "core", NULL };
	struct bridge_port *bp;
	const char *port;
	struct bridge *br;
	unsigned int cpu;
	struct worker *w;
	int rc;

	(void)result;
	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_str(args, "port", NULL, &port, err, errlen) ||
	    args_get_uint(args, "core", false, ~0u, 0, 4095, &cpu, err, errlen))
		return -EINVAL;
	bp = bridge_port_by_name(br, port);
	if (bp == NULL) {
		snprintf(err, errlen, "bridge '%s' has no port '%s'", br->name, port);
		return -ENOENT;
	}
	if (cpu == ~0u) {
		bp->job.pinned = false;
		return 0;
	}
	w = worker_by_cpu(cpu);
	if (w == NULL) {
		snprintf(err, errlen, "no worker runs on CPU %u (see `xvioctl core list`)", cpu);
		return -EINVAL;
	}
	rc = job_place(&bp->job, w);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	bp->job.pinned = true;
	return 0;
}

/* ---- flows -------------------------------------------------------------- */

static int cmd_flow_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "flows", NULL };
	json_t *flows = json_object_get(args, "flows");
	struct flow_spec *specs;
	struct bridge *br;
	size_t i, n;
	json_t *f;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (!json_is_array(flows) || json_array_size(flows) == 0) {
		snprintf(err, errlen, "'flows' must be a non-empty array of flow strings");
		return -EINVAL;
	}
	n = json_array_size(flows);
	/* A parsed flow takes ~3 KB: refuse what can never fit before
	 * allocating for it (bridge_flows_add counts replacements exactly). */
	if (n > BRIDGE_MAX_RULES) {
		snprintf(err, errlen, "%zu flows: a bridge holds at most %u rules", n,
			 BRIDGE_MAX_RULES);
		return -ENOSPC;
	}
	specs = malloc(n * sizeof(*specs));
	if (specs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_array_foreach(flows, i, f) {
		if (!json_is_string(f)) {
			snprintf(err, errlen, "flow %zu: not a string", i + 1);
			free(specs);
			return -EINVAL;
		}
		if (parse_spec(br, json_string_value(f), FLOW_PARSE_ADD, n > 1 ? (int)i : -1,
			       &specs[i], err, errlen)) {
			free(specs);
			return -EINVAL;
		}
	}
	rc = bridge_flows_add(br, specs, (unsigned int)n, err, errlen);
	free(specs);
	bridge_sync_if_many();
	if (rc == 0)
		*result = json_pack("{s:i, s:i}", "added", (int)n, "rules", (int)br->n_rules);
	return rc;
}

/* The arguments of mod-flows and del-flows: the bridge, the flow text under
 * `key` parsed in `mode`, and "strict". */
static int selection_args(json_t *args, const char *const *allowed, const char *key,
			  enum flow_parse_mode mode, struct bridge **br, struct flow_spec *spec,
			  bool *strict, char *err, size_t errlen)
{
	const char *text;
	int rc = bridge_from_args(args, allowed, br, err, errlen);

	if (rc)
		return rc;
	if (args_get_str(args, key, mode == FLOW_PARSE_DELETE ? "" : NULL, &text, err, errlen) ||
	    args_get_bool(args, "strict", false, strict, err, errlen) ||
	    parse_spec(*br, text, mode, -1, spec, err, errlen))
		return -EINVAL;
	return 0;
}

static int cmd_flow_mod(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "flow", "strict", NULL };
	struct flow_spec spec;
	struct bridge *br;
	unsigned int n = 0;
	bool strict;
	int rc;

	rc = selection_args(args, allowed, "flow", FLOW_PARSE_MODIFY, &br, &spec, &strict,
			    err, errlen);
	if (rc)
		return rc;
	rc = bridge_flows_modify(br, &spec, strict, &n, err, errlen);
	bridge_sync_if_many();
	if (rc == 0)
		*result = json_pack("{s:i}", "modified", (int)n);
	return rc;
}

static int cmd_flow_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "match", "strict", NULL };
	struct flow_spec spec;
	struct bridge *br;
	unsigned int n = 0;
	bool strict;
	int rc;

	rc = selection_args(args, allowed, "match", FLOW_PARSE_DELETE, &br, &spec, &strict,
			    err, errlen);
	if (rc)
		return rc;
	rc = bridge_flows_delete(br, &spec, strict, &n);
	bridge_sync_if_many();
	if (rc) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	*result = json_pack("{s:i}", "deleted", (int)n);
	return 0;
}

struct dump_ctx {
	struct bridge *br;
	json_t *arr;
	uint64_t now, hz;
	bool nomem;
};

/* "priority=100,tcp,tp_dst=22" as ovs-ofctl dump-flows prints a rule's
 * match (the default priority left out); malloc'd. */
static char *match_text(struct bridge *br, const struct rule *r)
{
	char prio[24] = "";
	int plen, mlen;
	char *text;

	if (r->cr.priority != FLOW_PRIORITY_DEFAULT)
		snprintf(prio, sizeof(prio), "priority=%u", r->cr.priority);
	plen = (int)strlen(prio);
	mlen = flow_match_format(&r->cr.match, bridge_port_name, br, NULL, 0);
	text = malloc((size_t)plen + 1 + (size_t)mlen + 1);
	if (text == NULL)
		return NULL;
	memcpy(text, prio, (size_t)plen);
	if (plen && mlen)
		text[plen++] = ',';
	flow_match_format(&r->cr.match, bridge_port_name, br, text + plen, (size_t)mlen + 1);
	return text;
}

static char *actions_text(struct bridge *br, const struct rule *r)
{
	const struct rule_actions *a = r->actions;
	int len = flow_actions_format(a->acts, a->n, bridge_port_name, br, NULL, 0);
	char *text = malloc((size_t)len + 1);

	if (text != NULL)
		flow_actions_format(a->acts, a->n, bridge_port_name, br, text, (size_t)len + 1);
	return text;
}

static void dump_one(const struct rule *r, void *aux)
{
	struct dump_ctx *d = aux;
	uint64_t packets, bytes, used;
	char *text = rule_format(d->br, r), *match = match_text(d->br, r);
	char *acts = actions_text(d->br, r), cookie[24];

	if (text == NULL || match == NULL || acts == NULL) {
		d->nomem = true;
		goto out;
	}
	snprintf(cookie, sizeof(cookie), "0x%" PRIx64, r->cookie);
	rule_stats_sum(r, &packets, &bytes, &used);
	json_array_append_new(d->arr, json_pack("{s:s, s:i, s:i, s:s, s:I, s:I, s:f, s:f, s:i, "
						"s:i, s:s, s:s}",
		"flow", text, "table", r->table, "priority", r->cr.priority,
		"cookie", cookie, "n_packets", (json_int_t)packets,
		"n_bytes", (json_int_t)bytes,
		"duration", (double)tsc_since(d->now, r->created_tsc) / (double)d->hz,
		"idle_age", (double)tsc_since(d->now, used) / (double)d->hz,
		"idle_timeout", r->idle_timeout, "hard_timeout", r->hard_timeout,
		"match", match, "actions", acts));
out:
	free(text);
	free(match);
	free(acts);
}

static int cmd_flow_dump(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "match", NULL };
	struct flow_spec spec;
	struct dump_ctx d;
	const char *text;
	struct bridge *br;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_str(args, "match", "", &text, err, errlen) ||
	    parse_spec(br, text, FLOW_PARSE_DELETE, -1, &spec, err, errlen))
		return -EINVAL;
	d = (struct dump_ctx){ .br = br, .arr = json_array(), .now = rte_rdtsc(),
			       .hz = rte_get_tsc_hz() };
	bridge_flows_dump(br, &spec, dump_one, &d);
	if (d.nomem) {
		json_decref(d.arr);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*result = d.arr;
	return 0;
}

static int sum_rule(struct cls_rule *cr, void *aux)
{
	uint64_t *matched = aux, packets, bytes, used;

	rule_stats_sum(container_of(cr, struct rule, cr), &packets, &bytes, &used);
	*matched += packets;
	return 0;
}

static int cmd_table_dump(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", NULL };
	struct bridge *br;
	json_t *arr;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	arr = json_array();
	for (unsigned int t = 0; t <= FLOW_TABLE_MAX; t++) {
		uint64_t matched = 0;

		if (br->tables[t] == NULL || cls_count(br->tables[t]) == 0)
			continue;
		cls_for_each(br->tables[t], sum_rule, &matched);
		json_array_append_new(arr, json_pack("{s:i, s:i, s:i, s:I}", "table", (int)t,
			"active_count", (int)cls_count(br->tables[t]),
			"masks", (int)cls_subtable_count(br->tables[t]),
			"matched_count", (json_int_t)matched));
	}
	*result = arr;
	return 0;
}

/* ---- trace -------------------------------------------------------------- */

struct trace_ctx {
	struct bridge *br;
	uint16_t in_port;         /* where the packet came in: what normal uses */
	json_t *lines;
};

static void __attribute__((format(printf, 3, 4)))
trace_line(void *aux, int depth, const char *fmt, ...)
{
	struct trace_ctx *t = aux;
	char buf[1200];
	int off = snprintf(buf, sizeof(buf), "%*s", depth * 4, "");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + off, sizeof(buf) - (size_t)off, fmt, ap);
	va_end(ap);
	json_array_append_new(t->lines, json_string(buf));
}

/* The ports normal would send the packet to now, from the MAC table and
 * the ports' VLANs (the datapath decides per packet the same way). */
static void trace_normal(void *aux, int depth, const struct flow_key *k)
{
	struct trace_ctx *t = aux;
	const struct bridge_port *in = t->in_port <= BRIDGE_MAX_PORTS ?
				       t->br->ports[t->in_port] : NULL;
	const struct bridge_port *to;
	uint16_t tci = rte_be_to_cpu_16(k->vlan_tci);
	bool unicast = !rte_is_multicast_ether_addr(&k->dl_dst);
	char mac[RTE_ETHER_ADDR_FMT_SIZE], ports[1024] = "";
	unsigned int n = 0;
	size_t off = 0;
	uint16_t dst;
	int vlan;

	/* Lower case, as in flows. */
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", k->dl_dst.addr_bytes[0],
		 k->dl_dst.addr_bytes[1], k->dl_dst.addr_bytes[2], k->dl_dst.addr_bytes[3],
		 k->dl_dst.addr_bytes[4], k->dl_dst.addr_bytes[5]);
	if (in == NULL) {
		trace_line(t, depth, "port %u is not attached: dropped (port_down)", t->in_port);
		return;
	}
	vlan = normal_input_vlan(in, tci & FLOW_VLAN_PRESENT ? tci & FLOW_VLAN_VID_MASK : -1);
	if (vlan < 0) {
		trace_line(t, depth, "VLAN %u is not allowed on %s: dropped (vlan_not_allowed)",
			   tci & FLOW_VLAN_VID_MASK, bridge_port_name(t->in_port, t->br));
		return;
	}
	dst = unicast ? mac_lookup(t->br->macs, &k->dl_dst, (uint16_t)vlan) : 0;
	if (dst == t->in_port) {
		trace_line(t, depth, "VLAN %d: %s was learnt on the input port: nothing sent",
			   vlan, mac);
		return;
	}
	to = dst != 0 && dst <= BRIDGE_MAX_PORTS ? t->br->ports[dst] : NULL;
	if (to != NULL && normal_vlan_allowed(to, (uint16_t)vlan)) {
		trace_line(t, depth, "VLAN %d: %s was learnt on port %u: output to %s", vlan, mac,
			   dst, bridge_port_name(dst, t->br));
		return;
	}
	for (uint16_t p = 1; p <= t->br->max_ofport; p++) {
		to = t->br->ports[p];
		if (to == NULL || p == t->in_port || !normal_vlan_allowed(to, (uint16_t)vlan))
			continue;
		if (off < sizeof(ports))
			off += (size_t)snprintf(ports + off, sizeof(ports) - off, "%s%s",
						n ? "," : "", bridge_port_name(p, t->br));
		n++;
	}
	trace_line(t, depth, "VLAN %d: %s %s: flood to %u port(s)%s%s", vlan, mac,
		   unicast ? "is not learnt" : "is multicast", n, n ? ": " : "", ports);
}

/* One pass's outcome: its megaflow, datapath actions and drop reason. */
static json_t *pass_to_json(struct bridge *br, const struct dp_program *prog,
			    const struct flow_key *key, const struct flow_key *wc)
{
	struct flow_match mwc;
	char *acts, wcs[2048];
	json_t *obj;
	/* A flood of a wide bridge is long: sized, never cut. */
	int len = flow_actions_format(prog->ops, prog->n_ops, bridge_port_name, br, NULL, 0);

	acts = malloc((size_t)len + 1);
	if (acts == NULL)
		return NULL;
	flow_actions_format(prog->ops, prog->n_ops, bridge_port_name, br, acts, (size_t)len + 1);
	memset(&mwc, 0, sizeof(mwc));
	mwc.mask = *wc;
	flow_key_and(&mwc.key, key, wc);
	flow_match_format(&mwc, bridge_port_name, br, wcs, sizeof(wcs));
	obj = json_pack("{s:s, s:s, s:s}", "datapath_actions", prog->n_ops ? acts : "drop",
			"drop_reason", prog->n_ops ? "" : bridge_drop_name(prog->drop),
			"megaflow", wcs);
	free(acts);
	return obj;
}

/* A trace packet is written as a key, which names the outer tag only:
 * dl_type 0x8100 or 0x88a8 after it says another tag is below, as
 * pkt_parse reports tags past the ones it reads. */
static uint8_t trace_vlan_depth(const struct flow_key *k)
{
	uint16_t type = rte_be_to_cpu_16(k->dl_type);

	if (!(k->vlan_tci & rte_cpu_to_be_16(FLOW_VLAN_PRESENT)))
		return 0;
	return type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ ? 2 : 1;
}

/* The passes after the first, while the program recirculates. */
static json_t *trace_recirculations(struct bridge *br, struct dp_program *prog,
				    const struct xlate_trace *tr)
{
	json_t *passes = json_array();
	const struct recirc_state *st;
	struct flow_key key, wc;
	unsigned int pass;
	uint32_t id;

	for (pass = 2; (st = dp_program_recirc(prog->ops, prog->n_ops)) != NULL; pass++) {
		json_t *one;

		if (pass > RECIRC_MAX_PASSES) {
			tr->line(tr->aux, 0, "more than %d passes: packet dropped (%s)",
				 RECIRC_MAX_PASSES, bridge_drop_name(BR_DROP_RECIRC_DEPTH));
			recirc_release(st);
			break;
		}
		key = prog->key_out;
		recirc_apply(st, &key);
		tr->line(tr->aux, 0, "pass %u: trace knows the headers only as the actions "
			 "left them in the key", pass);
		id = st->id;
		xlate_resume(br, st, &key, prog, &wc, tr);
		recirc_release(st);
		one = pass_to_json(br, prog, &key, &wc);
		if (one == NULL)
			break;
		json_object_set_new(one, "recirc_id", json_integer(id));
		json_array_append_new(passes, one);
	}
	return passes;
}

static int cmd_trace(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "packet", NULL };
	static struct dp_program prog; /* 50 KB: the control thread's alone */
	struct flow_spec spec;
	struct flow_key key, wc;
	const char *text;
	struct bridge *br;
	struct trace_ctx tc;
	struct xlate_trace tr;
	json_t *first;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_str(args, "packet", NULL, &text, err, errlen) ||
	    parse_spec(br, text, FLOW_PARSE_PACKET, -1, &spec, err, errlen))
		return -EINVAL;
	if (spec.match.key.in_port == 0) {
		snprintf(err, errlen, "trace needs in_port= (the port the packet arrives on)");
		return -EINVAL;
	}
	key = spec.match.key;
	key.vlan_depth = trace_vlan_depth(&key);
	tc = (struct trace_ctx){ .br = br, .in_port = rte_be_to_cpu_16(key.in_port),
				 .lines = json_array() };
	tr = (struct xlate_trace){ .line = trace_line, .normal = trace_normal, .aux = &tc };
	xlate(br, &key, &prog, &wc, &tr);
	first = pass_to_json(br, &prog, &key, &wc);
	if (first == NULL) {
		if (dp_program_recirc(prog.ops, prog.n_ops) != NULL)
			recirc_release(dp_program_recirc(prog.ops, prog.n_ops));
		json_decref(tc.lines);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_set_new(first, "passes", trace_recirculations(br, &prog, &tr));
	json_object_set_new(first, "steps", tc.lines);
	*result = first;
	return 0;
}

/* ---- MAC table ---------------------------------------------------------- */

static int cmd_fdb_show(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", NULL };
	struct bridge *br;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	*result = mac_table_to_json(br->macs, mac_now_s());
	return 0;
}

static const struct ctl_command bridge_commands[] = {
	{ "bridge-add", cmd_bridge_add, "create a bridge (switch mode)" },
	{ "bridge-set", cmd_bridge_set, "change a bridge's settings (mac_age)" },
	{ "bridge-del", cmd_bridge_del, "delete a bridge, its rules and port attachments" },
	{ "bridge-list", cmd_bridge_list, "bridges with their ports and counters" },
	{ "bridge-show", cmd_bridge_show, "one bridge" },
	{ "bridge-port-add", cmd_bridge_port_add, "attach a port to a bridge" },
	{ "bridge-port-del", cmd_bridge_port_del, "detach a port from a bridge" },
	{ "bridge-port-pin", cmd_bridge_port_pin,
	  "run a bridge port on a given CPU (core), or unpin it (no core)" },
	{ "flow-add", cmd_flow_add, "add flows (all or none)" },
	{ "flow-mod", cmd_flow_mod, "change the actions of matching flows" },
	{ "flow-del", cmd_flow_del, "delete matching flows" },
	{ "flow-dump", cmd_flow_dump, "flows with counters" },
	{ "table-dump", cmd_table_dump, "flow tables in use" },
	{ "trace", cmd_trace, "show what a packet meets in a bridge" },
	{ "fdb-show", cmd_fdb_show, "a bridge's MAC learning table" },
};

static bool bridge_exists(const char *name)
{
	return bridge_find(name) != NULL;
}

static int bridge_module_init(char *err, size_t errlen)
{
	(void)err, (void)errlen;
	names_register("bridge", bridge_exists);
	return 0;
}

static void bridge_module_tick(uint64_t interval_cycles)
{
	(void)interval_cycles;
	bridge_tick();
}

static json_t *bridges_json(bool config_only)
{
	json_t *bridges = json_array();

	for (struct bridge *br = bridge_first(); br != NULL; br = bridge_next(br))
		json_array_append_new(bridges, bridge_to_json(br, config_only));
	return bridges;
}

static json_t *bridges_config(void)
{
	return bridges_json(true);
}

static json_t *bridges_stats(void)
{
	return bridges_json(false);
}

static const struct xvio_config_section bridge_config[] = {
	{ "bridges", bridge_config_to_requests, bridges_config },
};

static const struct xvio_stats_section bridge_stats[] = {
	{ "bridges", bridges_stats },
};

static const struct xvio_telemetry bridge_telemetry[] = {
	{ "/xvio/bridges", "List xvio bridges",
	  "/xvio/bridge", "An xvio bridge's ports and counters. Parameter: name",
	  "bridge-list", "name", "bridge-show", "bridge" },
};

static const struct xvio_module bridge_module = {
	.name = "bridge",
	.rank = 30,
	.init = bridge_module_init,
	.tick = bridge_module_tick,
	.fini = bridge_del_all,
	.commands = bridge_commands,
	.n_commands = RTE_DIM(bridge_commands),
	.config = bridge_config,
	.n_config = RTE_DIM(bridge_config),
	.stats = bridge_stats,
	.n_stats = RTE_DIM(bridge_stats),
	.telemetry = bridge_telemetry,
	.n_telemetry = RTE_DIM(bridge_telemetry),
};

XVIO_MODULE(bridge_module)
