/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/ctl_auth.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

bool ctl_creds_allowed(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
		       gid_t group)
{
	if (uid == 0)
		return true;
	if (group == CTL_NO_GROUP)
		return false;
	if (gid == group)
		return true;
	for (size_t i = 0; i < ngroups; i++)
		if (groups[i] == group)
			return true;
	return false;
}

/* The peer's supplementary groups; *groups is malloc'd. 0 or -errno. */
static int peer_groups(int fd, gid_t **groups, size_t *n)
{
	socklen_t len = 64 * sizeof(gid_t);

	for (;;) {
		gid_t *buf = malloc(len ? len : sizeof(gid_t));

		if (buf == NULL)
			return -ENOMEM;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf, &len) == 0) {
			*groups = buf;
			*n = len / sizeof(gid_t);
			return 0;
		}
		free(buf);
		if (errno != ERANGE) /* ERANGE: len now says how much is needed */
			return -errno;
	}
}

int ctl_peer_allowed(int fd, gid_t group, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t *groups = NULL;
	size_t n = 0;
	int rc;

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return -errno;
	*uid = cred.uid;
	if (cred.uid == 0 || group == CTL_NO_GROUP || cred.gid == group)
		return ctl_creds_allowed(cred.uid, cred.gid, NULL, 0, group);
	rc = peer_groups(fd, &groups, &n);
	if (rc == 0)
		rc = ctl_creds_allowed(cred.uid, cred.gid, groups, n, group);
	free(groups);
	return rc;
}
