/* SPDX-License-Identifier: BSD-3-Clause */
/* xvioctl: cores, load, statistics and the daemon itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_bridge.h"
#include "cli/cli_port.h"
#include "cli/table.h"

static void print_cores(json_t *cores)
{
	static const char *const hdr[] = { "CPU", "MODE", "BUSY%", "PACKETS", "CYC/PKT",
					   "SLEEPS", "JOBS", NULL };
	struct table *t = table_new(hdr);
	json_t *c, *d;
	size_t i, j;

	json_array_foreach(cores, i, c) {
		char cpu[16], busy[16], pk[32], cyc[32], sl[32], dirs[1024] = "";
		size_t off = 0;
		const char *row[] = { num(cpu, sizeof(cpu), c, "cpu"), str(c, "mode"),
				      num(busy, sizeof(busy), c, "busy_percent"),
				      num(pk, sizeof(pk), c, "packets"),
				      num(cyc, sizeof(cyc), c, "cycles_per_packet"),
				      num(sl, sizeof(sl), c, "sleeps"), dirs };

		json_array_foreach(json_object_get(c, "jobs"), j, d)
			if (off < sizeof(dirs))
				off += (size_t)snprintf(dirs + off, sizeof(dirs) - off, "%s%s",
							j ? " " : "", json_string_value(d));
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Packets per second per relay direction since the previous sample. */
static void print_rates(json_t *cur, json_t *prev, double dt)
{
	static const char *const hdr[] = { "RELAY", "DIRECTION", "CPU", "PPS", "MBIT/S",
					   "DROPS/S", NULL };
	struct table *t = table_new(hdr);
	json_t *r, *d;
	size_t i, j;

	json_array_foreach(json_object_get(cur, "relays"), i, r) {
		json_t *pr = NULL, *x;
		size_t k;

		json_array_foreach(json_object_get(prev, "relays"), k, x)
			if (!strcmp(str(x, "name"), str(r, "name")))
				pr = x;
		json_array_foreach(json_object_get(r, "directions"), j, d) {
			json_t *pd = pr ? json_array_get(json_object_get(pr, "directions"), j) : NULL;
			double pk = (double)json_integer_value(json_object_get(d, "packets"));
			double by = (double)json_integer_value(json_object_get(d, "bytes"));
			double dr = (double)cli_drops_total(d);
			char cpu[16], pps[32], mbps[32], dps[32];

			if (pd != NULL) {
				pk -= (double)json_integer_value(json_object_get(pd, "packets"));
				by -= (double)json_integer_value(json_object_get(pd, "bytes"));
				dr -= (double)cli_drops_total(pd);
				snprintf(pps, sizeof(pps), "%.0f", pk / dt);
				snprintf(mbps, sizeof(mbps), "%.1f", by * 8 / dt / 1e6);
				snprintf(dps, sizeof(dps), "%.0f", dr / dt);
			} else {
				/* a rate needs two samples */
				snprintf(pps, sizeof(pps), "-");
				snprintf(mbps, sizeof(mbps), "-");
				snprintf(dps, sizeof(dps), "-");
			}
			const char *row[] = { j ? "" : str(r, "name"), str(d, "direction"),
					      num(cpu, sizeof(cpu), d, "cpu"), pps, mbps, dps };
			table_row(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
}

static int cmd_stats(int argc, char **argv)
{
	double interval = 0, last;
	long count = -1;
	json_t *prev = NULL;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--watch")) {
			interval = 1;
			if (i + 1 < argc && argv[i + 1][0] != '-') {
				interval = atof(argv[++i]);
				if (interval <= 0)
					die(2, "stats --watch: '%s' is not a number of seconds", argv[i]);
			}
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = atol(argv[++i]);
			if (count <= 0)
				die(2, "stats --count: '%s' is not a positive count", argv[i]);
		} else {
			die(2, "stats: unexpected argument '%s'", argv[i]);
		}
	}
	if (interval == 0) {
		json_t *res = call("stats", NULL);

		if (json_output) {
			print_json(res);
		} else {
			printf("Cores\n");
			print_cores(json_object_get(res, "cores"));
			printf("\nRelays\n");
			cli_print_relays(json_object_get(res, "relays"));
			if (json_array_size(json_object_get(res, "bridges"))) {
				printf("\nBridges\n");
				cli_print_bridges(json_object_get(res, "bridges"));
			}
			printf("\nPorts\n");
			cli_print_ports(json_object_get(res, "ports"));
		}
		json_decref(res);
		return 0;
	}
	last = now_s();
	for (long n = 0; count < 0 || n < count; n++) {
		json_t *cur = call("stats", NULL);
		double t = now_s();

		if (json_output) {
			print_json(cur);
		} else {
			if (isatty(STDOUT_FILENO))
				printf("\033[H\033[2J");
			printf("xvio stats, every %.1f s (Ctrl-C to stop)\n\nCores\n", interval);
			print_cores(json_object_get(cur, "cores"));
			printf("\nRates\n");
			print_rates(cur, prev, prev ? t - last : 1);
			if (json_array_size(json_object_get(cur, "bridges"))) {
				printf("\nBridges (totals)\n");
				cli_print_bridges(json_object_get(cur, "bridges"));
			}
		}
		fflush(stdout);
		json_decref(prev);
		prev = cur;
		last = t;
		if (count < 0 || n + 1 < count)
			usleep((useconds_t)(interval * 1e6));
	}
	json_decref(prev);
	return 0;
}

static int cmd_config(int argc, char **argv)
{
	need(argc, 1, 2, "config");
	if (!strcmp(argv[0], "save")) {
		json_t *args = json_object();

		if (argc == 2)
			json_object_set_new(args, "path", json_string(argv[1]));
		show(call("config-save", args), NULL);
	} else if (!strcmp(argv[0], "show")) {
		need(argc, 1, 1, "config show");
		json_t *res = call("config-show", NULL);

		print_json(res);
		json_decref(res);
	} else {
		die(2, "config: unknown subcommand '%s' (save, show)", argv[0]);
	}
	return 0;
}

static int cmd_simple(const char *cmd, int argc, char **argv, int max,
		      void (*table)(json_t *))
{
	need(argc, 0, max, cmd);
	(void)argv;
	show(call(cmd, NULL), table);
	return 0;
}

static int cmd_core(int argc, char **argv)
{
	need(argc, 1, 1, "core");
	if (strcmp(argv[0], "list"))
		die(2, "core: unknown subcommand '%s' (list)", argv[0]);
	return cmd_simple("core-list", 0, NULL, 0, print_cores);
}

static int cmd_rebalance(int argc, char **argv)
{
	json_t *args = json_object();

	need(argc, 0, 1, "rebalance");
	if (argc == 1)
		json_object_set_new(args, "mode", json_string(argv[0]));
	show(call("rebalance", args), NULL);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	need(argc, 0, 0, "version");
	printf("xvioctl %s\n", XVIO_VERSION);
	return cmd_simple("version", 0, argv, 0, NULL);
}

static const struct cli_command daemon_commands[] = {
	{ "core", cmd_core, "Cores and load", "  core list\n" },
	{ "rebalance", cmd_rebalance, "Cores and load", "  rebalance [on|off|now]\n" },
	{ "stats", cmd_stats, "Cores and load", "  stats [--watch [SECONDS]] [--count N]\n" },
	{ "config", cmd_config, "Daemon",
"  config save [PATH]      write the running config (default: xviod's --config)\n"
"  config show\n" },
	{ "version", cmd_version, "Daemon", "  version\n" },
};

CLI_REGISTER(daemon_commands)
