/* SPDX-License-Identifier: BSD-3-Clause */
#include "port/devargs_files.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Device names start with the driver's name or an alias of it. */
static const struct {
	const char *driver;  /* without "net_" / "eth_" */
	const char *keys[3];
} file_args[] = {
	{ "pcap", { "rx_pcap", "tx_pcap" } },
	{ "memif", { "socket" } },
	{ "vhost", { "iface" } },
	{ "virtio_user", { "path" } },
	{ "af_xdp", { "xdp_prog" } },
	{ "softnic", { "firmware" } },
};

static const char *driver_of(const char *name)
{
	if (strncmp(name, "net_", 4) == 0 || strncmp(name, "eth_", 4) == 0)
		return name + 4;
	return name;
}

static bool is_file_arg(const char *driver, const char *key, size_t keylen)
{
	for (size_t d = 0; d < sizeof(file_args) / sizeof(file_args[0]); d++) {
		if (strncmp(driver, file_args[d].driver, strlen(file_args[d].driver)) != 0)
			continue;
		for (size_t k = 0; k < 3 && file_args[d].keys[k]; k++)
			if (strlen(file_args[d].keys[k]) == keylen &&
			    strncmp(file_args[d].keys[k], key, keylen) == 0)
				return true;
	}
	return false;
}

int devargs_files_check(const char *devargs, const struct path_area *area,
			char *err, size_t errlen)
{
	const char *comma = strchr(devargs, ',');
	size_t name_len = comma ? (size_t)(comma - devargs) : strlen(devargs);
	char name[128], value[PATH_MAX], full[PATH_MAX], why[PATH_MAX + 128];
	const char *driver;

	snprintf(name, sizeof(name), "%.*s", (int)name_len, devargs);
	driver = driver_of(name);
	if (strncmp(driver, "failsafe", 8) == 0) {
		snprintf(err, errlen, "net_failsafe devices are refused: they run commands "
			 "(exec) and nest other devices");
		return -EPERM;
	}
	for (const char *arg = comma; arg != NULL; arg = strchr(arg + 1, ',')) {
		const char *key = arg + 1, *end = strchr(key, ',');
		size_t len = end ? (size_t)(end - key) : strlen(key);
		const char *eq = memchr(key, '=', len);
		int key_len, value_len, rc;

		if (eq == NULL)
			continue;
		key_len = (int)(eq - key);
		value_len = (int)(len - (size_t)key_len - 1);
		if (!is_file_arg(driver, key, (size_t)key_len) &&
		    memchr(eq + 1, '/', (size_t)value_len) == NULL)
			continue;
		if ((size_t)value_len >= sizeof(value)) {
			snprintf(err, errlen, "device argument %.*s is too long", key_len, key);
			return -ENAMETOOLONG;
		}
		snprintf(value, sizeof(value), "%.*s", value_len, eq + 1);
		rc = path_confine(area, value, false, full, sizeof(full), why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "device argument %.*s: %s", key_len, key, why);
			return rc;
		}
	}
	return 0;
}
