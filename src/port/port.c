/* SPDX-License-Identifier: BSD-3-Clause */
#include "port/port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "common/names.h"
#include "common/xvio_log.h"

static TAILQ_HEAD(, port) port_list = TAILQ_HEAD_INITIALIZER(port_list);
static struct rte_mempool *pktmbuf_pool;
static char vhost_dir[PATH_MAX] = "/run/xvio";
static char file_dir[PATH_MAX] = "/run/xvio";
static const struct path_area vhost_area = { vhost_dir, "vhost", "--vhost-dir" };
static const struct path_area file_area = { file_dir, "file", "--file-dir" };

int port_pool_create(unsigned int nb_mbufs)
{
	pktmbuf_pool = rte_pktmbuf_pool_create("xvio_mbufs", nb_mbufs, 256, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       (int)rte_socket_id());
	return pktmbuf_pool == NULL ? -rte_errno : 0;
}

bool port_pool_short;

void port_pool_check(void)
{
	bool low = rte_mempool_avail_count(pktmbuf_pool) < pktmbuf_pool->size / 8;

	__atomic_store_n(&port_pool_short, low, __ATOMIC_RELAXED);
}

struct rte_mempool *port_pool(void)
{
	return pktmbuf_pool;
}

void port_set_vhost_dir(const char *dir)
{
	snprintf(vhost_dir, sizeof(vhost_dir), "%s", dir);
}

const char *port_vhost_dir(void)
{
	return vhost_dir;
}

void port_set_file_dir(const char *dir)
{
	snprintf(file_dir, sizeof(file_dir), "%s", dir);
}

const struct path_area *port_vhost_area(void)
{
	return &vhost_area;
}

const struct path_area *port_file_area(void)
{
	return &file_area;
}

#define PORT_TYPES_MAX 8

static const struct port_ops *port_types[PORT_TYPES_MAX];
static unsigned int nb_port_types;

void port_type_register(const struct port_ops *ops)
{
	/* Constructors: too many types is a build mistake, seen at once. */
	RTE_VERIFY(nb_port_types < PORT_TYPES_MAX);
	port_types[nb_port_types++] = ops;
}

const struct port_ops *port_type_find(const char *type, char *err, size_t errlen)
{
	size_t off;

	for (unsigned int i = 0; i < nb_port_types; i++)
		if (strcmp(port_types[i]->type, type) == 0)
			return port_types[i];
	off = (size_t)snprintf(err, errlen, "port type '%s' is not", type);
	for (unsigned int i = 0; i < nb_port_types && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, "%s %s",
					i == 0 ? "" : i + 1 == nb_port_types ? " or" : ",",
					port_types[i]->type);
	return NULL;
}

void port_set_owner(struct port *p, const char *kind, const char *name)
{
	p->owner.kind = kind;
	p->owner.name = kind != NULL ? name : NULL;
}

struct port *port_find(const char *name)
{
	struct port *p;

	TAILQ_FOREACH(p, &port_list, next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct port *port_first(void)
{
	return TAILQ_FIRST(&port_list);
}

struct port *port_next(struct port *p)
{
	return TAILQ_NEXT(p, next);
}

static int port_name_check(const char *name, char *err, size_t errlen)
{
	size_t len = strlen(name);

	if (len == 0 || len >= PORT_NAME_MAX) {
		snprintf(err, errlen, "port name must be 1 to %d characters",
			 PORT_NAME_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.') {
			snprintf(err, errlen,
				 "port name '%s' may only use letters, digits, '-', '_' and '.'",
				 name);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- a port as what a sleeping worker waits on (worker/worker.h) ------ */

/* The job's own idle flags (armed, intr_unreliable) around the port type's
 * idle operations. Called only by the worker that runs the job, while it
 * is online in RCU terms, so a VM's vid stays valid throughout. */
static bool port_arm(struct worker_job *job, struct idle_set *set)
{
	struct port *p = port_of_wake(job->source);

	job->armed = true;
	return p->ops->idle_arm(p, job->intr_unreliable, set);
}

static void port_rearm(struct worker_job *job)
{
	struct port *p = port_of_wake(job->source);

	if (job->armed)
		p->ops->idle_rearm(p, job->intr_unreliable);
}

static void port_disarm(struct worker_job *job, struct idle_set *set)
{
	struct port *p = port_of_wake(job->source);

	if (!job->armed)
		return;
	job->armed = false;
	p->ops->idle_disarm(p, job->intr_unreliable, set);
}

static void port_distrust(struct worker_job *job, struct idle_set *set)
{
	struct port *p = port_of_wake(job->source);

	if (!p->ops->wakes_by_interrupt || job->intr_unreliable)
		return;
	port_disarm(job, set);
	job->intr_unreliable = true;
}

static const struct wake_source_ops port_wake_ops = {
	.arm = port_arm,
	.rearm = port_rearm,
	.disarm = port_disarm,
	.distrust = port_distrust,
};

int port_check_new_name(const char *name, char *err, size_t errlen)
{
	int rc = port_name_check(name, err, errlen);

	return rc ?: names_check_free("port", name, err, errlen);
}

int port_add(const char *name, const struct port_ops *ops, const void *args, char *err,
	     size_t errlen)
{
	struct port *p;
	int rc;

	rc = port_check_new_name(name, err, errlen);
	if (rc)
		return rc;
	p = calloc(1, sizeof(*p) + ops->priv_size);
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ops = ops;
	p->wake.ops = &port_wake_ops;
	rc = ops->create(p, args, err, errlen);
	if (rc) {
		free(p);
		return rc;
	}
	TAILQ_INSERT_TAIL(&port_list, p, next);
	XVIO_LOG(INFO, "port %s added (%s)", p->name, ops->type);
	return 0;
}

static void port_destroy(struct port *p)
{
	TAILQ_REMOVE(&port_list, p, next);
	p->ops->destroy(p);
	XVIO_LOG(INFO, "port %s removed", p->name);
	free(p);
}

int port_del(const char *name, char *err, size_t errlen)
{
	struct port *p = port_find(name);

	if (p == NULL) {
		snprintf(err, errlen, "no port named '%s'", name);
		return -ENOENT;
	}
	if (p->owner.kind != NULL) {
		/* "used by a relay; delete the relay first", "attached to a
		 * bridge; remove it from the bridge first" */
		bool relay = strcmp(p->owner.kind, "relay") == 0;

		snprintf(err, errlen, "port '%s' is %s a %s ('%s'); %s the %s first", name,
			 relay ? "used by" : "attached to", p->owner.kind, p->owner.name,
			 relay ? "delete" : "remove it from", p->owner.kind);
		return -EBUSY;
	}
	port_destroy(p);
	return 0;
}

void port_del_all(void)
{
	struct port *p;

	while ((p = TAILQ_FIRST(&port_list)) != NULL)
		port_destroy(p);
}

json_t *port_to_json(const struct port *p, bool config_only)
{
	json_t *obj = json_pack("{s:s, s:s}", "name", p->name, "type", p->ops->type);
	bool in_relay = p->owner.kind != NULL && strcmp(p->owner.kind, "relay") == 0;

	p->ops->describe(p, obj, config_only);
	if (config_only)
		return obj;
	/* "relay" is always there (null: none); other owners by their kind. */
	json_object_set_new(obj, "relay", in_relay ? json_string(p->owner.name) : json_null());
	if (p->owner.kind != NULL && !in_relay)
		json_object_set_new(obj, p->owner.kind, json_string(p->owner.name));
	return obj;
}
