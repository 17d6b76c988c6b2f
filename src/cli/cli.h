/* SPDX-License-Identifier: BSD-3-Clause */
/* What xvioctl's command files share: talking to xviod and printing. */
#ifndef XVIO_CLI_H
#define XVIO_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

extern bool json_output;

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

/* The bridges table (bridge list, stats). */
void cli_print_bridges(json_t *bridges);

/* Bridge and flow commands (xvioctl_bridge.c): returns true if cmd was
 * one of them, with the exit code in *rc. */
bool cli_bridge_command(const char *cmd, int argc, char **argv, int *rc);

#endif
