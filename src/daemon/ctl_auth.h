/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may use the control socket.
 *
 * A client can do anything xviod can: add ports and devices, move every
 * VM's traffic, write config files. So it must be root, or a member of the
 * one group the operator named (--ctl-group), whose members are trusted
 * with the datapath but not with the host: the files they can make xviod
 * write are confined to the directories xviod was given
 * (common/path_confine.h). The kernel tells who is on the other end
 * (SO_PEERCRED, SO_PEERGROUPS: the credentials at connect time), which
 * holds whatever the socket file's mode says and however the client got
 * its descriptor.
 */
#ifndef XVIO_CTL_AUTH_H
#define XVIO_CTL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_NO_GROUP ((gid_t)-1)

/* Root, or group is the primary group or one of the groups. */
bool ctl_creds_allowed(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
		       gid_t group);

/*
 * Ask the kernel about the peer of fd and decide. 1 allowed, 0 refused,
 * -errno if the kernel could not say (refuse then too). *uid is the peer's.
 */
int ctl_peer_allowed(int fd, gid_t group, uid_t *uid);

#endif
