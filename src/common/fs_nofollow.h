/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Changing the owner and mode of a file xviod created, without following
 * a symbolic link that may have replaced it: chown(2) and chmod(2) on a
 * path would hand whatever the link points to (/etc/shadow) to the new
 * owner. One O_PATH descriptor is opened without following the last name,
 * checked to be a socket, and both changes go through it.
 */
#ifndef XVIO_FS_NOFOLLOW_H
#define XVIO_FS_NOFOLLOW_H

#include <sys/types.h>

/* uid or gid (uid_t)-1 / (gid_t)-1: unchanged; mode 0: unchanged.
 * 0, -ELOOP (a symbolic link), -ENOTSOCK (not a socket), or -errno. */
int socket_file_set_owner(const char *path, uid_t uid, gid_t gid, mode_t mode);

#endif
