/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol between xvioctl (or any script) and xviod.
 *
 * A stream UNIX socket carries one JSON object per line, each way:
 *
 *   request: {"cmd": "port-add", "args": {"name": "vm1", ...}}
 *   reply:   {"ok": true, "result": <any JSON>}
 *            {"ok": false, "error": "one line that says what was wrong"}
 *
 * Every request gets exactly one reply, in order; a connection may carry
 * any number of requests (`xvioctl stats --watch` keeps one open). Lines
 * are bounded by CTL_MAX_LINE and CTL_MAX_VALUES so a confused peer cannot
 * exhaust memory.
 */
#ifndef XVIO_CTL_PROTO_H
#define XVIO_CTL_PROTO_H

#include <stddef.h>
#include <jansson.h>

/* 64 MiB: an add-flows file or a dump-flows reply of some 250k rules. */
#define CTL_MAX_LINE (1u << 26)

/*
 * Values (array elements, object members) in one line. The text alone does
 * not bound what parsing costs: jansson spends some 60-80 bytes on each
 * value, so 64 MiB of "[0,0,0,..." would become some 2.5 GB of objects.
 * 2M values is twice a bridge's rule cap (an add-flows of every rule a
 * bridge may hold fits) and keeps one parsed line below ~200 MB.
 */
#define CTL_MAX_VALUES (1u << 21)

/* Accumulates bytes from a stream and cuts them into JSON messages. */
struct ctl_reader {
	char *buf;
	size_t len;
	size_t cap;
};

void ctl_reader_init(struct ctl_reader *r);
void ctl_reader_free(struct ctl_reader *r);

/* Append raw bytes. Returns 0, or -EMSGSIZE if a line outgrew CTL_MAX_LINE. */
int ctl_reader_feed(struct ctl_reader *r, const char *data, size_t len);

/*
 * Take the next complete line out of the reader.
 * Returns 1 and sets *msg (a JSON object) when a line was parsed,
 * 0 when no complete line is buffered yet, -EBADMSG when the line is not a
 * JSON object or holds more than CTL_MAX_VALUES values (err then says why,
 * and the line is consumed).
 */
int ctl_reader_next(struct ctl_reader *r, json_t **msg, char *err, size_t errlen);

/* msg as one line: compact JSON plus '\n', malloc'd; *len is its length.
 * NULL if out of memory. */
char *ctl_encode(const json_t *msg, size_t *len);

/* Serialize msg with ctl_encode() and write all of it. 0 or -errno. */
int ctl_send(int fd, const json_t *msg);

/* Block until one message arrives. 1 with *msg, 0 on EOF, -errno. */
int ctl_recv(int fd, struct ctl_reader *r, json_t **msg);

/* Connect to a control socket. Returns the fd or -errno. */
int ctl_connect(const char *path);

/* Message builders; the `steal` arguments are owned by the result. */
json_t *ctl_request(const char *cmd, json_t *args_steal);
json_t *ctl_reply_ok(json_t *result_steal);
json_t *ctl_reply_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Check that a request is well formed: an object with a string "cmd" and,
 * if present, an object "args". Returns 0 and sets *cmd and *args (args is
 * an empty object owned by req when absent), or -EINVAL with err set.
 */
int ctl_request_parse(json_t *req, const char **cmd, json_t **args,
		      char *err, size_t errlen);

#endif
