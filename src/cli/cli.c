/* SPDX-License-Identifier: BSD-3-Clause */
/* What xvioctl's command files share (cli.h): the connection to xviod,
 * printing, argument checks, and the command table. */
#include "cli/cli.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl_proto.h"

static const char *socket_path = CLI_DEFAULT_SOCKET;
bool json_output;
static int ctl_fd = -1;
static struct ctl_reader reader;

void cli_set_socket(const char *path)
{
	socket_path = path;
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xvioctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Send one request and return its result; exits on any error. */
json_t *call(const char *cmd, json_t *args)
{
	json_t *req, *reply, *result;
	int rc;

	/* xviod never speaks unasked: an idle connection that reads as ready
	 * was closed by its idle timeout (stats --watch with a long period).
	 * Nothing was in flight, so a new connection is safe. */
	if (ctl_fd >= 0 && poll(&(struct pollfd){ .fd = ctl_fd, .events = POLLIN }, 1, 0) > 0) {
		close(ctl_fd);
		ctl_reader_free(&reader);
		ctl_fd = -1;
	}
	if (ctl_fd < 0) {
		ctl_fd = ctl_connect(socket_path);
		if (ctl_fd < 0)
			die(1, "cannot connect to %s: %s (is xviod running?)", socket_path,
			    strerror(-ctl_fd));
		ctl_reader_init(&reader);
	}
	req = ctl_request(cmd, args);
	rc = ctl_send(ctl_fd, req);
	json_decref(req);
	if (rc == 0)
		rc = ctl_recv(ctl_fd, &reader, &reply);
	if (rc <= 0)
		die(1, "lost the connection to xviod: %s", rc ? strerror(-rc) : "closed");
	if (!json_is_true(json_object_get(reply, "ok")))
		die(1, "%s", json_string_value(json_object_get(reply, "error")) ?: "failed");
	result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return result;
}

void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
		   JSON_REAL_PRECISION(CLI_REAL_DIGITS));
	fputc('\n', stdout);
}

const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

const char *num(char *buf, size_t len, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.1f", json_real_value(v));
	else
		snprintf(buf, len, "-");
	return buf;
}

/* YAML-like: nested objects indent, and a list of objects (a relay's
 * directions) prints one "- " item each; other values print compact. */
static void print_fields(json_t *obj, int indent, bool item)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		int at = indent;

		if (item) {
			printf("%*s- ", indent - 2, "");
			at = 0;
			item = false;
		}
		if (json_is_object(v)) {
			printf("%*s%s:\n", at, "", k);
			print_fields(v, indent + 2, false);
		} else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
			size_t i;
			json_t *e;

			printf("%*s%s:\n", at, "", k);
			json_array_foreach(v, i, e)
				print_fields(e, indent + 4, true);
		} else if (json_is_string(v)) {
			printf("%*s%s: %s\n", at, "", k, json_string_value(v));
		} else {
			char *str = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
					       JSON_REAL_PRECISION(CLI_REAL_DIGITS));

			printf("%*s%s: %s\n", at, "", k, str);
			free(str);
		}
	}
}

void need(int argc, int min, int max, const char *what)
{
	if (argc < min)
		die(2, "%s: missing arguments (see xvioctl --help)", what);
	if (max >= 0 && argc > max)
		die(2, "%s: unexpected argument (see xvioctl --help)", what);
}

/* Copy KEY=VALUE words into args. */
void keyvals(json_t *args, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL || eq == argv[i])
			die(2, "'%s' is not KEY=VALUE", argv[i]);
		*eq = '\0';
		json_object_set_new(args, argv[i], json_string(eq + 1));
	}
}

void done(json_t *res)
{
	if (json_output)
		print_json(res);
	json_decref(res);
}

void show(json_t *res, void (*table)(json_t *))
{
	if (json_output)
		print_json(res);
	else if (table != NULL)
		table(res);
	else
		print_fields(res, 0, false);
	json_decref(res);
}

/* ---- the command table ------------------------------------------------ */

#define CLI_MAX_TABLES 8

static struct {
	const struct cli_command *cmds;
	size_t n;
} tables[CLI_MAX_TABLES];
static size_t nb_tables;

void cli_register(const struct cli_command *cmds, size_t n)
{
	if (nb_tables == CLI_MAX_TABLES)
		die(70, "too many command tables (CLI_MAX_TABLES)");
	tables[nb_tables].cmds = cmds;
	tables[nb_tables].n = n;
	nb_tables++;
}

const struct cli_command *cli_find(const char *name)
{
	for (size_t t = 0; t < nb_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++)
			if (!strcmp(tables[t].cmds[i].name, name))
				return &tables[t].cmds[i];
	return NULL;
}

void cli_print_usage(FILE *out)
{
	const char *section = NULL;

	for (size_t t = 0; t < nb_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct cli_command *c = &tables[t].cmds[i];

			if (section == NULL || strcmp(section, c->section) != 0)
				fprintf(out, "%s:\n", c->section);
			section = c->section;
			fputs(c->usage, out);
		}
}
