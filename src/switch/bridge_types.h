/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a bridge is made of: its ports, rules and counters, as the control
 * plane builds them and the datapath reads them. Types only; bridge.h has
 * the bridge table, bridge_flows.h the flow tables.
 *
 * Threads and publication (the pattern of worker/worker.h):
 *  - The control thread changes bridges under ctl_lock. Rules, their action
 *    lists and the port map are read by workers without locks; anything a
 *    worker may still hold is freed only after a grace period
 *    (switch/bridge_rcu.h).
 *  - Every change that can alter a packet's fate is logged and bumps
 *    bridge->gen (release; switch/bridge_changes.h). A worker compares it
 *    with its cache's generation at the start of each burst and drops the
 *    cached decisions the changes since can affect, so none outlives the
 *    rules it came from. MAC learning is not logged: `normal` looks up
 *    the MAC table per packet.
 *  - A port is either in one relay or in one bridge, never both.
 */
#ifndef XVIO_BRIDGE_TYPES_H
#define XVIO_BRIDGE_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_spinlock.h>

#include "flow/action.h"
#include "flow/classifier.h"
#include "worker/worker.h"

#define BRIDGE_NAME_MAX 32
#define BRIDGE_MAX 16
#define BRIDGE_MAX_PORTS 256      /* ofports 1..BRIDGE_MAX_PORTS */
#define BRIDGE_MAX_TRUNKS 64
#define BRIDGE_MAX_RULES (1u << 20)
#define METER_MAX 4096             /* meter ids 1..METER_MAX (meter.h) */

struct bridge_change;
struct recirc_table;
struct meter;
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
	BR_DROP_RECIRC_DEPTH,    /* recirculated more often than a packet may be */
	BR_DROP_RECIRC_FULL,     /* no recirculation id left (or no memory) */
	BR_DROP__COUNT,
};

/* Counters of one bridge port, per direction as seen from the bridge. */
struct bport_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops[BR_DROP__COUNT];     /* counted at the input port */
	uint64_t anomalies[8];              /* enum pkt_anomaly, per input */
	uint64_t port_hits, emc_hits, megaflow_hits, upcalls;
	uint64_t recirculations;            /* passes after the first */
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
	/* Can it send (a VM port has its guest)? What translation sees
	 * (bundle members): set by the control thread, at attach and when
	 * the tick finds it changed, with a change logged. */
	bool live;
	rte_spinlock_t tx_lock;   /* any worker may output to any port */
	struct bport_stats *stats; /* [worker_count()] */
};

struct bridge {
	char name[BRIDGE_NAME_MAX];
	unsigned int index;                 /* slot in per-worker cache arrays */
	TAILQ_ENTRY(bridge) next;
	uint64_t gen;                       /* see the top of this file */
	struct bridge_change *changes;      /* the log of gen (bridge_changes.h) */
	struct recirc_table *recirc;        /* recirculation states (recirc.h) */
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

#endif
