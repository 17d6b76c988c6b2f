/* SPDX-License-Identifier: BSD-3-Clause */
/* The config file's "bridges" section, as requests. */
#include "switch/bridge_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl_proto.h"

/* A list of strings, or absent. */
static int strings(json_t *b, const char *key, size_t index, char *err, size_t errlen)
{
	json_t *arr = json_object_get(b, key), *v;
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "bridges[%zu].%s must be an array of strings", index, key);
		return -EINVAL;
	}
	json_array_foreach(arr, i, v)
		if (!json_is_string(v)) {
			snprintf(err, errlen, "bridges[%zu].%s[%zu] must be a string", index, key, i);
			return -EINVAL;
		}
	return 0;
}

/* A bridge entry's own keys: bridge add's arguments, then its contents. */
static const char *const add_keys[] = { "mac_age", "mac_limit" };

static bool known_key(const char *key)
{
	for (size_t i = 0; i < sizeof(add_keys) / sizeof(add_keys[0]); i++)
		if (strcmp(key, add_keys[i]) == 0)
			return true;
	return !strcmp(key, "name") || !strcmp(key, "ports") || !strcmp(key, "meters") ||
	       !strcmp(key, "flows");
}

static int check_bridge(json_t *b, size_t i, char *err, size_t errlen)
{
	json_t *ports, *p, *v;
	const char *key;
	size_t k;

	if (!json_is_object(b)) {
		snprintf(err, errlen, "bridges[%zu] must be an object", i);
		return -EINVAL;
	}
	json_object_foreach(b, key, v) {
		(void)v;
		if (!known_key(key)) {
			snprintf(err, errlen, "bridges[%zu]: unknown key \"%s\" (expected name, "
				 "mac_age, mac_limit, ports, meters, flows)", i, key);
			return -EINVAL;
		}
	}
	if (!json_is_string(json_object_get(b, "name"))) {
		snprintf(err, errlen, "bridges[%zu] needs a \"name\"", i);
		return -EINVAL;
	}
	ports = json_object_get(b, "ports");
	if (ports != NULL && !json_is_array(ports)) {
		snprintf(err, errlen, "bridges[%zu].ports must be an array", i);
		return -EINVAL;
	}
	json_array_foreach(ports, k, p)
		if (!json_is_object(p) || json_object_get(p, "bridge") != NULL) {
			snprintf(err, errlen, "bridges[%zu].ports[%zu] must be an object of "
				 "bridge port-add arguments", i, k);
			return -EINVAL;
		}
	return strings(b, "meters", i, err, errlen) || strings(b, "flows", i, err, errlen) ?
	       -EINVAL : 0;
}

int bridge_config_to_requests(json_t *bridges, json_t *requests, char *err, size_t errlen)
{
	json_t *b, *p, *m;
	size_t i, k;

	if (bridges == NULL)
		return 0;
	if (!json_is_array(bridges)) {
		snprintf(err, errlen, "\"bridges\" must be an array");
		return -EINVAL;
	}
	json_array_foreach(bridges, i, b)
		if (check_bridge(b, i, err, errlen))
			return -EINVAL;
	json_array_foreach(bridges, i, b) {
		json_t *name = json_object_get(b, "name");
		json_t *args = json_pack("{s:O}", "name", name);
		json_t *flows = json_object_get(b, "flows");

		for (k = 0; k < sizeof(add_keys) / sizeof(add_keys[0]); k++)
			if (json_object_get(b, add_keys[k]))
				json_object_set(args, add_keys[k], json_object_get(b, add_keys[k]));
		/* Listed flows are the whole table (config save lists them all,
		 * none included); without a list the bridge starts as
		 * `bridge add` makes it. */
		if (flows != NULL)
			json_object_set_new(args, "default_flow", json_false());
		json_array_append_new(requests, ctl_request("bridge-add", args));
		json_array_foreach(json_object_get(b, "ports"), k, p) {
			json_t *pa = json_deep_copy(p);

			json_object_set(pa, "bridge", name);
			json_array_append_new(requests, ctl_request("bridge-port-add", pa));
		}
		json_array_foreach(json_object_get(b, "meters"), k, m)
			json_array_append_new(requests, ctl_request("meter-add",
				json_pack("{s:O, s:O}", "bridge", name, "meter", m)));
		if (flows != NULL && json_array_size(flows) > 0)
			json_array_append_new(requests, ctl_request("flow-add",
				json_pack("{s:O, s:O}", "bridge", name, "flows", flows)));
	}
	return 0;
}
