/* SPDX-License-Identifier: BSD-3-Clause */
/* The control half of the vhost port type: port-add's arguments, read. */
#include "port/vhost_port_args.h"

#include "ctl/ctl_args.h"

int vhost_port_read_args(json_t *args, void *out, char *err, size_t errlen)
{
	static const char *const allowed[] = {
		"name", "type", "path", "mode", "queues", "mrg_rxbuf", "packed",
		"offloads", "owner", "group", "perm", NULL
	};
	struct vhost_port_args *a = out;
	int rc;

	rc = args_check_keys(args, allowed, err, errlen);
	rc = rc ?: args_get_str(args, "path", NULL, &a->path, err, errlen);
	rc = rc ?: args_get_str(args, "mode", "server", &a->mode, err, errlen);
	rc = rc ?: args_get_uint(args, "queues", false, 1, 1, VHOST_MAX_QUEUE_PAIRS,
				 &a->queues, err, errlen);
	rc = rc ?: args_get_bool(args, "mrg_rxbuf", true, &a->mrg_rxbuf, err, errlen);
	rc = rc ?: args_get_bool(args, "packed", true, &a->packed, err, errlen);
	rc = rc ?: args_get_bool(args, "offloads", false, &a->offloads, err, errlen);
	rc = rc ?: args_get_str(args, "owner", "", &a->owner, err, errlen);
	rc = rc ?: args_get_str(args, "group", "", &a->group, err, errlen);
	rc = rc ?: args_get_str(args, "perm", "", &a->perm, err, errlen);
	return rc;
}
