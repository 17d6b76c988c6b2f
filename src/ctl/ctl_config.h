/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for the modules' config sections (ctl_module.h): the shapes
 * most sections have, turned into control requests.
 */
#ifndef XVIO_CTL_CONFIG_H
#define XVIO_CTL_CONFIG_H

#include <stddef.h>

#include <jansson.h>

/* value, under key: an array of objects, each the arguments of one cmd. */
int ctl_config_entries(json_t *value, const char *key, const char *cmd, json_t *requests,
		       char *err, size_t errlen);

/* value, under key: true or false, as cmd { "mode": "on" | "off" }. */
int ctl_config_on_off(json_t *value, const char *key, const char *cmd, json_t *requests,
		      char *err, size_t errlen);

#endif
