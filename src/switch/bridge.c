/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bridges and their ports (the control side; the datapath is switch_dp.c,
 * the flow tables bridge_flows.c).
 */
#include "switch/bridge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "common/names.h"
#include "common/xvio_log.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_figure.h"
#include "flow/pkt_parse.h"
#include "port/port.h"
#include "switch/bridge_changes.h"
#include "switch/bridge_flows.h"
#include "switch/bridge_names.h"
#include "switch/bridge_rcu.h"
#include "switch/mac_table.h"
#include "switch/meter.h"
#include "switch/recirc.h"
#include "switch/switch_dp.h"

static TAILQ_HEAD(, bridge) bridge_list = TAILQ_HEAD_INITIALIZER(bridge_list);
static struct bridge *bridge_slots[BRIDGE_MAX];

static const char *const drop_names[BR_DROP__COUNT] = {
	[BR_DROP_NO_MATCH] = "no_match",
	[BR_DROP_ACTION] = "action_drop",
	[BR_DROP_TTL] = "ttl_expired",
	[BR_DROP_METER] = "meter",
	[BR_DROP_VLAN] = "vlan_not_allowed",
	[BR_DROP_TX_FULL] = "tx_full",
	[BR_DROP_PORT_DOWN] = "port_down",
	[BR_DROP_MALFORMED] = "malformed",
	[BR_DROP_RESUBMIT_DEPTH] = "resubmit_depth",
	[BR_DROP_TOO_MANY_RESUBMITS] = "too_many_resubmits",
	[BR_DROP_TOO_MANY_ACTIONS] = "too_many_actions",
	[BR_DROP_NO_MBUF] = "no_mbuf",
	[BR_DROP_RECIRC_DEPTH] = "recirc_too_deep",
	[BR_DROP_RECIRC_FULL] = "recirc_table_full",
};

const char *bridge_drop_name(enum bridge_drop d)
{
	return d < BR_DROP__COUNT ? drop_names[d] : "?";
}

/* ---- bridges ------------------------------------------------------------ */

struct bridge *bridge_find(const char *name)
{
	struct bridge *br;

	TAILQ_FOREACH(br, &bridge_list, next)
		if (strcmp(br->name, name) == 0)
			return br;
	return NULL;
}

int bridge_from_args(json_t *args, const char *const *allowed, struct bridge **br,
		     char *err, size_t errlen)
{
	const char *name;

	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "bridge", NULL, &name, err, errlen))
		return -EINVAL;
	*br = bridge_find(name);
	if (*br == NULL) {
		snprintf(err, errlen, "no bridge named '%s'", name);
		return -ENOENT;
	}
	return 0;
}

struct bridge *bridge_first(void)
{
	return TAILQ_FIRST(&bridge_list);
}

struct bridge *bridge_next(struct bridge *br)
{
	return TAILQ_NEXT(br, next);
}

static int check_name(const char *name, char *err, size_t errlen)
{
	size_t len = strlen(name);

	if (len == 0 || len >= BRIDGE_NAME_MAX) {
		snprintf(err, errlen, "bridge name must be 1 to %d characters",
			 BRIDGE_NAME_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++)
		if (!(name[i] == '-' || name[i] == '_' || name[i] == '.' ||
		      (name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= 'A' && name[i] <= 'Z'))) {
			snprintf(err, errlen, "bridge name '%s': use letters, digits, '-', '_', '.'",
				 name);
			return -EINVAL;
		}
	return 0;
}

int bridge_add(const char *name, char *err, size_t errlen)
{
	char macname[64];
	struct bridge *br;
	unsigned int slot;
	int rc;

	RTE_BUILD_BUG_ON(BRIDGE_MAX_PORTS > MAC_TABLE_MAX_OFPORT);
	if (check_name(name, err, errlen))
		return -EINVAL;
	rc = names_check_free("bridge", name, err, errlen);
	if (rc)
		return rc;
	for (slot = 0; slot < BRIDGE_MAX && bridge_slots[slot] != NULL; slot++)
		;
	if (slot == BRIDGE_MAX) {
		snprintf(err, errlen, "too many bridges (at most %d)", BRIDGE_MAX);
		return -ENOSPC;
	}
	br = calloc(1, sizeof(*br));
	if (br == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(br->name, sizeof(br->name), "%s", name);
	br->index = slot;
	br->mac_age_s = MAC_AGE_DEFAULT_S;
	br->mac_limit = MAC_LIMIT_DEFAULT;
	LIST_INIT(&br->timed_rules);
	snprintf(macname, sizeof(macname), "mac_%s", name);
	br->macs = mac_table_create(macname);
	if (br->macs == NULL || bridge_changes_init(br) != 0 || recirc_table_init(br) != 0) {
		snprintf(err, errlen, br->macs ? "out of memory" : "cannot create the MAC table");
		mac_table_destroy(br->macs);
		bridge_changes_fini(br);
		free(br);
		return -ENOMEM;
	}
	bridge_slots[slot] = br;
	TAILQ_INSERT_TAIL(&bridge_list, br, next);
	XVIO_LOG(INFO, "bridge %s added", name);
	return 0;
}

static void bridge_destroy(struct bridge *br)
{
	struct flow_spec all;
	unsigned int n;

	/* Ports first: afterwards (a grace period later) no worker runs
	 * anything of this bridge, so its tables and caches can go. */
	for (uint16_t p = 1; p <= br->max_ofport; p++)
		if (br->ports[p] != NULL)
			bridge_port_del(br, br->ports[p]->port->name, NULL, 0);
	memset(&all, 0, sizeof(all));
	bridge_flows_delete(br, &all, false, &n);
	bridge_sync();
	switch_dp_forget_bridge(br);
	for (unsigned int t = 0; t <= FLOW_TABLE_MAX; t++)
		if (br->tables[t] != NULL)
			cls_destroy(br->tables[t]);
	mac_table_destroy(br->macs);
	recirc_table_fini(br);
	bridge_changes_fini(br);
	meters_free(br);
	TAILQ_REMOVE(&bridge_list, br, next);
	bridge_slots[br->index] = NULL;
	XVIO_LOG(INFO, "bridge %s removed", br->name);
	free(br);
}

static const char *first_port_name(const struct bridge *br)
{
	for (uint16_t p = 1; p <= br->max_ofport; p++)
		if (br->ports[p] != NULL)
			return br->ports[p]->port->name;
	return "";
}

void bridge_set_mac_limit(struct bridge *br, uint32_t limit)
{
	br->mac_limit = limit;
	for (uint16_t p = 1; p <= br->max_ofport; p++)
		if (br->ports[p] != NULL && br->ports[p]->mac_limit == 0)
			mac_table_set_limit(br->macs, p, limit);
}

int bridge_del(const char *name, char *err, size_t errlen)
{
	struct bridge *br = bridge_find(name);

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named '%s'", name);
		return -ENOENT;
	}
	/* As `port del` refuses a port in use: detaching is a step of its own
	 * (traffic stops), not a side effect. Flows and meters are the
	 * bridge's own and go with it. */
	if (br->n_ports > 0) {
		snprintf(err, errlen, "bridge '%s' has %u port%s (%s%s): remove them with "
			 "`bridge port-del` first", name, br->n_ports, br->n_ports > 1 ? "s" : "",
			 first_port_name(br), br->n_ports > 1 ? ", ..." : "");
		return -EBUSY;
	}
	bridge_destroy(br);
	return 0;
}

void bridge_del_all(void)
{
	struct bridge *br;

	while ((br = TAILQ_FIRST(&bridge_list)) != NULL)
		bridge_destroy(br);
}

/* ---- ports -------------------------------------------------------------- */

/* "10,20,30" into trunks[]. */
static int lowest_free_ofport(const struct bridge *br)
{
	for (int p = 1; p <= BRIDGE_MAX_PORTS; p++)
		if (br->ports[p] == NULL)
			return p;
	return -1;
}

int bridge_port_add(struct bridge *br, const struct bridge_port_spec *spec, char *err,
		    size_t errlen)
{
	const char *name = spec->port;
	unsigned int ofport = spec->ofport;
	struct bridge_port *bp;
	struct worker *pin = NULL;
	struct port *p;
	int rc;

	if (spec->core >= 0) {
		pin = worker_by_cpu((unsigned int)spec->core);
		if (pin == NULL) {
			snprintf(err, errlen, "no worker runs on CPU %d (see `xvioctl core list`)",
				 spec->core);
			return -EINVAL;
		}
	}
	p = port_find(name);
	if (p == NULL) {
		snprintf(err, errlen, "no port named '%s'", name);
		return -ENOENT;
	}
	if (p->owner.kind != NULL && strcmp(p->owner.kind, "bridge") == 0) {
		snprintf(err, errlen, "port '%s' is already on bridge '%s'", name, p->owner.name);
		return -EBUSY;
	}
	if (p->owner.kind != NULL) {
		snprintf(err, errlen, "port '%s' is in %s '%s'; a port is in a relay or a "
			 "bridge, not both", name, p->owner.kind, p->owner.name);
		return -EBUSY;
	}
	if (p->ops->guest_offloads(p)) {
		snprintf(err, errlen, "port '%s' has offloads=on, which bridges do not support "
			 "yet: recreate it with offloads=off", name);
		return -ENOTSUP;
	}
	if (spec->tag && spec->n_trunks) {
		snprintf(err, errlen, "a port is an access port (tag) or a trunk (trunks), "
			 "not both");
		return -EINVAL;
	}
	if (ofport == 0) {
		int free_port = lowest_free_ofport(br);

		if (free_port < 0) {
			snprintf(err, errlen, "bridge '%s' is full (%d ports)", br->name,
				 BRIDGE_MAX_PORTS);
			return -ENOSPC;
		}
		ofport = (unsigned int)free_port;
	} else if (br->ports[ofport] != NULL) {
		snprintf(err, errlen, "ofport %u is taken by port '%s'", ofport,
			 br->ports[ofport]->port->name);
		return -EEXIST;
	}
	bp = rte_zmalloc("bridge_port", sizeof(*bp), RTE_CACHE_LINE_SIZE);
	if (bp != NULL)
		bp->stats = rte_zmalloc("bport_stats", sizeof(*bp->stats) * worker_count(),
					RTE_CACHE_LINE_SIZE);
	if (bp == NULL || bp->stats == NULL) {
		rte_free(bp);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	bp->bridge = br;
	bp->port = p;
	bp->ofport = (uint16_t)ofport;
	bp->tag = spec->tag;
	bp->n_trunks = spec->n_trunks;
	memcpy(bp->trunks, spec->trunks, spec->n_trunks * sizeof(spec->trunks[0]));
	bp->mac_limit = spec->mac_limit;
	bp->live = p->ops->is_up(p);
	mac_table_set_limit(br->macs, bp->ofport, spec->mac_limit ?: br->mac_limit);
	rte_spinlock_init(&bp->tx_lock);
	bp->job.ops = &bridge_port_job_ops;
	bp->job.source = &p->wake;
	bp->job.pinned = pin != NULL;
	snprintf(bp->job.name, sizeof(bp->job.name), "%s/%s", br->name, name);
	/* Visible to outputs before the port's own job starts reading. */
	__atomic_store_n(&br->ports[ofport], bp, __ATOMIC_RELEASE);
	if (ofport > br->max_ofport)
		br->max_ofport = (uint16_t)ofport;
	br->n_ports++;
	port_set_owner(p, "bridge", br->name); /* checked free above */
	bridge_changed(br);
	rc = job_place(&bp->job, pin);
	if (rc) {
		bridge_port_del(br, name, NULL, 0);
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	XVIO_LOG(INFO, "bridge %s: port %s is ofport %u (CPU %u)", br->name, name, ofport,
		 bp->job.worker->cpu);
	return 0;
}

static void bport_free(void *p)
{
	struct bridge_port *bp = p;

	rte_free(bp->stats);
	rte_free(bp);
}

int bridge_port_del(struct bridge *br, const char *name, char *err, size_t errlen)
{
	struct bridge_port *bp = bridge_port_by_name(br, name);

	if (bp == NULL) {
		if (err)
			snprintf(err, errlen, "bridge '%s' has no port '%s'", br->name, name);
		return -ENOENT;
	}
	job_unplace(&bp->job);
	__atomic_store_n(&br->ports[bp->ofport], NULL, __ATOMIC_RELEASE);
	while (br->max_ofport > 0 && br->ports[br->max_ofport] == NULL)
		br->max_ofport--;
	br->n_ports--;
	port_set_owner(bp->port, NULL, NULL);
	mac_table_flush_port(br->macs, bp->ofport);
	bridge_changed(br);
	/* Other workers may be sending to it until a grace period passes. */
	bridge_defer_free(bport_free, bp);
	bridge_sync();
	XVIO_LOG(INFO, "bridge %s: port %s removed", br->name, name);
	return 0;
}

/* ---- description -------------------------------------------------------- */

static json_t *bport_to_json(const struct bridge_port *bp, bool config_only)
{
	json_t *obj = json_pack("{s:s, s:i}", "port", bp->port->name, "ofport", bp->ofport);
	struct bport_stats sum = { 0 };
	json_t *drops, *anomalies;

	if (bp->tag)
		json_object_set_new(obj, "tag", json_integer(bp->tag));
	if (bp->n_trunks) {
		char buf[BRIDGE_MAX_TRUNKS * 5 + 1] = "";
		size_t off = 0;

		for (uint16_t i = 0; i < bp->n_trunks; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u",
						i ? "," : "", bp->trunks[i]);
		json_object_set_new(obj, "trunks", json_string(buf));
	}
	if (bp->job.pinned && bp->job.worker)
		json_object_set_new(obj, "core", json_integer(bp->job.worker->cpu));
	if (bp->mac_limit || !config_only)
		json_object_set_new(obj, "mac_limit",
				    json_integer(bp->mac_limit ?: bp->bridge->mac_limit));
	if (config_only)
		return obj;
	json_object_set_new(obj, "macs",
			    json_integer(mac_table_port_entries(bp->bridge->macs, bp->ofport)));
	json_object_set_new(obj, "mac_learn_refused",
		json_integer((json_int_t)mac_table_port_refused(bp->bridge->macs, bp->ofport)));
	for (unsigned int w = 0; w < worker_count(); w++) {
		const struct bport_stats *s = &bp->stats[w];

		sum.rx_packets += s->rx_packets;
		sum.rx_bytes += s->rx_bytes;
		sum.tx_packets += s->tx_packets;
		sum.tx_bytes += s->tx_bytes;
		sum.port_hits += s->port_hits;
		sum.emc_hits += s->emc_hits;
		sum.megaflow_hits += s->megaflow_hits;
		sum.upcalls += s->upcalls;
		sum.recirculations += s->recirculations;
		for (int d = 0; d < BR_DROP__COUNT; d++)
			sum.drops[d] += s->drops[d];
		for (int a = 0; a < PKT_ANOMALY__COUNT; a++)
			sum.anomalies[a] += s->anomalies[a];
	}
	drops = json_object();
	for (int d = 0; d < BR_DROP__COUNT; d++)
		json_object_set_new(drops, drop_names[d], json_integer((json_int_t)sum.drops[d]));
	anomalies = json_object();
	for (int a = 1; a < PKT_ANOMALY__COUNT; a++)
		json_object_set_new(anomalies, pkt_anomaly_name((enum pkt_anomaly)a),
				    json_integer((json_int_t)sum.anomalies[a]));
	json_object_update_new(obj, json_pack("{s:i, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
					      "s:I, s:I, s:I, s:o, s:o}",
		"cpu", bp->job.worker ? (int)bp->job.worker->cpu : -1,
		"pinned", bp->job.pinned,
		"rx_packets", (json_int_t)sum.rx_packets, "rx_bytes", (json_int_t)sum.rx_bytes,
		"tx_packets", (json_int_t)sum.tx_packets, "tx_bytes", (json_int_t)sum.tx_bytes,
		"port_hits", (json_int_t)sum.port_hits,
		"emc_hits", (json_int_t)sum.emc_hits,
		"megaflow_hits", (json_int_t)sum.megaflow_hits,
		"upcalls", (json_int_t)sum.upcalls,
		"recirculations", (json_int_t)sum.recirculations,
		"busy_cycles", (json_int_t)bp->job.busy_cycles,
		"drops", drops, "anomalies", anomalies));
	json_object_set_new(obj, "cycles_per_packet",
			    json_figure(1, bp->job.busy_cycles, sum.rx_packets));
	return obj;
}

json_t *bridge_to_json(struct bridge *br, bool config_only)
{
	json_t *ports = json_array();
	json_t *obj;

	for (uint16_t p = 1; p <= br->max_ofport; p++)
		if (br->ports[p] != NULL)
			json_array_append_new(ports, bport_to_json(br->ports[p], config_only));
	obj = json_pack("{s:s, s:o}", "name", br->name, "ports", ports);
	if (br->mac_age_s != MAC_AGE_DEFAULT_S || !config_only)
		json_object_set_new(obj, "mac_age", json_integer(br->mac_age_s));
	if (br->mac_limit != MAC_LIMIT_DEFAULT || !config_only)
		json_object_set_new(obj, "mac_limit", json_integer(br->mac_limit));
	if (config_only) {
		json_object_set_new(obj, "meters", meters_config(br));
		json_object_set_new(obj, "flows", bridge_flows_config(br));
	}
	if (!config_only) {
		struct switch_cache_stats cs;

		switch_dp_cache_stats(br, &cs);
		json_object_update_new(obj, json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:i}",
			"rules", (int)br->n_rules, "megaflows", (json_int_t)cs.megaflows,
			"cache_flushes", (json_int_t)cs.flushes,
			"megaflow_evictions", (json_int_t)cs.evictions,
			"megaflows_revalidated", (json_int_t)cs.revalidated,
			"mac_learn_failures", (json_int_t)mac_table_learn_failures(br->macs),
			"recirc_states", (int)recirc_count(br)));
	}
	return obj;
}

/* Ports whose guest came or went since the last tick: translation's view
 * (bundle members) follows, and the caches revalidate. */
static void ports_liveness(struct bridge *br)
{
	bool changed = false;

	for (uint16_t o = 1; o <= br->max_ofport; o++) {
		struct bridge_port *bp = br->ports[o];
		bool up;

		if (bp == NULL)
			continue;
		up = bp->port->ops->is_up(bp->port);
		if (up == bp->live)
			continue;
		__atomic_store_n(&bp->live, up, __ATOMIC_RELEASE);
		XVIO_LOG(INFO, "bridge %s: port %s is %s", br->name, bp->port->name,
			 up ? "up" : "down");
		changed = true;
	}
	if (changed)
		bridge_changed(br);
}

void bridge_tick(void)
{
	uint32_t now_s = mac_now_s();
	struct bridge *br;

	TAILQ_FOREACH(br, &bridge_list, next) {
		ports_liveness(br);
		bridge_flows_expire(br, rte_rdtsc());
		mac_table_age(br->macs, now_s, br->mac_age_s);
		recirc_collect(br);
	}
	bridge_sync();
}
