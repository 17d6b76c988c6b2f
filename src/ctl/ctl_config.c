/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl/ctl_config.h"

#include <errno.h>
#include <stdio.h>

#include "ctl/ctl_proto.h"

int ctl_config_entries(json_t *value, const char *key, const char *cmd, json_t *requests,
		       char *err, size_t errlen)
{
	json_t *entry;
	size_t i;

	if (!json_is_array(value)) {
		snprintf(err, errlen, "\"%s\" must be an array", key);
		return -EINVAL;
	}
	json_array_foreach(value, i, entry) {
		if (!json_is_object(entry)) {
			snprintf(err, errlen, "%s[%zu] must be an object", key, i);
			return -EINVAL;
		}
		json_array_append_new(requests, ctl_request(cmd, json_deep_copy(entry)));
	}
	return 0;
}

int ctl_config_on_off(json_t *value, const char *key, const char *cmd, json_t *requests,
		      char *err, size_t errlen)
{
	if (!json_is_boolean(value)) {
		snprintf(err, errlen, "\"%s\" must be true or false", key);
		return -EINVAL;
	}
	json_array_append_new(requests, ctl_request(cmd, json_pack("{s:s}", "mode",
						     json_is_true(value) ? "on" : "off")));
	return 0;
}
