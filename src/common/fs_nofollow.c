/* SPDX-License-Identifier: BSD-3-Clause */
#include "common/fs_nofollow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int socket_file_set_owner(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	char proc[64];
	struct stat st;
	int fd, rc = 0;

	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		rc = -errno;
	else if (S_ISLNK(st.st_mode))
		rc = -ELOOP;
	else if (!S_ISSOCK(st.st_mode))
		rc = -ENOTSOCK;
	else if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
		 fchownat(fd, "", uid, gid, AT_EMPTY_PATH) != 0)
		rc = -errno;
	/* fchmod() refuses O_PATH descriptors; the /proc link names this
	 * very inode, whatever happens to the path meanwhile. */
	if (rc == 0 && mode != 0) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (chmod(proc, mode) != 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}
