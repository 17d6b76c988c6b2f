/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctl_module.h"
#include "ctl/ctl_proto.h"

static const struct xvio_config_section *section_of(const char *key)
{
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_config; i++)
			if (strcmp(mod->config[i].key, key) == 0)
				return &mod->config[i];
	}
	return NULL;
}

/* "ports, relays, ...": every key a module owns, in rank order. */
static void known_keys(char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_config && off < len; i++)
			off += (size_t)snprintf(out + off, len - off, "%s%s", off ? ", " : "",
						mod->config[i].key);
	}
}

int config_to_requests(json_t *doc, json_t **requests, char *err, size_t errlen)
{
	json_t *reqs, *val;
	const char *key;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "the config must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach(doc, key, val) {
		(void)val;
		if (section_of(key) == NULL) {
			char keys[256];

			known_keys(keys, sizeof(keys));
			snprintf(err, errlen, "unknown key \"%s\" (expected %s)", key, keys);
			return -EINVAL;
		}
	}
	/* Module by module, in rank order: what a feature uses exists by the
	 * time its own requests run. */
	reqs = json_array();
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_config; i++) {
			val = json_object_get(doc, mod->config[i].key);
			if (val != NULL && mod->config[i].to_requests(val, reqs, err, errlen)) {
				json_decref(reqs);
				return -EINVAL;
			}
		}
	}
	*requests = reqs;
	return 0;
}

json_t *config_running(void)
{
	json_t *doc = json_object();

	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_config; i++)
			json_object_set_new(doc, mod->config[i].key, mod->config[i].running());
	}
	return doc;
}

int config_load_file(const char *path, json_t **requests, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int rc;

	if (doc == NULL) {
		if (access(path, R_OK) != 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
		return -EINVAL;
	}
	rc = config_to_requests(doc, requests, err, errlen);
	json_decref(doc);
	return rc;
}

int config_save_file(const char *path, json_t *doc, char *err, size_t errlen)
{
	char tmp[4096];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "config path too long");
		return -ENAMETOOLONG;
	}
	/* A new, unique file (O_EXCL): never one a link at a guessable name
	 * leads to. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		return rc;
	}
	/* mkostemp makes it 0600; a config file is no secret. */
	rc = fchmod(fd, 0644) == 0 &&
	     json_dumpfd(doc, fd, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -EIO;
	if (close(fd) != 0 && rc == 0)
		rc = -EIO;
	if (rc) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		return rc;
	}
	return 0;
}
