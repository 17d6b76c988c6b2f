/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl/ctl_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int args_check_keys(json_t *args, const char *const *allowed,
		    char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	json_object_foreach(args, key, val) {
		const char *const *a;

		(void)val;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL) {
			snprintf(err, errlen, "unknown argument '%s'", key);
			return -EINVAL;
		}
	}
	return 0;
}

int args_get_str(json_t *args, const char *key, const char *def,
		 const char **out, char *err, size_t errlen)
{
	json_t *v = json_object_get(args, key);

	if (v == NULL) {
		if (def == NULL) {
			snprintf(err, errlen, "missing argument '%s'", key);
			return -EINVAL;
		}
		*out = def;
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "argument '%s' must be a string", key);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

int args_get_uint(json_t *args, const char *key, bool required, unsigned int def,
		  unsigned int min, unsigned int max, unsigned int *out,
		  char *err, size_t errlen)
{
	json_t *v = json_object_get(args, key);
	long long val;

	if (v == NULL) {
		if (required) {
			snprintf(err, errlen, "missing argument '%s'", key);
			return -EINVAL;
		}
		*out = def;
		return 0;
	}
	if (json_is_integer(v)) {
		val = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		errno = 0;
		val = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0)
			goto bad;
	} else {
		goto bad;
	}
	if (val < (long long)min || val > (long long)max)
		goto bad;
	*out = (unsigned int)val;
	return 0;
bad:
	snprintf(err, errlen, "argument '%s' must be an integer from %u to %u",
		 key, min, max);
	return -EINVAL;
}

int args_get_bool(json_t *args, const char *key, bool def, bool *out,
		  char *err, size_t errlen)
{
	json_t *v = json_object_get(args, key);
	const char *s;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	s = json_is_string(v) ? json_string_value(v) : "";
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
		*out = false;
		return 0;
	}
	snprintf(err, errlen, "argument '%s' must be on or off", key);
	return -EINVAL;
}
