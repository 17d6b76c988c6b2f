/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control half of the eth port type: port-add's arguments of an eth
 * port, read into typed values. eth_port.c checks them when it creates
 * the port.
 */
#ifndef XVIO_ETH_PORT_ARGS_H
#define XVIO_ETH_PORT_ARGS_H

#include <stddef.h>

#include <jansson.h>

#define ETH_MAX_QUEUES 8

struct eth_port_args {
	const char *device;
	unsigned int queues, mtu;
};

/* port_ops.read_args of the eth type: out is a struct eth_port_args. */
int eth_port_read_args(json_t *args, void *out, char *err, size_t errlen);

#endif
