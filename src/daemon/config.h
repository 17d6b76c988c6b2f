/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config file: a JSON document that declares ports and relays.
 *
 *   {
 *     "ports":  [ {"name": "vm1",  "type": "vhost", "path": "vm1.sock"},
 *                 {"name": "nic1", "type": "eth",   "device": "net_tap0"} ],
 *     "relays": [ {"name": "r1", "vhost": "vm1", "nic": "nic1"} ],
 *     "bridges": [ {"name": "br0",
 *                   "ports": [ {"port": "vm2", "ofport": 1, "tag": 10} ],
 *                   "meters": [ "meter=1,pktps,band=type=drop,rate=1000" ],
 *                   "flows": [ "priority=10,ip,actions=meter:1,normal" ]} ],
 *     "rebalance": true
 *   }
 *
 * Each top-level key belongs to a module (ctl/ctl_module.h, config
 * sections), which turns it into the requests of its commands (port-add,
 * relay-add, bridge-add, bridge-port-add, meter-add, flow-add, ...), so
 * the file is applied through the same code, with the same checks and
 * errors, as xvioctl; modules go in rank order. `xvioctl config save`
 * writes the running state back in this form.
 */
#ifndef XVIO_CONFIG_H
#define XVIO_CONFIG_H

#include <stddef.h>
#include <jansson.h>

/* Turn a config document into an array of requests, in the order to run
 * them. 0 or -EINVAL with err naming the offending entry. */
int config_to_requests(json_t *doc, json_t **requests, char *err, size_t errlen);

/* The running config: every module's sections (config show, save). */
json_t *config_running(void);

/* Read and convert a file. 0 or -errno with err set. */
int config_load_file(const char *path, json_t **requests, char *err, size_t errlen);

/* Write doc to path atomically (temporary file, then rename). */
int config_save_file(const char *path, json_t *doc, char *err, size_t errlen);

#endif
