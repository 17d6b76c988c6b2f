/* SPDX-License-Identifier: BSD-3-Clause */
/* The control half of the eth port type: port-add's arguments, read. */
#include "port/eth_port_args.h"

#include "ctl/ctl_args.h"

int eth_port_read_args(json_t *args, void *out, char *err, size_t errlen)
{
	static const char *const allowed[] = {
		"name", "type", "device", "queues", "mtu", NULL
	};
	struct eth_port_args *a = out;
	int rc;

	rc = args_check_keys(args, allowed, err, errlen);
	rc = rc ?: args_get_str(args, "device", NULL, &a->device, err, errlen);
	rc = rc ?: args_get_uint(args, "queues", false, 1, 1, ETH_MAX_QUEUES, &a->queues,
				 err, errlen);
	rc = rc ?: args_get_uint(args, "mtu", false, 0, 68, 9600, &a->mtu, err, errlen);
	return rc;
}
