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
#include "ctl/ctl_args.h"
#include "relay/relay.h"
#include "switch/bridge.h"

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

const char *port_type_name(enum port_type type)
{
	return type == PORT_VHOST ? "vhost" : "eth";
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

int port_add(json_t *args, char *err, size_t errlen)
{
	const char *name, *type;
	struct port *p;
	int rc;

	if (args_get_str(args, "name", NULL, &name, err, errlen) ||
	    args_get_str(args, "type", NULL, &type, err, errlen))
		return -EINVAL;
	rc = port_name_check(name, err, errlen);
	if (rc)
		return rc;
	rc = names_check_free("port", name, err, errlen);
	if (rc)
		return rc;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (strcmp(type, "vhost") == 0) {
		p->type = PORT_VHOST;
		rc = vhost_port_create(p, args, err, errlen);
	} else if (strcmp(type, "eth") == 0) {
		p->type = PORT_ETH;
		rc = eth_port_create(p, args, err, errlen);
	} else {
		snprintf(err, errlen, "port type '%s' is not vhost or eth", type);
		rc = -EINVAL;
	}
	if (rc) {
		free(p);
		return rc;
	}
	TAILQ_INSERT_TAIL(&port_list, p, next);
	XVIO_LOG(INFO, "port %s added (%s)", p->name, type);
	return 0;
}

static void port_destroy(struct port *p)
{
	TAILQ_REMOVE(&port_list, p, next);
	if (p->type == PORT_VHOST)
		vhost_port_destroy(p);
	else
		eth_port_destroy(p);
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
	if (p->relay != NULL) {
		snprintf(err, errlen, "port '%s' is used by a relay; delete the relay first",
			 name);
		return -EBUSY;
	}
	if (p->bport != NULL) {
		snprintf(err, errlen, "port '%s' is attached to a bridge; remove it from the "
			 "bridge first", name);
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
	json_t *obj = json_pack("{s:s, s:s}", "name", p->name,
				"type", port_type_name(p->type));

	if (p->type == PORT_VHOST)
		vhost_port_describe(p, obj, config_only);
	else
		eth_port_describe(p, obj, config_only);
	if (!config_only)
		json_object_set_new(obj, "relay",
				    p->relay ? json_string(p->relay->name) : json_null());
	if (!config_only && p->bport != NULL)
		json_object_set_new(obj, "bridge", json_string(bridge_port_bridge_name(p->bport)));
	return obj;
}
