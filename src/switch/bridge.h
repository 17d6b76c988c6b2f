/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bridges: the switch datapath's unit of configuration. A bridge has ports
 * (existing vhost-user or NIC ports, each with an OpenFlow port number),
 * flow tables 0..FLOW_TABLE_MAX programmed in ovs-ofctl syntax, a MAC
 * learning table for the `normal` action, and per-worker flow caches.
 *
 * Threads and publication (the pattern of worker/worker.h):
 *  - The control thread changes bridges under ctl_lock. Rules, their action
 *    lists and the port map are read by workers without locks; anything a
 *    worker may still hold is freed only after a grace period
 *    (bridge_defer_free(), drained by bridge_sync()).
 *  - Every change that can alter a packet's fate bumps bridge->gen
 *    (release). A worker compares it with its cache's generation at the
 *    start of each burst and empties the cache when they differ, so a
 *    cached decision never outlives the rules it came from. MAC learning
 *    does not bump it: `normal` looks up the MAC table per packet.
 *  - A port is either in one relay or in one bridge, never both.
 */
#ifndef XVIO_BRIDGE_H
#define XVIO_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_spinlock.h>

#include "flow/action.h"
#include "flow/classifier.h"
#include "flow/flow_spec.h"
#include "switch/meter.h"
#include "worker/worker.h"

#define BRIDGE_NAME_MAX 32
#define BRIDGE_MAX 16
#define BRIDGE_MAX_PORTS 256      /* ofports 1..BRIDGE_MAX_PORTS */
#define BRIDGE_MAX_TRUNKS 64
#define BRIDGE_MAX_RULES (1u << 20)

struct port;
struct bridge;
struct mac_table;

/* Per worker, written only by that worker. */
struct rule_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t used_tsc;        /* last hit */
} __rte_cache_aligned;

/* Immutable once published: mod-flows swaps the whole list. */
struct rule_actions {
	unsigned int n;
	struct action acts[];
};

struct rule {
	struct cls_rule cr;       /* match and priority */
	uint8_t table;
	uint64_t cookie;
	uint16_t idle_timeout;
	uint16_t hard_timeout;
	uint64_t created_tsc;
	uint64_t mod_tsc;         /* last add/modify: idle timeout starts here */
	struct rule_actions *actions;
	LIST_ENTRY(rule) timed;   /* in bridge->timed_rules if it has timeouts */
	struct rule_stats *stats; /* [worker_count()] */
};

/* Why a bridge dropped a packet. Counted at the input port, except what an
 * output port refused or could not take (tx_full, and port_down for a VM
 * that is not connected), which is counted at that output port. */
enum bridge_drop {
	BR_DROP_NO_MATCH,        /* no rule in a table (table miss) */
	BR_DROP_ACTION,          /* the actions say drop (or output nowhere) */
	BR_DROP_TTL,             /* dec_ttl on TTL 0 or 1 */
	BR_DROP_METER,           /* over a meter's rate */
	BR_DROP_VLAN,            /* normal: tag not allowed on the port */
	BR_DROP_TX_FULL,         /* the output port did not take it */
	BR_DROP_PORT_DOWN,       /* the output VM is not connected */
	BR_DROP_MALFORMED,       /* a rewrite needs a header that is cut short, or
				  * headers too long to read in one segment */
	BR_DROP_RESUBMIT_DEPTH,  /* resubmit/goto loops deeper than allowed */
	BR_DROP_TOO_MANY_RESUBMITS, /* more resubmit/goto in all than allowed */
	BR_DROP_TOO_MANY_ACTIONS, /* more datapath actions than a program holds */
	BR_DROP_NO_MBUF,         /* copying for several outputs failed */
	BR_DROP__COUNT,
};

const char *bridge_drop_name(enum bridge_drop d);

/* Counters of one bridge port, per direction as seen from the bridge. */
struct bport_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops[BR_DROP__COUNT];     /* counted at the input port */
	uint64_t anomalies[8];              /* enum pkt_anomaly, per input */
	uint64_t port_hits, emc_hits, megaflow_hits, upcalls;
} __rte_cache_aligned;

struct bridge_port {
	struct worker_job job;    /* reads the port's receive side */
	struct bridge *bridge;
	struct port *port;
	uint16_t ofport;
	/* normal: VLAN mode. tag != 0: access port in VLAN tag. Otherwise a
	 * trunk: all VLANs, or those in trunks[] if n_trunks. */
	uint16_t tag;
	uint16_t n_trunks;
	uint16_t trunks[BRIDGE_MAX_TRUNKS];
	uint16_t next_queue;      /* round robin over receive queues */
	uint32_t mac_limit;       /* normal: its own MAC limit, or 0: the bridge's */
	rte_spinlock_t tx_lock;   /* any worker may output to any port */
	struct bport_stats *stats; /* [worker_count()] */
};

struct bridge {
	char name[BRIDGE_NAME_MAX];
	unsigned int index;                 /* slot in per-worker cache arrays */
	TAILQ_ENTRY(bridge) next;
	uint64_t gen;                       /* see the top of this file */
	struct bridge_port *ports[BRIDGE_MAX_PORTS + 1]; /* by ofport */
	unsigned int n_ports;
	uint16_t max_ofport;                /* highest ofport in use */
	struct classifier *tables[FLOW_TABLE_MAX + 1];   /* NULL until used */
	unsigned int n_rules;
	LIST_HEAD(, rule) timed_rules;
	struct mac_table *macs;
	uint32_t mac_age_s;
	uint32_t mac_limit;                 /* per port, unless the port has its own */
	struct meter *meters[METER_MAX + 1];   /* by id; RCU like rules */
};

struct bridge *bridge_find(const char *name);
struct bridge *bridge_first(void);
struct bridge *bridge_next(struct bridge *br);

int bridge_add(const char *name, char *err, size_t errlen);
int bridge_del(const char *name, char *err, size_t errlen);
/* The MAC limit of the bridge's ports that have none of their own. */
void bridge_set_mac_limit(struct bridge *br, uint32_t limit);
void bridge_del_all(void);

/* args: bridge (the bridge's name), port, and optional ofport, tag, trunks,
 * core, mac_limit: the keys in bridge_port_args. */
extern const char *const bridge_port_args[];
int bridge_port_add(struct bridge *br, json_t *args, char *err, size_t errlen);
int bridge_port_del(struct bridge *br, const char *port, char *err, size_t errlen);
struct bridge_port *bridge_port_by_name(const struct bridge *br, const char *name);
const char *bridge_port_bridge_name(const struct bridge_port *bp);

/* Port names <-> ofports for the flow parser and printer (aux = bridge). */
int bridge_port_lookup(const char *name, void *aux);
const char *bridge_port_name(uint16_t ofport, void *aux);

/*
 * Flow tables (bridge_flows.c). All of a batch is checked first and then
 * applied, so a bad rule changes nothing. Each returns 0 or -errno.
 */
int bridge_flows_add(struct bridge *br, const struct flow_spec *specs, unsigned int n,
		     char *err, size_t errlen);
/* Change the actions of matching rules (strict: same match and priority).
 * Returns how many changed in *count. */
int bridge_flows_modify(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count, char *err, size_t errlen);
int bridge_flows_delete(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count);
/* Call fn for each rule the spec selects (non-strict), by table then
 * priority. */
void bridge_flows_dump(struct bridge *br, const struct flow_spec *filter,
		       void (*fn)(const struct rule *r, void *aux), void *aux);
/* Expire rules past their idle/hard timeouts. Returns how many. */
unsigned int bridge_flows_expire(struct bridge *br, uint64_t now_tsc);

/* The flow text that recreates a rule (ovs-ofctl syntax), malloc'd; NULL
 * if out of memory. */
char *rule_format(struct bridge *br, const struct rule *r);
/* Every rule as the flow text that recreates it (the config file). */
json_t *bridge_flows_config(struct bridge *br);

/* The sum of a rule's per-worker counters; *used_tsc the latest hit. */
void rule_stats_sum(const struct rule *r, uint64_t *packets, uint64_t *bytes,
		    uint64_t *used_tsc);

/* TSC ticks from `then` to `now`, 0 if `then` is later: the control
 * thread reads its clock and then the workers' counters, and a worker may
 * stamp a hit in between (unsigned, that would be 2^64 ticks ago). */
static inline uint64_t tsc_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* Is rule r past a timeout at now_tsc, its latest hit at used_tsc? */
static inline bool rule_timed_out(const struct rule *r, uint64_t used_tsc, uint64_t now_tsc,
				  uint64_t hz)
{
	return (r->hard_timeout && tsc_since(now_tsc, r->created_tsc) >= r->hard_timeout * hz) ||
	       (r->idle_timeout && tsc_since(now_tsc, used_tsc) >= r->idle_timeout * hz);
}

/* Grace-period deferred frees (see the top of this file). */
void bridge_defer_free(void (*fn)(void *), void *p);
void bridge_sync(void);

/* A rule change: make workers drop cached decisions. */
static inline void bridge_changed(struct bridge *br)
{
	__atomic_fetch_add(&br->gen, 1, __ATOMIC_RELEASE);
}

json_t *bridge_to_json(struct bridge *br, bool config_only);

/* For command handlers: the bridge named by args' "bridge" key, after
 * checking args has only the allowed keys. 0 or -errno with a reason. */
int bridge_from_args(json_t *args, const char *const *allowed, struct bridge **br,
		     char *err, size_t errlen);

/* Does any rule use meter id? */
bool bridge_meter_in_use(const struct bridge *br, uint32_t id);

/* Called once per second by the control thread: timeouts, MAC ageing. */
void bridge_tick(void);

#endif
