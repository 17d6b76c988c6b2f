/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What xvioctl's command files share (cli.c): talking to xviod, printing,
 * and the command table.
 *
 * A command file (cli_port.c, cli_bridge.c, ...) defines its commands in
 * one array of struct cli_command and registers it with CLI_REGISTER; the
 * array is also what `xvioctl --help` prints, in link order. Adding a
 * command is one entry in such an array.
 */
#ifndef XVIO_CLI_H
#define XVIO_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define CLI_DEFAULT_SOCKET "/run/xvio/xviod.sock"
/* Reals as people read them: 15 significant digits print 765.7 as 765.7,
 * where a double's full 17 give 765.70000000000005. */
#define CLI_REAL_DIGITS 15

struct cli_command {
	const char *name;       /* the first word: "port", "add-flow" */
	/* The words after it. Returns the exit code; exits itself on errors. */
	int (*run)(int argc, char **argv);
	const char *section;    /* --help heading */
	const char *usage;      /* --help lines, each "  ...\n" */
};

void cli_register(const struct cli_command *cmds, size_t n);
#define CLI_REGISTER(table)                                                       \
	static void __attribute__((constructor)) cli_register_##table(void)        \
	{                                                                          \
		cli_register(table, sizeof(table) / sizeof(table[0]));               \
	}

const struct cli_command *cli_find(const char *name);
/* Every registered command's usage lines under its section's heading. */
void cli_print_usage(FILE *out);

extern bool json_output;
void cli_set_socket(const char *path);

void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* Send one request and return its result; exits with the daemon's error. */
json_t *call(const char *cmd, json_t *args);

/* Print res as JSON (--json), with table(), or as "key: value" lines. */
void show(json_t *res, void (*table)(json_t *));
/* A command that changes something: silent on success, as ovs-vsctl and
 * ovs-ofctl are; the daemon's reply with --json. */
void done(json_t *res);
void print_json(json_t *v);

/* Exit with a usage error unless min <= argc <= max (max < 0: no limit). */
void need(int argc, int min, int max, const char *what);
/* Copy KEY=VALUE words into args. */
void keyvals(json_t *args, int argc, char **argv);

const char *str(json_t *obj, const char *key);
const char *num(char *buf, size_t len, json_t *obj, const char *key);

#endif
