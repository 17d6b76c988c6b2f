/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict readers for command arguments (a JSON object). Every command, and
 * the config file which reuses the commands, goes through these so that a
 * wrong key or value is named in a one-line error instead of ignored.
 * All return 0 or -EINVAL with err filled.
 */
#ifndef XVIO_CTL_ARGS_H
#define XVIO_CTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Fail on any key not in the NULL-terminated list `allowed`. */
int args_check_keys(json_t *args, const char *const *allowed,
		    char *err, size_t errlen);

/* A string; def == NULL makes the key required. */
int args_get_str(json_t *args, const char *key, const char *def,
		 const char **out, char *err, size_t errlen);

/* An unsigned integer in [min, max] (a JSON integer or a decimal string). */
int args_get_uint(json_t *args, const char *key, bool required, unsigned int def,
		  unsigned int min, unsigned int max, unsigned int *out,
		  char *err, size_t errlen);

/* A boolean: true/false, or the strings on/off, yes/no, true/false. */
int args_get_bool(json_t *args, const char *key, bool def, bool *out,
		  char *err, size_t errlen);

#endif
