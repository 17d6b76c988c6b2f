/* SPDX-License-Identifier: BSD-3-Clause */
#include "common/path_confine.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int outside(const struct path_area *a, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s is outside the %s directory %s (%s)", path, a->what,
		 a->dir, a->option);
	return -EPERM;
}

/* Is sub the directory dir or below it? Both are canonical. */
static bool is_within(const char *dir, const char *sub)
{
	size_t n = strlen(dir);

	if (n == 1) /* "/" */
		return true;
	return strncmp(dir, sub, n) == 0 && (sub[n] == '\0' || sub[n] == '/');
}

static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

int path_confine(const struct path_area *a, const char *path, bool bare_ok,
		 char *out, size_t outlen, char *err, size_t errlen)
{
	char parent[PATH_MAX], real_parent[PATH_MAX], real_dir[PATH_MAX];
	struct stat st;
	char *slash;
	int n;

	if (strchr(path, '/') == NULL) {
		if (!bare_ok || path[0] == '\0' || strcmp(path, "..") == 0)
			return outside(a, path, err, errlen);
		n = snprintf(out, outlen, "%s/%s", a->dir, path);
	} else {
		if (path[0] != '/' || has_dotdot(path))
			return outside(a, path, err, errlen);
		n = snprintf(out, outlen, "%s", path);
	}
	if (n < 0 || (size_t)n >= outlen || (size_t)n >= sizeof(parent)) {
		snprintf(err, errlen, "path '%s' is too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(parent, sizeof(parent), "%s", out);
	slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (realpath(a->dir, real_dir) == NULL) {
		snprintf(err, errlen, "the %s directory %s (%s): %s", a->what, a->dir, a->option,
			 strerror(errno));
		return -ENOENT;
	}
	if (realpath(parent, real_parent) == NULL) {
		if (errno == ENOENT && is_within(a->dir, parent)) {
			snprintf(err, errlen, "directory %s does not exist", parent);
			return -ENOENT;
		}
		return outside(a, out, err, errlen);
	}
	if (!is_within(real_dir, real_parent))
		return outside(a, out, err, errlen);
	if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "%s is a symbolic link; refused", out);
		return -ELOOP;
	}
	return 0;
}
