/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/ctl_server.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/xvio_log.h"
#include "ctl/ctl_proto.h"
#include "daemon/commands.h"

struct ctl_client {
	int fd;
	struct ctl_reader reader;
};

static int listen_fd = -1;
static char listen_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct ctl_client clients[CTL_MAX_CLIENTS];

int ctl_server_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	/* A socket file may be left from a crash; only a live daemon
	 * answering on it makes it ours to keep away from. */
	fd = ctl_connect(path);
	if (fd >= 0) {
		close(fd);
		snprintf(err, errlen, "another xviod is running on %s", path);
		return -EADDRINUSE;
	}
	unlink(path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 16) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	chmod(path, 0660);
	listen_fd = fd;
	snprintf(listen_path, sizeof(listen_path), "%s", path);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		clients[i].fd = -1;
	return 0;
}

static void client_close(struct ctl_client *c)
{
	close(c->fd);
	c->fd = -1;
	ctl_reader_free(&c->reader);
}

void ctl_server_close(void)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(listen_path);
		listen_fd = -1;
	}
}

int ctl_server_pollfds(struct pollfd *fds, int max)
{
	int n = 0;

	if (listen_fd < 0 || max < 1)
		return 0;
	fds[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	for (int i = 0; i < CTL_MAX_CLIENTS && n < max; i++)
		if (clients[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
	return n;
}

static void accept_client(void)
{
	/* A client that stops reading must not stall the control thread. */
	struct timeval tv = { .tv_sec = 2 };
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (clients[i].fd < 0) {
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			clients[i].fd = fd;
			ctl_reader_init(&clients[i].reader);
			return;
		}
	}
	XVIO_LOG(WARNING, "control socket: too many clients, refusing one");
	close(fd);
}

static struct ctl_client *client_of(int fd)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (clients[i].fd == fd)
			return &clients[i];
	return NULL;
}

/* poll() said readable, so one read() does not block. Answer every
 * complete request; replies are written blocking, bounded by SO_SNDTIMEO. */
static void serve_client(struct ctl_client *c)
{
	char buf[4096], err[256];
	ssize_t n = read(c->fd, buf, sizeof(buf));
	json_t *msg, *reply;
	int rc;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || ctl_reader_feed(&c->reader, buf, (size_t)n) != 0) {
		client_close(c);
		return;
	}
	while ((rc = ctl_reader_next(&c->reader, &msg, err, sizeof(err))) != 0) {
		reply = rc < 0 ? ctl_reply_error("%s", err) : commands_dispatch(msg);
		json_decref(msg);
		rc = ctl_send(c->fd, reply);
		json_decref(reply);
		if (rc != 0) {
			client_close(c);
			return;
		}
	}
}

void ctl_server_handle(const struct pollfd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		struct ctl_client *c;

		if (fds[i].revents == 0)
			continue;
		if (fds[i].fd == listen_fd) {
			accept_client();
			continue;
		}
		c = client_of(fds[i].fd);
		if (c != NULL)
			serve_client(c);
	}
}
