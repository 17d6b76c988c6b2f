/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket, served from the main thread's poll loop. Requests
 * are handled one at a time, in the order they arrive (ctl/ctl_proto.h).
 *
 * No client can hold the control thread: sockets are non-blocking, a reply
 * goes out as fast as its client reads it (the rest waits in the client's
 * output buffer, and its next request waits until the reply is out), and a
 * client that moves no byte for the idle timeout is closed. What one client
 * holds is bounded: one request line (CTL_MAX_LINE, CTL_MAX_VALUES) and one
 * reply (CTL_MAX_LINE: what xvioctl reads). When every slot is taken, the
 * client that has been quiet longest makes room for a new one, so idle
 * connections cannot lock everyone out. Only root and the --ctl-group may
 * connect (daemon/ctl_auth.h).
 */
#ifndef XVIO_CTL_SERVER_H
#define XVIO_CTL_SERVER_H

#include <poll.h>
#include <stddef.h>

#include <jansson.h>

#define CTL_MAX_CLIENTS 128

struct ctl_server_conf {
	const char *path;
	const char *group;           /* --ctl-group: "" = root only */
	unsigned int idle_timeout_s; /* 0 = never */
};

/* Bind and listen (mode 0660, group conf->group). Refuses to replace a
 * socket a live xviod answers on. 0 or -errno with err set. */
int ctl_server_open(const struct ctl_server_conf *conf, char *err, size_t errlen);
void ctl_server_close(void);

/* Fill pollfds for the listener and clients; returns how many. */
int ctl_server_pollfds(struct pollfd *fds, int max);

/* Handle whatever poll() reported on those fds, and close idle clients
 * (call at least once a second). */
void ctl_server_handle(const struct pollfd *fds, int n);

/* Clients and what happened to them, for `stats`. */
json_t *ctl_server_stats(void);

#endif
