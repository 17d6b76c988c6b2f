/* SPDX-License-Identifier: BSD-3-Clause */
/* The config file's "bridges" section (daemon/config.h), as requests:
 * the bridge module's to_requests (ctl/ctl_module.h). No DPDK: the config
 * unit tests link it. */
#ifndef XVIO_BRIDGE_CONFIG_H
#define XVIO_BRIDGE_CONFIG_H

#include <stddef.h>
#include <jansson.h>

/* Appends bridge-add, then per bridge bridge-port-add, meter-add and one
 * flow-add with all its flows. 0 or -EINVAL with err naming the entry. */
int bridge_config_to_requests(json_t *bridges, json_t *requests, char *err, size_t errlen);

#endif
