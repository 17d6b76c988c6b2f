/* SPDX-License-Identifier: BSD-3-Clause */
/* Control protocol framing, transport and messages (ctl/ctl_proto.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/ctl_proto.h"

static struct ctl_reader reader;
static char err[256];

static int reader_setup(void **state)
{
	(void)state;
	ctl_reader_init(&reader);
	memset(err, 0, sizeof(err));
	return 0;
}

static int reader_teardown(void **state)
{
	(void)state;
	ctl_reader_free(&reader);
	return 0;
}

static void feed(const char *text)
{
	assert_int_equal(ctl_reader_feed(&reader, text, strlen(text)), 0);
}

/* Take the next message, which must be an object with "n": n. */
static void expect_message_n(json_int_t n)
{
	json_t *msg = NULL;

	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 1);
	assert_non_null(msg);
	assert_true(json_is_object(msg));
	assert_int_equal(json_integer_value(json_object_get(msg, "n")), n);
	json_decref(msg);
}

static void expect_nothing(void)
{
	json_t *msg = (json_t *)&msg; /* must be reset to NULL */

	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 0);
	assert_null(msg);
}

static void expect_bad_message(const char *why)
{
	json_t *msg = (json_t *)&msg;

	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), -EBADMSG);
	assert_null(msg);
	if (strstr(err, why) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, why);
}

/* A buffer of `len` bytes holding {"k":"xxx..."}\n, exactly. */
static char *line_of_length(size_t len)
{
	char *buf = malloc(len);

	assert_non_null(buf);
	assert_true(len >= 10);
	memcpy(buf, "{\"k\":\"", 6);
	memset(buf + 6, 'x', len - 9);
	memcpy(buf + len - 3, "\"}\n", 3);
	return buf;
}

/* ---- reader framing ---- */

static void reader_empty_has_no_message(void **state)
{
	(void)state;
	expect_nothing();
}

static void reader_waits_for_newline(void **state)
{
	(void)state;
	feed("{\"n\": 1}");
	expect_nothing();
	feed("\n");
	expect_message_n(1);
	expect_nothing();
}

static void reader_cuts_several_messages_from_one_feed(void **state)
{
	(void)state;
	feed("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
	expect_message_n(1);
	expect_message_n(2);
	expect_message_n(3);
	expect_nothing();
	assert_int_equal(reader.len, 0);
}

static void reader_keeps_partial_tail_after_messages(void **state)
{
	(void)state;
	feed("{\"n\":1}\n{\"n\":");
	expect_message_n(1);
	expect_nothing();
	feed("2}\n");
	expect_message_n(2);
	expect_nothing();
}

static void reader_joins_message_split_over_feeds(void **state)
{
	const char *text = "{\"cmd\": \"port-add\", \"n\": 7, \"args\": {\"name\": \"vm1\"}}\n";

	(void)state;
	for (size_t i = 0; text[i] != '\0'; i++) {
		expect_nothing();
		assert_int_equal(ctl_reader_feed(&reader, &text[i], 1), 0);
	}
	expect_message_n(7);
	expect_nothing();
}

static void reader_tolerates_crlf_and_blanks_inside_line(void **state)
{
	(void)state;
	feed("  { \"n\" : 4 }\t\r\n");
	expect_message_n(4);
}

static void reader_malformed_json_is_ebadmsg(void **state)
{
	(void)state;
	feed("{\"n\": 1,}\n");
	expect_bad_message("malformed JSON");
	expect_nothing();
}

static void reader_continues_after_malformed_line(void **state)
{
	(void)state;
	feed("not json at all\n{\"n\":2}\n{\"n\":");
	expect_bad_message("malformed JSON");
	expect_message_n(2);
	expect_nothing();
	feed("3}\n");
	expect_message_n(3);
}

static void reader_empty_line_is_ebadmsg(void **state)
{
	(void)state;
	feed("\n{\"n\":5}\n");
	expect_bad_message("malformed JSON");
	expect_message_n(5);
}

static void reader_trailing_garbage_is_ebadmsg(void **state)
{
	(void)state;
	feed("{\"n\":1} {\"n\":2}\n");
	expect_bad_message("malformed JSON");
	expect_nothing();
}

static void reader_non_object_is_ebadmsg(void **state)
{
	(void)state;
	feed("[1, 2, 3]\n{\"n\":6}\n");
	expect_bad_message("not a JSON object");
	expect_message_n(6);
}

static void reader_scalar_is_ebadmsg(void **state)
{
	(void)state;
	feed("42\n\"cmd\"\nnull\n");
	expect_bad_message("");
	expect_bad_message("");
	expect_bad_message("");
	expect_nothing();
}

static void reader_duplicate_keys_are_ebadmsg(void **state)
{
	(void)state;
	feed("{\"n\":1, \"n\":2}\n");
	expect_bad_message("malformed JSON");
}

static void reader_overflow_in_one_feed_is_emsgsize(void **state)
{
	char *big = malloc(CTL_MAX_LINE + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', CTL_MAX_LINE + 1);
	assert_int_equal(ctl_reader_feed(&reader, big, CTL_MAX_LINE + 1), -EMSGSIZE);
	free(big);
}

static void reader_overflow_over_many_feeds_is_emsgsize(void **state)
{
	char chunk[4096];
	size_t fed = 0;

	(void)state;
	memset(chunk, ' ', sizeof(chunk));
	while (fed < CTL_MAX_LINE) {
		assert_int_equal(ctl_reader_feed(&reader, chunk, sizeof(chunk)), 0);
		fed += sizeof(chunk);
	}
	assert_int_equal(fed, CTL_MAX_LINE);
	expect_nothing();
	assert_int_equal(ctl_reader_feed(&reader, "x", 1), -EMSGSIZE);
	/* Nothing was taken in: what was buffered is still there. */
	assert_int_equal(reader.len, CTL_MAX_LINE);
}

static void reader_accepts_line_of_max_length(void **state)
{
	char *line = line_of_length(CTL_MAX_LINE);
	json_t *msg;

	(void)state;
	assert_int_equal(ctl_reader_feed(&reader, line, CTL_MAX_LINE), 0);
	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 1);
	assert_int_equal(json_string_length(json_object_get(msg, "k")), CTL_MAX_LINE - 9);
	json_decref(msg);
	free(line);
}

static void reader_room_is_reclaimed_after_messages(void **state)
{
	char *line = line_of_length(CTL_MAX_LINE / 2);

	(void)state;
	/* Several lines of half the limit each: never more than the limit
	 * is held if each one is taken out before the next arrives. */
	for (int i = 0; i < 5; i++) {
		json_t *msg;

		assert_int_equal(ctl_reader_feed(&reader, line, CTL_MAX_LINE / 2), 0);
		assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 1);
		json_decref(msg);
	}
	assert_int_equal(reader.len, 0);
	free(line);
}

static void reader_free_leaves_it_empty_and_reusable(void **state)
{
	(void)state;
	feed("{\"n\":1}\n{\"n\"");
	ctl_reader_free(&reader);
	assert_null(reader.buf);
	assert_int_equal(reader.len, 0);
	assert_int_equal(reader.cap, 0);
	expect_nothing();
	feed("{\"n\":9}\n");
	expect_message_n(9);
}

/* A line of n tiny values: [0,0,...] inside an object. */
static char *line_of_values(size_t n)
{
	size_t len = 8 + 2 * n;
	char *line = malloc(len + 2), *p = line;

	assert_non_null(line);
	p += sprintf(p, "{\"k\":[0");
	for (size_t i = 1; i < n; i++)
		p += sprintf(p, ",0");
	sprintf(p, "]}\n");
	return line;
}

static void reader_refuses_too_many_values_before_parsing(void **state)
{
	/* 2 values for the object and the array, then one per element. */
	char *ok = line_of_values(CTL_MAX_VALUES - 2), *big = line_of_values(CTL_MAX_VALUES);
	json_t *msg;

	(void)state;
	feed(ok);
	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 1);
	assert_int_equal(json_array_size(json_object_get(msg, "k")), CTL_MAX_VALUES - 2);
	json_decref(msg);
	feed(big);
	expect_bad_message("values in one message");
	free(ok);
	free(big);
	/* Commas inside strings, past an escaped quote, are text: accepted. */
	big = malloc(CTL_MAX_VALUES + 32);
	assert_non_null(big);
	memset(big, ',', CTL_MAX_VALUES + 32);
	memcpy(big, "{\"n\":5,\"s\":\"\\\"", 12);
	memcpy(big + CTL_MAX_VALUES + 29, "\"}\n", 3);
	assert_int_equal(ctl_reader_feed(&reader, big, CTL_MAX_VALUES + 32), 0);
	expect_message_n(5);
	free(big);
}

static void reader_gives_back_a_large_buffer_once_empty(void **state)
{
	char *line = line_of_length(1 << 20);
	json_t *msg;

	(void)state;
	assert_int_equal(ctl_reader_feed(&reader, line, 1 << 20), 0);
	assert_int_equal(ctl_reader_next(&reader, &msg, err, sizeof(err)), 1);
	json_decref(msg);
	assert_null(reader.buf);
	assert_int_equal(reader.cap, 0);
	feed("{\"n\":3}\n{\"n\":4}\n");
	expect_message_n(3);
	assert_non_null(reader.buf); /* small: kept */
	expect_message_n(4);
	free(line);
}

/* ---- send and receive ---- */

static int pair[2];

static int pair_setup(void **state)
{
	(void)state;
	ctl_reader_init(&reader);
	return socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
}

static int pair_teardown(void **state)
{
	(void)state;
	ctl_reader_free(&reader);
	if (pair[0] >= 0)
		close(pair[0]);
	if (pair[1] >= 0)
		close(pair[1]);
	return 0;
}

static void send_writes_compact_line(void **state)
{
	json_t *msg = json_pack("{s:[i,i]}", "a", 1, 2);
	char buf[64];
	ssize_t n;

	(void)state;
	assert_int_equal(ctl_send(pair[0], msg), 0);
	n = read(pair[1], buf, sizeof(buf) - 1);
	assert_int_equal(n, 12);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"a\":[1,2]}\n");
	json_decref(msg);
}

static void send_and_recv_round_trip(void **state)
{
	json_t *req = ctl_request("port-add",
				  json_pack("{s:s, s:i, s:b}", "name", "vm1", "queues", 4,
					    "zero-copy", 1));
	json_t *got = NULL;

	(void)state;
	assert_int_equal(ctl_send(pair[0], req), 0);
	assert_int_equal(ctl_recv(pair[1], &reader, &got), 1);
	assert_true(json_equal(req, got));
	json_decref(got);
	json_decref(req);
}

static void recv_returns_messages_in_order(void **state)
{
	json_t *got;

	(void)state;
	for (int i = 0; i < 3; i++) {
		json_t *m = json_pack("{s:i}", "n", i);

		assert_int_equal(ctl_send(pair[0], m), 0);
		json_decref(m);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ctl_recv(pair[1], &reader, &got), 1);
		assert_int_equal(json_integer_value(json_object_get(got, "n")), i);
		json_decref(got);
	}
}

static void recv_handles_message_larger_than_a_read(void **state)
{
	size_t len = 200000;
	char *big = malloc(len + 1);
	json_t *got = NULL, *msg;
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(big);
	memset(big, 'z', len);
	big[len] = '\0';
	msg = json_pack("{s:s}", "blob", big);
	/* The socket may buffer less than the message: send from a child. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc = ctl_send(pair[0], msg);

		json_decref(msg);
		free(big);
		_exit(rc == 0 ? 0 : 1);
	}
	assert_int_equal(ctl_recv(pair[1], &reader, &got), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(json_equal(msg, got));
	json_decref(got);
	json_decref(msg);
	free(big);
}

static void recv_returns_zero_on_eof(void **state)
{
	json_t *got = (json_t *)&got;

	(void)state;
	close(pair[0]);
	pair[0] = -1;
	assert_int_equal(ctl_recv(pair[1], &reader, &got), 0);
	assert_null(got);
}

static void recv_returns_zero_on_eof_mid_line(void **state)
{
	json_t *got;

	(void)state;
	assert_int_equal(write(pair[0], "{\"n\":", 5), 5);
	close(pair[0]);
	pair[0] = -1;
	assert_int_equal(ctl_recv(pair[1], &reader, &got), 0);
}

static void recv_reports_malformed_line(void **state)
{
	json_t *got;

	(void)state;
	assert_int_equal(write(pair[0], "oops\n{\"n\":1}\n", 13), 13);
	assert_int_equal(ctl_recv(pair[1], &reader, &got), -EBADMSG);
	assert_int_equal(ctl_recv(pair[1], &reader, &got), 1);
	assert_int_equal(json_integer_value(json_object_get(got, "n")), 1);
	json_decref(got);
}

static void recv_bad_fd_is_error(void **state)
{
	json_t *got;

	(void)state;
	assert_int_equal(ctl_recv(-1, &reader, &got), -EBADF);
}

static void send_to_closed_peer_is_epipe(void **state)
{
	json_t *msg = json_pack("{s:i}", "n", 1);

	(void)state;
	close(pair[1]);
	pair[1] = -1;
	/* MSG_NOSIGNAL: an error, not a SIGPIPE that kills the daemon. */
	assert_int_equal(ctl_send(pair[0], msg), -EPIPE);
	json_decref(msg);
}

/* ---- connect ---- */

static void connect_to_missing_socket_is_enoent(void **state)
{
	(void)state;
	assert_int_equal(ctl_connect("/nonexistent-xvio-dir/xviod.sock"), -ENOENT);
}

static void connect_path_too_long_is_enametoolong(void **state)
{
	char path[sizeof(((struct sockaddr_un *)NULL)->sun_path) + 1];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(ctl_connect(path), -ENAMETOOLONG);
}

static void connect_reaches_listening_socket(void **state)
{
	char dir[] = "/tmp/xvio-ctl-XXXXXX", path[64];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd, fd, afd;
	json_t *msg = json_pack("{s:i}", "n", 3), *got;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	strcpy(addr.sun_path, path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	fd = ctl_connect(path);
	assert_true(fd >= 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(ctl_send(fd, msg), 0);
	assert_int_equal(ctl_recv(afd, &reader, &got), 1);
	assert_true(json_equal(msg, got));
	json_decref(got);
	json_decref(msg);
	close(afd);
	close(fd);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

/* ---- request parsing ---- */

static void request_parse_gives_cmd_and_args(void **state)
{
	json_t *req = json_loads("{\"cmd\":\"port-del\",\"args\":{\"name\":\"vm1\"}}", 0, NULL);
	const char *cmd = NULL;
	json_t *args = NULL;

	(void)state;
	assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "port-del");
	assert_ptr_equal(args, json_object_get(req, "args"));
	assert_string_equal(json_string_value(json_object_get(args, "name")), "vm1");
	json_decref(req);
}

static void request_parse_absent_args_is_empty_object(void **state)
{
	json_t *req = json_pack("{s:s}", "cmd", "stats");
	const char *cmd = NULL;
	json_t *args = NULL;

	(void)state;
	assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "stats");
	assert_true(json_is_object(args));
	assert_int_equal(json_object_size(args), 0);
	/* Owned by the request: no reference for the caller to drop. */
	assert_ptr_equal(args, json_object_get(req, "args"));
	json_decref(req);
}

static void request_parse_missing_cmd_is_einval(void **state)
{
	json_t *req = json_pack("{s:{}}", "args");
	const char *cmd;
	json_t *args;

	(void)state;
	assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"cmd\""));
	json_decref(req);
}

static void request_parse_non_string_cmd_is_einval(void **state)
{
	json_t *req = json_pack("{s:i}", "cmd", 5);
	const char *cmd;
	json_t *args;

	(void)state;
	assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"cmd\""));
	json_decref(req);
}

static void request_parse_non_object_args_is_einval(void **state)
{
	static const char *const bad[] = { "[]", "\"vm1\"", "1", "null", "true" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *req = json_pack("{s:s, s:o}", "cmd", "stats", "args",
					json_loads(bad[i], JSON_DECODE_ANY, NULL));
		const char *cmd;
		json_t *args;

		assert_non_null(req);
		assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "\"args\""));
		json_decref(req);
	}
}

static void request_parse_non_object_request_is_einval(void **state)
{
	json_t *req = json_pack("[s]", "stats");
	const char *cmd;
	json_t *args;

	(void)state;
	assert_int_equal(ctl_request_parse(req, &cmd, &args, err, sizeof(err)), -EINVAL);
	json_decref(req);
}

/* ---- message builders ---- */

static void request_builder_holds_cmd_and_args(void **state)
{
	json_t *args = json_pack("{s:s}", "name", "vm1");
	json_t *req = ctl_request("port-add", args);

	(void)state;
	assert_non_null(req);
	assert_int_equal(json_object_size(req), 2);
	assert_string_equal(json_string_value(json_object_get(req, "cmd")), "port-add");
	/* Stolen, not copied. */
	assert_ptr_equal(json_object_get(req, "args"), args);
	assert_int_equal(args->refcount, 1);
	json_decref(req);
}

static void request_builder_without_args_has_empty_object(void **state)
{
	json_t *req = ctl_request("stats", NULL);

	(void)state;
	assert_true(json_is_object(json_object_get(req, "args")));
	assert_int_equal(json_object_size(json_object_get(req, "args")), 0);
	json_decref(req);
}

static void reply_ok_holds_result(void **state)
{
	json_t *result = json_pack("[i]", 1);
	json_t *reply = ctl_reply_ok(result);

	(void)state;
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_ptr_equal(json_object_get(reply, "result"), result);
	assert_null(json_object_get(reply, "error"));
	json_decref(reply);
}

static void reply_ok_without_result_is_null(void **state)
{
	json_t *reply = ctl_reply_ok(NULL);

	(void)state;
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_true(json_is_null(json_object_get(reply, "result")));
	json_decref(reply);
}

static void reply_error_formats_message(void **state)
{
	json_t *reply = ctl_reply_error("port '%s' has %d relays", "vm1", 2);

	(void)state;
	assert_non_null(reply);
	assert_true(json_is_false(json_object_get(reply, "ok")));
	assert_string_equal(json_string_value(json_object_get(reply, "error")),
			    "port 'vm1' has 2 relays");
	assert_null(json_object_get(reply, "result"));
	json_decref(reply);
}

static void reply_error_long_message_is_truncated(void **state)
{
	char text[2000];
	json_t *reply;

	(void)state;
	memset(text, 'e', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	reply = ctl_reply_error("%s", text);
	assert_non_null(reply);
	assert_int_equal(json_string_length(json_object_get(reply, "error")), 511);
	json_decref(reply);
}

static void reply_error_truncation_keeps_valid_utf8(void **state)
{
	char name[1000] = "";
	json_t *reply;

	(void)state;
	/* "é" is two bytes: 511 = 12 + 2 * 249 + 1 cuts the 250th. */
	for (int i = 0; i < 400; i++)
		strcat(name, "\xc3\xa9");
	reply = ctl_reply_error("no command '%s'", name);
	assert_non_null(reply);
	assert_true(json_is_false(json_object_get(reply, "ok")));
	/* The whole characters before the cut are kept as they are. */
	assert_int_equal(json_string_length(json_object_get(reply, "error")), 12 + 2 * 249);
	assert_null(strchr(json_string_value(json_object_get(reply, "error")), '?'));
	json_decref(reply);
}

static void reply_error_with_invalid_utf8_still_replies(void **state)
{
	json_t *reply;
	const char *text;

	(void)state;
	/* e.g. a file name from the system, which need not be UTF-8 */
	reply = ctl_reply_error("cannot open %s", "/tmp/\xff\xfe.json");
	assert_non_null(reply);
	text = json_string_value(json_object_get(reply, "error"));
	assert_non_null(text);
	assert_non_null(strstr(text, "cannot open /tmp/"));
	assert_non_null(strstr(text, ".json"));
	json_decref(reply);
}

static void replies_survive_the_wire(void **state)
{
	json_t *sent[2] = { ctl_reply_ok(json_pack("{s:i}", "moved", 2)),
			    ctl_reply_error("no such port '%s'", "vm9") };

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(ctl_send(pair[0], sent[i]), 0);
	for (int i = 0; i < 2; i++) {
		json_t *got;

		assert_int_equal(ctl_recv(pair[1], &reader, &got), 1);
		assert_true(json_equal(sent[i], got));
		json_decref(got);
		json_decref(sent[i]);
	}
}

#define READER_TEST(f) cmocka_unit_test_setup_teardown(f, reader_setup, reader_teardown)
#define PAIR_TEST(f) cmocka_unit_test_setup_teardown(f, pair_setup, pair_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		READER_TEST(reader_empty_has_no_message),
		READER_TEST(reader_waits_for_newline),
		READER_TEST(reader_cuts_several_messages_from_one_feed),
		READER_TEST(reader_keeps_partial_tail_after_messages),
		READER_TEST(reader_joins_message_split_over_feeds),
		READER_TEST(reader_tolerates_crlf_and_blanks_inside_line),
		READER_TEST(reader_malformed_json_is_ebadmsg),
		READER_TEST(reader_continues_after_malformed_line),
		READER_TEST(reader_empty_line_is_ebadmsg),
		READER_TEST(reader_trailing_garbage_is_ebadmsg),
		READER_TEST(reader_non_object_is_ebadmsg),
		READER_TEST(reader_scalar_is_ebadmsg),
		READER_TEST(reader_duplicate_keys_are_ebadmsg),
		READER_TEST(reader_overflow_in_one_feed_is_emsgsize),
		READER_TEST(reader_overflow_over_many_feeds_is_emsgsize),
		READER_TEST(reader_accepts_line_of_max_length),
		READER_TEST(reader_room_is_reclaimed_after_messages),
		READER_TEST(reader_refuses_too_many_values_before_parsing),
		READER_TEST(reader_gives_back_a_large_buffer_once_empty),
		READER_TEST(reader_free_leaves_it_empty_and_reusable),
		PAIR_TEST(send_writes_compact_line),
		PAIR_TEST(send_and_recv_round_trip),
		PAIR_TEST(recv_returns_messages_in_order),
		PAIR_TEST(recv_handles_message_larger_than_a_read),
		PAIR_TEST(recv_returns_zero_on_eof),
		PAIR_TEST(recv_returns_zero_on_eof_mid_line),
		PAIR_TEST(recv_reports_malformed_line),
		PAIR_TEST(recv_bad_fd_is_error),
		PAIR_TEST(send_to_closed_peer_is_epipe),
		READER_TEST(connect_to_missing_socket_is_enoent),
		READER_TEST(connect_path_too_long_is_enametoolong),
		READER_TEST(connect_reaches_listening_socket),
		READER_TEST(request_parse_gives_cmd_and_args),
		READER_TEST(request_parse_absent_args_is_empty_object),
		READER_TEST(request_parse_missing_cmd_is_einval),
		READER_TEST(request_parse_non_string_cmd_is_einval),
		READER_TEST(request_parse_non_object_args_is_einval),
		READER_TEST(request_parse_non_object_request_is_einval),
		cmocka_unit_test(request_builder_holds_cmd_and_args),
		cmocka_unit_test(request_builder_without_args_has_empty_object),
		cmocka_unit_test(reply_ok_holds_result),
		cmocka_unit_test(reply_ok_without_result_is_null),
		cmocka_unit_test(reply_error_formats_message),
		cmocka_unit_test(reply_error_long_message_is_truncated),
		cmocka_unit_test(reply_error_truncation_keeps_valid_utf8),
		cmocka_unit_test(reply_error_with_invalid_utf8_still_replies),
		PAIR_TEST(replies_survive_the_wire),
	};

	return cmocka_run_group_tests_name("ctl_proto", tests, NULL, NULL);
}
