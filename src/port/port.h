/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port table: every vhost-user and NIC port xviod knows, by name.
 *
 * Ownership and threads:
 *  - The control thread adds and removes ports, holding ctl_lock
 *    (ctl/ctl_commands.h). The telemetry thread reads under the same lock.
 *  - The vhost-user thread changes only the connection state inside a
 *    vhost_port (vid, ready, queue masks), with atomics; see vhost_port.h.
 *  - Workers reach ports only through relay directions, which the control
 *    thread publishes with RCU (worker/worker.h). A port that is part of a
 *    relay cannot be removed until the relay is.
 */
#ifndef XVIO_PORT_H
#define XVIO_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include <rte_mempool.h>

#include "common/path_confine.h"

#include "port/eth_port.h"
#include "port/vhost_port.h"

#define PORT_NAME_MAX 32

enum port_type {
	PORT_VHOST,
	PORT_ETH,
};

struct relay;
struct bridge_port;

struct port {
	char name[PORT_NAME_MAX];
	enum port_type type;
	struct relay *relay;       /* the relay using this port, or NULL */
	struct bridge_port *bport; /* or the bridge it is attached to */
	TAILQ_ENTRY(port) next;
	union {
		struct vhost_port vhost;
		struct eth_port eth;
	};
};

/* Create the shared packet buffer pool. 0 or -errno. */
int port_pool_create(unsigned int nb_mbufs);
struct rte_mempool *port_pool(void);

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
 * Add a port described by a JSON object (the "port-add" arguments, which
 * are also the config file's port entries). Returns 0 or -errno with a
 * one-line reason in err. Nothing is changed when it fails.
 */
int port_add(json_t *args, char *err, size_t errlen);
int port_del(const char *name, char *err, size_t errlen);

/* Remove every port (shutdown). Relays must be gone already. */
void port_del_all(void);

/* Describe a port: its config (what port-add would need to recreate it)
 * and, unless config_only, its state and counters. */
json_t *port_to_json(const struct port *p, bool config_only);

const char *port_type_name(enum port_type type);

#endif
