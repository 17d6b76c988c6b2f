/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "ctl/ctl_commands.h"

/* Telemetry names allow only letters, digits, '_' and '/'. */
static void tel_name(char *key)
{
	for (; *key; key++)
		if (*key == '-' || *key == '.')
			*key = '_';
}

/* Flatten a control command's JSON result into d: nested keys are joined
 * with '_', so a relay's "directions_0_packets" stays one telemetry value
 * (telemetry dicts do not nest deeply). */
static void flatten(struct rte_tel_data *d, const char *prefix, json_t *v)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	const char *k;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, child) {
			snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "_" : "", k);
			tel_name(key);
			flatten(d, key, child);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			snprintf(key, sizeof(key), "%s%s%zu", prefix, prefix[0] ? "_" : "", i);
			flatten(d, key, child);
		}
	} else if (json_is_integer(v)) {
		rte_tel_data_add_dict_u64(d, prefix, (uint64_t)json_integer_value(v));
	} else if (json_is_real(v)) {
		char s[32];

		snprintf(s, sizeof(s), "%.1f", json_real_value(v));
		rte_tel_data_add_dict_string(d, prefix, s);
	} else if (json_is_string(v)) {
		rte_tel_data_add_dict_string(d, prefix, json_string_value(v));
	} else if (json_is_boolean(v)) {
		rte_tel_data_add_dict_int(d, prefix, json_is_true(v));
	}
}

static json_t *run(const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:s, s:o}", "cmd", cmd, "args", args);
	json_t *reply = ctl_commands_dispatch(req);
	json_t *result = json_incref(json_object_get(reply, "result"));

	json_decref(req);
	json_decref(reply);
	return result;
}

static int names(const char *cmd, const char *field, struct rte_tel_data *d)
{
	json_t *list = run(cmd, json_object()), *item;
	size_t i;

	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	json_array_foreach(list, i, item) {
		json_t *f = json_object_get(item, field);
		char s[32];

		if (json_is_integer(f))
			snprintf(s, sizeof(s), "%" JSON_INTEGER_FORMAT, json_integer_value(f));
		else
			snprintf(s, sizeof(s), "%s", json_string_value(f));
		rte_tel_data_add_array_string(d, s);
	}
	json_decref(list);
	return 0;
}

static int tel_ports(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c, (void)p;
	return names("port-list", "name", d);
}

static int tel_relays(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c, (void)p;
	return names("relay-list", "name", d);
}

static int tel_cores(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c, (void)p;
	return names("core-list", "cpu", d);
}

static int tel_bridges(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c, (void)p;
	return names("bridge-list", "name", d);
}

/* One object: cmd with {key: param}, flattened. */
static int one(const char *cmd, const char *key, const char *param, struct rte_tel_data *d)
{
	json_t *res;

	if (param == NULL || param[0] == '\0')
		return -EINVAL;
	res = run(cmd, json_pack("{s:s}", key, param));
	if (res == NULL || json_is_null(res)) {
		json_decref(res);
		return -ENOENT;
	}
	rte_tel_data_start_dict(d);
	flatten(d, "", res);
	json_decref(res);
	return 0;
}

static int tel_port(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c;
	return one("port-show", "name", p, d);
}

static int tel_relay(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c;
	return one("relay-show", "name", p, d);
}

static int tel_bridge(const char *c, const char *p, struct rte_tel_data *d)
{
	(void)c;
	return one("bridge-show", "bridge", p, d);
}

static int tel_core(const char *c, const char *p, struct rte_tel_data *d)
{
	json_t *list, *item;
	size_t i;
	int rc = -ENOENT;

	(void)c;
	if (p == NULL || p[0] == '\0')
		return -EINVAL;
	list = run("core-list", json_object());
	json_array_foreach(list, i, item) {
		if (json_integer_value(json_object_get(item, "cpu")) == atoi(p)) {
			rte_tel_data_start_dict(d);
			flatten(d, "", item);
			rc = 0;
			break;
		}
	}
	json_decref(list);
	return rc;
}

void xvio_telemetry_register(void)
{
	rte_telemetry_register_cmd("/xvio/ports", tel_ports, "List xvio ports");
	rte_telemetry_register_cmd("/xvio/port", tel_port, "An xvio port's state and counters. Parameter: name");
	rte_telemetry_register_cmd("/xvio/relays", tel_relays, "List xvio relays");
	rte_telemetry_register_cmd("/xvio/relay", tel_relay, "An xvio relay's counters. Parameter: name");
	rte_telemetry_register_cmd("/xvio/bridges", tel_bridges, "List xvio bridges");
	rte_telemetry_register_cmd("/xvio/bridge", tel_bridge, "An xvio bridge's ports and counters. Parameter: name");
	rte_telemetry_register_cmd("/xvio/cores", tel_cores, "List xvio worker CPUs");
	rte_telemetry_register_cmd("/xvio/core", tel_core, "An xvio worker core's load. Parameter: CPU");
}
