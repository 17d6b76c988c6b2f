/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/telemetry.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "ctl/ctl_commands.h"
#include "ctl/ctl_module.h"

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

/* The module endpoint path belongs to (list or one). */
static const struct xvio_telemetry *endpoint(const char *path, bool *one)
{
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_telemetry; i++) {
			const struct xvio_telemetry *t = &mod->telemetry[i];

			if (strcmp(path, t->list_path) == 0 || strcmp(path, t->one_path) == 0) {
				*one = strcmp(path, t->one_path) == 0;
				return t;
			}
		}
	}
	return NULL;
}

/* An object's name as text: a string, or a number (a core's CPU). */
static void name_of(json_t *item, const char *key, char *s, size_t len)
{
	json_t *f = json_object_get(item, key);

	if (json_is_integer(f))
		snprintf(s, len, "%" JSON_INTEGER_FORMAT, json_integer_value(f));
	else
		snprintf(s, len, "%s", json_is_string(f) ? json_string_value(f) : "");
}

static int tel_list(const struct xvio_telemetry *t, struct rte_tel_data *d)
{
	json_t *list = run(t->list_cmd, json_object()), *item;
	size_t i;

	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	json_array_foreach(list, i, item) {
		char s[64];

		name_of(item, t->name_key, s, sizeof(s));
		rte_tel_data_add_array_string(d, s);
	}
	json_decref(list);
	return 0;
}

/* One object, flattened: show_cmd's answer, or the list's entry. */
static int tel_one(const struct xvio_telemetry *t, const char *param, struct rte_tel_data *d)
{
	json_t *res = NULL, *list, *item;
	size_t i;

	if (param == NULL || param[0] == '\0')
		return -EINVAL;
	if (t->show_cmd != NULL) {
		res = run(t->show_cmd, json_pack("{s:s}", t->show_arg, param));
	} else {
		list = run(t->list_cmd, json_object());
		json_array_foreach(list, i, item) {
			char s[64];

			name_of(item, t->name_key, s, sizeof(s));
			if (strcmp(s, param) == 0) {
				res = json_incref(item);
				break;
			}
		}
		json_decref(list);
	}
	if (res == NULL || json_is_null(res)) {
		json_decref(res);
		return -ENOENT;
	}
	rte_tel_data_start_dict(d);
	flatten(d, "", res);
	json_decref(res);
	return 0;
}

static int tel_handler(const char *cmd, const char *param, struct rte_tel_data *d)
{
	bool one;
	const struct xvio_telemetry *t = endpoint(cmd, &one);

	if (t == NULL)
		return -ENOENT;
	return one ? tel_one(t, param, d) : tel_list(t, d);
}

void xvio_telemetry_register(void)
{
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_telemetry; i++) {
			const struct xvio_telemetry *t = &mod->telemetry[i];

			rte_telemetry_register_cmd(t->list_path, tel_handler, t->list_help);
			rte_telemetry_register_cmd(t->one_path, tel_handler, t->one_help);
		}
	}
}
