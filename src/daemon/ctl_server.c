/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/ctl_server.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/fs_nofollow.h"
#include "common/xvio_log.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_commands.h"
#include "daemon/ctl_auth.h"

struct ctl_client {
	int fd;                /* -1: free slot */
	uid_t uid;
	struct ctl_reader in;
	char *out;             /* the reply being sent, or NULL */
	size_t out_len, out_off;
	bool closing;          /* close once out is sent */
	uint64_t active_ms;    /* last byte moved either way */
};

/* What happened to clients; each kind is logged the first time only. */
struct ctl_events {
	uint64_t count;
	bool logged;
};

enum { EV_REFUSED, EV_TIMED_OUT, EV_EVICTED, EV_TOO_LARGE, EV_MAX };
static const char *const event_names[EV_MAX] = {
	"refused", "timed_out", "evicted", "too_large"
};
static struct ctl_events events[EV_MAX];

static int listen_fd = -1;
static char listen_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static gid_t ctl_group = CTL_NO_GROUP;
static char ctl_group_name[64];
static uint64_t idle_timeout_ms;
static struct ctl_client clients[CTL_MAX_CLIENTS];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void event(int kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Count it; log the first one, so a flood of them cannot flood the log. */
static void event(int kind, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	events[kind].count++;
	if (events[kind].logged)
		return;
	events[kind].logged = true;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	XVIO_LOG(WARNING, "control socket: %s (logged once; `xvioctl stats --json` counts "
		 "them under control.%s)", text, event_names[kind]);
}

static int socket_group(const struct ctl_server_conf *conf, char *err, size_t errlen)
{
	struct group *gr;

	ctl_group = CTL_NO_GROUP;
	ctl_group_name[0] = '\0';
	if (conf->group[0] == '\0')
		return 0;
	gr = getgrnam(conf->group);
	if (gr == NULL) {
		snprintf(err, errlen, "--ctl-group: no group '%s' on this host", conf->group);
		return -ENOENT;
	}
	ctl_group = gr->gr_gid;
	snprintf(ctl_group_name, sizeof(ctl_group_name), "%s", conf->group);
	return 0;
}

int ctl_server_open(const struct ctl_server_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	mode_t umask_was;
	int fd, rc;

	if (strlen(conf->path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long", conf->path);
		return -ENAMETOOLONG;
	}
	rc = socket_group(conf, err, errlen);
	if (rc)
		return rc;
	/* A socket file may be left from a crash; only a live daemon
	 * answering on it makes it ours to keep away from. */
	fd = ctl_connect(conf->path);
	if (fd >= 0) {
		close(fd);
		snprintf(err, errlen, "another xviod is running on %s", conf->path);
		return -EADDRINUSE;
	}
	unlink(conf->path);
	strcpy(addr.sun_path, conf->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* Born 0660: never a moment when others could connect. */
	umask_was = umask(0117);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 64) < 0) {
		rc = -errno;
		umask(umask_was);
		snprintf(err, errlen, "cannot listen on %s: %s", conf->path, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	umask(umask_was);
	rc = socket_file_set_owner(conf->path, (uid_t)-1, ctl_group, 0660);
	if (rc) {
		snprintf(err, errlen, "cannot give %s to group %s: %s", conf->path,
			 ctl_group_name[0] ? ctl_group_name : "root", strerror(-rc));
		close(fd);
		unlink(conf->path);
		return rc;
	}
	listen_fd = fd;
	snprintf(listen_path, sizeof(listen_path), "%s", conf->path);
	idle_timeout_ms = (uint64_t)conf->idle_timeout_s * 1000;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		clients[i].fd = -1;
	return 0;
}

static void client_close(struct ctl_client *c)
{
	close(c->fd);
	c->fd = -1;
	ctl_reader_free(&c->in);
	free(c->out);
	c->out = NULL;
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
	/* A client with a reply on its way is not read from: its next
	 * request waits in the kernel, not in our memory. */
	for (int i = 0; i < CTL_MAX_CLIENTS && n < max; i++)
		if (clients[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = clients[i].fd,
						    .events = clients[i].out ? POLLOUT : POLLIN };
	return n;
}

/* Write what the socket takes now. 0, or -errno if the client is gone. */
static int client_flush(struct ctl_client *c)
{
	while (c->out != NULL) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		c->active_ms = now_ms();
		c->out_off += (size_t)n;
		if (c->out_off == c->out_len) {
			free(c->out);
			c->out = NULL;
		}
	}
	return 0;
}

/* Put a reply in the client's output buffer (it holds none). */
static void client_queue(struct ctl_client *c, json_t *reply)
{
	size_t len;
	char *text = ctl_encode(reply, &len);

	if (text != NULL && len > CTL_MAX_LINE) {
		/* More than xvioctl would read: say so instead of sending it. */
		event(EV_TOO_LARGE, "a reply of %zu MiB to uid %u exceeds the %u MiB limit",
		      len >> 20, (unsigned int)c->uid, CTL_MAX_LINE >> 20);
		free(text);
		reply = ctl_reply_error("the reply would be %zu MiB, more than the %u MiB "
					"a client reads: ask for less (e.g. dump-flows with a match)",
					len >> 20, CTL_MAX_LINE >> 20);
		text = ctl_encode(reply, &len);
		json_decref(reply);
	}
	if (text == NULL) {
		c->closing = true; /* out of memory: nothing sensible to say */
		return;
	}
	c->out = text;
	c->out_len = len;
	c->out_off = 0;
}

/* Answer buffered requests until one reply cannot be sent at once. */
static void client_work(struct ctl_client *c)
{
	char err[256];
	json_t *msg, *reply;
	int rc;

	while (c->out == NULL && !c->closing &&
	       (rc = ctl_reader_next(&c->in, &msg, err, sizeof(err))) != 0) {
		reply = rc < 0 ? ctl_reply_error("%s", err) : ctl_commands_dispatch(msg);
		json_decref(msg);
		client_queue(c, reply);
		json_decref(reply);
		if (client_flush(c) != 0) {
			client_close(c);
			return;
		}
	}
	if (c->closing && c->out == NULL)
		client_close(c);
}

static void client_read(struct ctl_client *c)
{
	static char buf[1 << 16];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->active_ms = now_ms();
	if (ctl_reader_feed(&c->in, buf, (size_t)n) != 0) {
		event(EV_TOO_LARGE, "a request from uid %u is longer than %u MiB; connection closed",
		      (unsigned int)c->uid, CTL_MAX_LINE >> 20);
		ctl_reader_free(&c->in);
		client_queue(c, ctl_reply_error("request longer than %u MiB", CTL_MAX_LINE >> 20));
		c->closing = true;
		if (client_flush(c) != 0 || c->out == NULL)
			client_close(c);
		return;
	}
	client_work(c);
}

/* Tell a refused client why, if its socket takes one line now, and close. */
static void refuse(int fd, uid_t uid, int why)
{
	json_t *reply;
	size_t len;
	char *text;

	if (why < 0)
		reply = ctl_reply_error("cannot tell who the client is: %s", strerror(-why));
	else if (ctl_group == CTL_NO_GROUP)
		reply = ctl_reply_error("uid %u may not use the control socket: only root may "
					"(xviod --ctl-group NAME lets a group in)", (unsigned int)uid);
	else
		reply = ctl_reply_error("uid %u may not use the control socket: only root and "
					"group '%s' may", (unsigned int)uid, ctl_group_name);
	text = ctl_encode(reply, &len);
	json_decref(reply);
	/* An empty socket takes one short line; if not, closing says enough. */
	if (text != NULL && send(fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	free(text);
	event(EV_REFUSED, "refused uid %u", (unsigned int)uid);
	close(fd);
}

static struct ctl_client *free_slot(void)
{
	struct ctl_client *quietest = NULL;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (clients[i].fd < 0)
			return &clients[i];
		if (quietest == NULL || clients[i].active_ms < quietest->active_ms)
			quietest = &clients[i];
	}
	event(EV_EVICTED, "all %d client slots taken: closed the quietest (uid %u)",
	      CTL_MAX_CLIENTS, (unsigned int)quietest->uid);
	client_close(quietest);
	return quietest;
}

static void accept_client(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct ctl_client *c;
	uid_t uid;
	int ok;

	if (fd < 0)
		return;
	ok = ctl_peer_allowed(fd, ctl_group, &uid);
	if (ok != 1) {
		refuse(fd, uid, ok);
		return;
	}
	c = free_slot();
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->uid = uid;
	c->active_ms = now_ms();
	ctl_reader_init(&c->in);
}

static struct ctl_client *client_of(int fd)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (clients[i].fd == fd)
			return &clients[i];
	return NULL;
}

static void expire_idle(void)
{
	uint64_t now = now_ms();

	if (idle_timeout_ms == 0)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &clients[i];

		if (c->fd >= 0 && now - c->active_ms >= idle_timeout_ms) {
			event(EV_TIMED_OUT, "closed a client (uid %u) idle for %" PRIu64 " s",
			      (unsigned int)c->uid, idle_timeout_ms / 1000);
			client_close(c);
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
		if (c == NULL)
			continue;
		if (c->out != NULL) {
			if (client_flush(c) != 0)
				client_close(c);
			else
				client_work(c);
		} else {
			client_read(c);
		}
	}
	expire_idle();
}

json_t *ctl_server_stats(void)
{
	json_t *obj = json_object();
	int n = 0;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		n += clients[i].fd >= 0;
	json_object_set_new(obj, "clients", json_integer(n));
	for (int k = 0; k < EV_MAX; k++)
		json_object_set_new(obj, event_names[k], json_integer((json_int_t)events[k].count));
	return obj;
}
