/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port table: every port xviod knows, by name, and the operations each
 * port type provides.
 *
 * Ownership and threads:
 *  - The control thread adds and removes ports, holding ctl_lock
 *    (ctl/ctl_commands.h). The telemetry thread reads under the same lock.
 *  - The vhost-user thread changes only the connection state inside a
 *    vhost_port (vid, ready, queue masks), with atomics; see vhost_port.h.
 *  - Workers reach ports only through the jobs of their owner (relay
 *    directions, bridge ports), which the control thread publishes with RCU
 *    (worker/worker.h). A port that has an owner cannot be removed until
 *    the owner lets it go.
 */
#ifndef XVIO_PORT_H
#define XVIO_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include <rte_mempool.h>

#include "common/path_confine.h"

#include "worker/worker.h"

#define PORT_NAME_MAX 32

struct port;
struct rte_mbuf;

/*
 * A port type (vhost_port.c, eth_port.c): what the datapaths and the port
 * table do with a port, without knowing its kind. Registered once with
 * PORT_TYPE(); port-add's "type" names it.
 */
struct port_ops {
	const char *type;               /* "vhost", "eth" */
	size_t priv_size;               /* the type's state, port_priv() */
	/* Control layer: read port-add's arguments into the type's own
	 * typed arguments (args_size bytes, zeroed; strings may point into
	 * the JSON, which outlives create). 0 or -EINVAL with a reason. */
	size_t args_size;
	int (*read_args)(json_t *args, void *out, char *err, size_t errlen);
	/* Control thread. Check the arguments, set the port up and start it.
	 * 0 or -errno with a reason; on failure nothing is left to destroy. */
	int (*create)(struct port *p, const void *args, char *err, size_t errlen);
	void (*destroy)(struct port *p);
	/* Add the type's config (and, unless config_only, state) to obj. */
	void (*describe)(const struct port *p, json_t *obj, bool config_only);

	/* Workers. Read up to n packets from the next receive queue that has
	 * some, round robin from *cursor (the caller's). */
	uint16_t (*rx_burst)(struct port *p, uint16_t *cursor, struct rte_mbuf **pkts,
			     uint16_t n);
	/* Send on the queue for worker wi; the port owns what it sent, the
	 * caller keeps the rest. Not thread-safe per queue: callers that share
	 * a port between workers serialise. */
	uint16_t (*tx_burst)(struct port *p, unsigned int wi, struct rte_mbuf **pkts,
			     uint16_t n);
	/* Can it send now (a vhost port has a guest)? A refused burst on a
	 * port that is up is a full queue. */
	bool (*is_up)(const struct port *p);
	/* Does it hand over frames with checksum/TSO requests? */
	bool (*guest_offloads)(const struct port *p);

	/* Idle wake-ups (port.c makes them the job's wake source): the port
	 * signals arrivals through the worker's idle set. no_irq: its
	 * interrupts proved unreliable. */
	bool (*idle_arm)(struct port *p, bool no_irq, struct idle_set *set);
	void (*idle_rearm)(struct port *p, bool no_irq);
	void (*idle_disarm)(struct port *p, bool no_irq, struct idle_set *set);
	bool wakes_by_interrupt;        /* NIC interrupts, which can lie */
};

void port_type_register(const struct port_ops *ops);
#define PORT_TYPE(ops)                                                        \
	static void __attribute__((constructor)) port_type_register_##ops(void) \
	{                                                                     \
		port_type_register(&(ops));                                   \
	}

/* Who uses a port: one relay or one bridge (later a router), or nobody. */
struct port_owner {
	const char *kind;          /* "relay", "bridge"; NULL: free */
	const char *name;          /* the owner's name, in the owner's storage */
};

struct port {
	char name[PORT_NAME_MAX];
	const struct port_ops *ops;
	struct port_owner owner;
	struct wake_source wake;   /* what a job reading this port sleeps on */
	TAILQ_ENTRY(port) next;
	uint64_t priv[];           /* ops->priv_size bytes */
};

static inline void *port_priv(const struct port *p)
{
	return (void *)(uintptr_t)p->priv;
}

static inline struct port *port_of_wake(const struct wake_source *w)
{
	return container_of(w, struct port, wake);
}

/* Give p to an owner (kind NULL: to nobody). The owner checks first that
 * p->owner.kind is NULL, and says in its own words who has it. */
void port_set_owner(struct port *p, const char *kind, const char *name);

/* Create the shared packet buffer pool. 0 or -errno. */
int port_pool_create(unsigned int nb_mbufs);
struct rte_mempool *port_pool(void);

/* Is the pool short of free buffers (under an eighth free)? Set by the
 * control thread once a second (port_pool_check), read by workers, which
 * only then ask whether a receive that found nothing went without for
 * want of buffers: the question costs a lock and a cache miss. */
extern bool port_pool_short;
void port_pool_check(void);

/* Where relative vhost socket paths are created. */
void port_set_vhost_dir(const char *dir);
const char *port_vhost_dir(void);

/* The directories control clients may make xviod create files in
 * (common/path_confine.h): server-mode vhost sockets in --vhost-dir, files
 * named in device strings in --file-dir. */
void port_set_file_dir(const char *dir);
const struct path_area *port_vhost_area(void);
const struct path_area *port_file_area(void);

struct port *port_find(const char *name);

/* First port in the table, and the next one; for iteration. */
struct port *port_first(void);
struct port *port_next(struct port *p);

/*
 * port-add, as the control layer runs it (port_ctl.c): the name is
 * checked, the type found, the type reads its arguments, then the port is
 * added. Each returns 0 (or the type) or -errno (NULL) with a one-line
 * reason in err; nothing is changed when it fails.
 */
int port_check_new_name(const char *name, char *err, size_t errlen);
const struct port_ops *port_type_find(const char *type, char *err, size_t errlen);
int port_add(const char *name, const struct port_ops *ops, const void *args, char *err,
	     size_t errlen);
int port_del(const char *name, char *err, size_t errlen);

/* Remove every port (shutdown). Relays must be gone already. */
void port_del_all(void);

/* Describe a port: its config (what port-add would need to recreate it)
 * and, unless config_only, its state and counters. */
json_t *port_to_json(const struct port *p, bool config_only);

#endif
