/* SPDX-License-Identifier: BSD-3-Clause */
/* The config file's "bridges" list (daemon/config.h), as requests. */
#ifndef XVIO_CONFIG_BRIDGES_H
#define XVIO_CONFIG_BRIDGES_H

#include <stddef.h>
#include <jansson.h>

/* Appends bridge-add, then per bridge bridge-port-add, meter-add and one
 * flow-add with all its flows. 0 or -EINVAL with err naming the entry. */
int config_bridges_to_requests(json_t *bridges, json_t *requests, char *err, size_t errlen);

#endif
