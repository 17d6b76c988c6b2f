/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket, served from the main thread's poll loop. Requests
 * are handled one at a time, in the order they arrive (ctl/ctl_proto.h).
 */
#ifndef XVIO_CTL_SERVER_H
#define XVIO_CTL_SERVER_H

#include <poll.h>
#include <stddef.h>

#define CTL_MAX_CLIENTS 32

/* Bind and listen. Refuses to replace a socket a live xviod answers on.
 * 0 or -errno with err set. */
int ctl_server_open(const char *path, char *err, size_t errlen);
void ctl_server_close(void);

/* Fill pollfds for the listener and clients; returns how many. */
int ctl_server_pollfds(struct pollfd *fds, int max);

/* Handle whatever poll() reported on those fds. */
void ctl_server_handle(const struct pollfd *fds, int n);

#endif
