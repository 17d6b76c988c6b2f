/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paths a control client names (config save, pcap files, vhost sockets)
 * must lie in a directory the operator chose: a client of the control
 * socket is not root (daemon/ctl_auth.h), and xviod, which is, would
 * otherwise create or truncate any file on its behalf.
 *
 * A path lies in DIR when it is DIR/NAME or below, has no ".." and no
 * symbolic link on the way out of DIR (the directory that holds it,
 * resolved, is DIR or under it), and its last name is not a symbolic link.
 * The check and the use are two steps: a DIR that others can write to
 * leaves a race, so give xviod directories only root (or the operators'
 * group) can write.
 */
#ifndef XVIO_PATH_CONFINE_H
#define XVIO_PATH_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

struct path_area {
	const char *dir;     /* "/run/xvio" */
	const char *what;    /* "vhost": "the vhost directory /run/xvio" */
	const char *option;  /* "--vhost-dir", named in errors */
};

/*
 * Check path against area. A name without '/' means area->dir/name when
 * bare_ok (refused otherwise: relative to what?). out gets the full path.
 * 0, or -errno with a one-line err naming the path and the directory:
 * -EPERM outside, -ELOOP a symbolic link, -ENOENT no such directory,
 * -ENAMETOOLONG.
 */
int path_confine(const struct path_area *area, const char *path, bool bare_ok,
		 char *out, size_t outlen, char *err, size_t errlen);

#endif
