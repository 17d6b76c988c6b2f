/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl/ctl_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Room a reader keeps once empty; more is given back. */
#define CTL_READER_KEEP (1u << 16)

void ctl_reader_init(struct ctl_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void ctl_reader_free(struct ctl_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int ctl_reader_feed(struct ctl_reader *r, const char *data, size_t len)
{
	if (r->len + len > CTL_MAX_LINE)
		return -EMSGSIZE;
	if (r->len + len > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *buf;

		while (cap < r->len + len)
			cap *= 2;
		buf = realloc(r->buf, cap);
		if (buf == NULL)
			return -ENOMEM;
		r->buf = buf;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

/* The values in JSON text, near enough: one per separator and per
 * container opened, outside strings. Cheap next to parsing, and enough to
 * refuse a line before jansson builds it. */
static size_t json_text_values(const char *text, size_t len)
{
	size_t n = 1;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == ',' || c == '[' || c == '{') {
			n++;
		}
	}
	return n;
}

int ctl_reader_next(struct ctl_reader *r, json_t **msg, char *err, size_t errlen)
{
	char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
	size_t line_len;
	json_error_t jerr;
	json_t *obj;

	*msg = NULL;
	if (nl == NULL)
		return 0;
	line_len = (size_t)(nl - r->buf);
	if (json_text_values(r->buf, line_len) > CTL_MAX_VALUES) {
		obj = NULL;
		snprintf(jerr.text, sizeof(jerr.text), "more than %u values in one message",
			 CTL_MAX_VALUES);
	} else {
		obj = json_loadb(r->buf, line_len, JSON_REJECT_DUPLICATES, &jerr);
	}
	memmove(r->buf, nl + 1, r->len - line_len - 1);
	r->len -= line_len + 1;
	if (r->len == 0 && r->cap > CTL_READER_KEEP)
		ctl_reader_free(r); /* a client that sent 64 MiB once keeps none of it */
	if (obj == NULL) {
		snprintf(err, errlen, "malformed JSON: %s", jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		snprintf(err, errlen, "message is not a JSON object");
		return -EBADMSG;
	}
	*msg = obj;
	return 1;
}

char *ctl_encode(const json_t *msg, size_t *len)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	if (text == NULL)
		return NULL;
	*len = strlen(text);
	text[(*len)++] = '\n'; /* json_dumps leaves room: we overwrite the NUL */
	return text;
}

int ctl_send(int fd, const json_t *msg)
{
	size_t len, off = 0;
	char *text = ctl_encode(msg, &len);
	int rc = 0;

	if (text == NULL)
		return -ENOMEM;
	while (off < len) {
		ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(text);
	return rc;
}

int ctl_recv(int fd, struct ctl_reader *r, json_t **msg)
{
	char err[128];
	char chunk[4096];

	for (;;) {
		int rc = ctl_reader_next(r, msg, err, sizeof(err));
		ssize_t n;

		if (rc != 0)
			return rc;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		rc = ctl_reader_feed(r, chunk, (size_t)n);
		if (rc < 0)
			return rc;
	}
}

int ctl_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

json_t *ctl_request(const char *cmd, json_t *args_steal)
{
	return json_pack("{s:s, s:o}", "cmd", cmd, "args",
			 args_steal ? args_steal : json_object());
}

json_t *ctl_reply_ok(json_t *result_steal)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result",
			 result_steal ? result_steal : json_null());
}

json_t *ctl_reply_error(const char *fmt, ...)
{
	char text[512];
	json_t *jtext;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* A JSON string must be UTF-8, or there is no reply at all. Don't
	 * leave half a character where the text was cut ... */
	if (n >= (int)sizeof(text)) {
		size_t i = strlen(text);

		while (i > 0 && ((unsigned char)text[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && (unsigned char)text[i - 1] >= 0xc0)
			text[i - 1] = '\0';
	}
	jtext = json_string(text);
	if (jtext == NULL) {
		/* ... and mask bytes that were never UTF-8 (file names). */
		for (char *p = text; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		jtext = json_string(text);
	}
	return json_pack("{s:b, s:o}", "ok", 0, "error", jtext);
}

int ctl_request_parse(json_t *req, const char **cmd, json_t **args,
		      char *err, size_t errlen)
{
	json_t *jcmd = json_object_get(req, "cmd");
	json_t *jargs = json_object_get(req, "args");

	if (!json_is_string(jcmd)) {
		snprintf(err, errlen, "request has no string \"cmd\"");
		return -EINVAL;
	}
	if (jargs == NULL) {
		jargs = json_object();
		json_object_set_new(req, "args", jargs);
	} else if (!json_is_object(jargs)) {
		snprintf(err, errlen, "\"args\" must be a JSON object");
		return -EINVAL;
	}
	*cmd = json_string_value(jcmd);
	*args = jargs;
	return 0;
}
