/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctl_proto.h"
#include "daemon/config_bridges.h"

static int add_entries(json_t *doc, const char *key, const char *cmd,
		       json_t *requests, char *err, size_t errlen)
{
	json_t *arr = json_object_get(doc, key), *entry;
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "\"%s\" must be an array", key);
		return -EINVAL;
	}
	json_array_foreach(arr, i, entry) {
		if (!json_is_object(entry)) {
			snprintf(err, errlen, "%s[%zu] must be an object", key, i);
			return -EINVAL;
		}
		json_array_append_new(requests, ctl_request(cmd, json_deep_copy(entry)));
	}
	return 0;
}

int config_to_requests(json_t *doc, json_t **requests, char *err, size_t errlen)
{
	json_t *reqs, *rebalance, *val;
	const char *key;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "the config must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach(doc, key, val) {
		(void)val;
		if (strcmp(key, "ports") && strcmp(key, "relays") && strcmp(key, "bridges") &&
		    strcmp(key, "rebalance")) {
			snprintf(err, errlen, "unknown key \"%s\" (expected ports, relays, bridges, "
				 "rebalance)", key);
			return -EINVAL;
		}
	}
	rebalance = json_object_get(doc, "rebalance");
	if (rebalance != NULL && !json_is_boolean(rebalance)) {
		snprintf(err, errlen, "\"rebalance\" must be true or false");
		return -EINVAL;
	}
	reqs = json_array();
	if (add_entries(doc, "ports", "port-add", reqs, err, errlen) ||
	    add_entries(doc, "relays", "relay-add", reqs, err, errlen) ||
	    config_bridges_to_requests(json_object_get(doc, "bridges"), reqs, err, errlen)) {
		json_decref(reqs);
		return -EINVAL;
	}
	if (rebalance != NULL)
		json_array_append_new(reqs, ctl_request("rebalance",
			json_pack("{s:s}", "mode", json_is_true(rebalance) ? "on" : "off")));
	*requests = reqs;
	return 0;
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
