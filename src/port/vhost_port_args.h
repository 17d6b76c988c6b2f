/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control half of the vhost port type: port-add's arguments of a vhost
 * port, read into typed values. vhost_port.c checks them when it creates
 * the port.
 */
#ifndef XVIO_VHOST_PORT_ARGS_H
#define XVIO_VHOST_PORT_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define VHOST_MAX_QUEUE_PAIRS 8

struct vhost_port_args {
	const char *path, *mode, *owner, *group, *perm;
	unsigned int queues;
	bool mrg_rxbuf, packed, offloads;
};

/* port_ops.read_args of the vhost type: out is a struct vhost_port_args. */
int vhost_port_read_args(json_t *args, void *out, char *err, size_t errlen);

#endif
