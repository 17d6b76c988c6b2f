/* SPDX-License-Identifier: BSD-3-Clause */
/* xvioctl: bridges, flows (ovs-ofctl style), trace and the MAC table. */
#include "cli/cli_bridge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/table.h"

void cli_print_bridges(json_t *bridges)
{
	static const char *const hdr[] = { "BRIDGE", "PORT", "OFPORT", "VLAN", "CPU",
					   "RX", "TX", "DROPS", "PORT-WIDE", "EMC", "MEGAFLOW",
					   "UPCALLS", "MACS", "MAC-REFUSED", NULL };
	struct table *t = table_new(hdr);
	json_t *b, *p, *v;
	size_t i, j;

	json_array_foreach(bridges, i, b) {
		json_array_foreach(json_object_get(b, "ports"), j, p) {
			char of[16], cpu[16], rx[32], tx[32], dr[32], pw[32], emc[32], mf[32];
			char up[32], macs[48], refused[32];
			char vlan[64];
			json_int_t drops = 0;
			const char *k;

			json_object_foreach(json_object_get(p, "drops"), k, v)
				drops += json_integer_value(v);
			snprintf(dr, sizeof(dr), "%" JSON_INTEGER_FORMAT, drops);
			if (json_object_get(p, "tag"))
				snprintf(vlan, sizeof(vlan), "access %s", num(of, sizeof(of), p, "tag"));
			else if (json_object_get(p, "trunks"))
				snprintf(vlan, sizeof(vlan), "trunk %s", str(p, "trunks"));
			else
				snprintf(vlan, sizeof(vlan), "trunk all");
			snprintf(macs, sizeof(macs), "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "macs")),
				 json_integer_value(json_object_get(p, "mac_limit")));
			const char *row[] = { j ? "" : str(b, "name"), str(p, "port"),
				num(of, sizeof(of), p, "ofport"), vlan, num(cpu, sizeof(cpu), p, "cpu"),
				num(rx, sizeof(rx), p, "rx_packets"), num(tx, sizeof(tx), p, "tx_packets"),
				dr, num(pw, sizeof(pw), p, "port_hits"), num(emc, sizeof(emc), p, "emc_hits"),
				num(mf, sizeof(mf), p, "megaflow_hits"), num(up, sizeof(up), p, "upcalls"),
				macs, num(refused, sizeof(refused), p, "mac_learn_refused") };

			table_row(t, row);
		}
		if (json_array_size(json_object_get(b, "ports")) == 0) {
			const char *row[] = { str(b, "name"), "-", "", "", "", "", "", "", "", "", "",
					      "", "", "" };

			table_row(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
}

/* One bridge: its ports, then the counters of the bridge as a whole. */
static void print_bridge(json_t *b)
{
	json_t *arr = json_array();

	json_array_append(arr, b);
	cli_print_bridges(arr);
	json_decref(arr);
	printf("rules %" JSON_INTEGER_FORMAT ", megaflows %" JSON_INTEGER_FORMAT
	       ", cache flushes %" JSON_INTEGER_FORMAT ", megaflows revalidated %" JSON_INTEGER_FORMAT
	       ", megaflow evictions %" JSON_INTEGER_FORMAT ", MAC learn failures %"
	       JSON_INTEGER_FORMAT "; mac_age %" JSON_INTEGER_FORMAT " s\n",
	       json_integer_value(json_object_get(b, "rules")),
	       json_integer_value(json_object_get(b, "megaflows")),
	       json_integer_value(json_object_get(b, "cache_flushes")),
	       json_integer_value(json_object_get(b, "megaflows_revalidated")),
	       json_integer_value(json_object_get(b, "megaflow_evictions")),
	       json_integer_value(json_object_get(b, "mac_learn_failures")),
	       json_integer_value(json_object_get(b, "mac_age")));
}

/* As ovs-ofctl dump-flows prints them: counters and timeouts, then the
 * match and " actions=". */
static void print_flows(json_t *flows)
{
	json_t *f;
	size_t i;

	json_array_foreach(flows, i, f) {
		json_int_t idle = json_integer_value(json_object_get(f, "idle_timeout"));
		json_int_t hard = json_integer_value(json_object_get(f, "hard_timeout"));
		const char *match = str(f, "match");

		printf(" cookie=%s, duration=%.3fs, table=%" JSON_INTEGER_FORMAT ", n_packets=%"
		       JSON_INTEGER_FORMAT ", n_bytes=%" JSON_INTEGER_FORMAT ", ", str(f, "cookie"),
		       json_real_value(json_object_get(f, "duration")),
		       json_integer_value(json_object_get(f, "table")),
		       json_integer_value(json_object_get(f, "n_packets")),
		       json_integer_value(json_object_get(f, "n_bytes")));
		if (idle)
			printf("idle_timeout=%" JSON_INTEGER_FORMAT ", ", idle);
		if (hard)
			printf("hard_timeout=%" JSON_INTEGER_FORMAT ", ", hard);
		/* Whole seconds, rounded down like ovs-ofctl's. */
		printf("idle_age=%" JSON_INTEGER_FORMAT ", %s%sactions=%s\n",
		       (json_int_t)json_real_value(json_object_get(f, "idle_age")), match,
		       match[0] ? " " : "", str(f, "actions"));
	}
}

static void print_tables(json_t *tables)
{
	static const char *const hdr[] = { "TABLE", "RULES", "MASKS", "MATCHED", NULL };
	struct table *t = table_new(hdr);
	json_t *v;
	size_t i;

	json_array_foreach(tables, i, v) {
		char a[16], b[16], c[16], d[32];
		const char *row[] = { num(a, sizeof(a), v, "table"),
				      num(b, sizeof(b), v, "active_count"),
				      num(c, sizeof(c), v, "masks"),
				      num(d, sizeof(d), v, "matched_count") };
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static void print_trace_pass(json_t *pass)
{
	printf("\nMegaflow: %s\n", str(pass, "megaflow")[0] ? str(pass, "megaflow") : "(any)");
	printf("Datapath actions: %s", str(pass, "datapath_actions"));
	if (str(pass, "drop_reason")[0])
		printf(" (%s)", str(pass, "drop_reason"));
	printf("\n");
}

/* Every pass's steps come first; then each pass's outcome. */
static void print_trace(json_t *res)
{
	json_t *line, *pass;
	size_t i;

	json_array_foreach(json_object_get(res, "steps"), i, line)
		printf("%s\n", json_string_value(line));
	print_trace_pass(res);
	json_array_foreach(json_object_get(res, "passes"), i, pass) {
		printf("\nrecirc_id=0x%llx:",
		       (unsigned long long)json_integer_value(json_object_get(pass, "recirc_id")));
		print_trace_pass(pass);
	}
}

static void print_fdb(json_t *entries)
{
	static const char *const hdr[] = { "PORT", "VLAN", "MAC", "AGE", NULL };
	struct table *t = table_new(hdr);
	json_t *e;
	size_t i;

	json_array_foreach(entries, i, e) {
		char p[16], v[16], a[16];
		const char *row[] = { num(p, sizeof(p), e, "port"), num(v, sizeof(v), e, "vlan"),
				      str(e, "mac"), num(a, sizeof(a), e, "age") };
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static void print_meters(json_t *meters)
{
	static const char *const hdr[] = { "METER", "UNIT", "RATE", "BURST", "PACKETS",
					   "DROPPED", NULL };
	struct table *t = table_new(hdr);
	json_t *m;
	size_t i;

	json_array_foreach(meters, i, m) {
		char id[16], r[16], b[16], p[32], d[32];
		const char *row[] = { num(id, sizeof(id), m, "meter"), str(m, "unit"),
				      num(r, sizeof(r), m, "rate"), num(b, sizeof(b), m, "burst_size"),
				      num(p, sizeof(p), m, "packets"), num(d, sizeof(d), m, "dropped") };
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

/* Flows from a file, one per line; blank lines and '#' comments skipped. */
static json_t *read_flows(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	json_t *flows = json_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (f == NULL)
		die(1, "cannot read %s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *s = line;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		json_array_append_new(flows, json_string(s));
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (json_array_size(flows) == 0)
		die(1, "%s has no flows", path);
	return flows;
}

/* Take a trailing --strict off the argument list. */
static bool take_strict(int *argc, char **argv)
{
	for (int i = 0; i < *argc; i++)
		if (!strcmp(argv[i], "--strict")) {
			memmove(&argv[i], &argv[i + 1], sizeof(*argv) * (size_t)(*argc - i - 1));
			(*argc)--;
			return true;
		}
	return false;
}

static int cmd_bridge(int argc, char **argv)
{
	need(argc, 1, -1, "bridge");
	if (!strcmp(argv[0], "add")) {
		json_t *args;

		need(argc, 2, -1, "bridge add");
		args = json_pack("{s:s}", "name", argv[1]);
		keyvals(args, argc - 2, argv + 2);
		json_decref(call("bridge-add", args));
	} else if (!strcmp(argv[0], "set")) {
		json_t *args;

		need(argc, 3, -1, "bridge set");
		args = json_pack("{s:s}", "bridge", argv[1]);
		keyvals(args, argc - 2, argv + 2);
		json_decref(call("bridge-set", args));
	} else if (!strcmp(argv[0], "del")) {
		need(argc, 2, 2, "bridge del");
		json_decref(call("bridge-del", json_pack("{s:s}", "name", argv[1])));
	} else if (!strcmp(argv[0], "list")) {
		need(argc, 1, 1, "bridge list");
		show(call("bridge-list", NULL), cli_print_bridges);
	} else if (!strcmp(argv[0], "show")) {
		need(argc, 2, 2, "bridge show");
		show(call("bridge-show", json_pack("{s:s}", "bridge", argv[1])), print_bridge);
	} else if (!strcmp(argv[0], "port-add")) {
		json_t *args;

		need(argc, 3, -1, "bridge port-add");
		args = json_pack("{s:s, s:s}", "bridge", argv[1], "port", argv[2]);
		keyvals(args, argc - 3, argv + 3);
		json_decref(call("bridge-port-add", args));
	} else if (!strcmp(argv[0], "port-del")) {
		need(argc, 3, 3, "bridge port-del");
		json_decref(call("bridge-port-del",
				 json_pack("{s:s, s:s}", "bridge", argv[1], "port", argv[2])));
	} else if (!strcmp(argv[0], "pin")) {
		need(argc, 4, 4, "bridge pin");
		json_decref(call("bridge-port-pin", json_pack("{s:s, s:s, s:s}", "bridge", argv[1],
							    "port", argv[2], "core", argv[3])));
	} else if (!strcmp(argv[0], "unpin")) {
		need(argc, 3, 3, "bridge unpin");
		json_decref(call("bridge-port-pin",
				 json_pack("{s:s, s:s}", "bridge", argv[1], "port", argv[2])));
	} else {
		die(2, "bridge: unknown subcommand '%s' (add, set, del, list, show, port-add, "
		    "port-del, pin, unpin)", argv[0]);
	}
	return 0;
}

static int cmd_add_flow(int argc, char **argv)
{
	need(argc, 2, 2, "add-flow");
	done(call("flow-add", json_pack("{s:s, s:[s]}", "bridge", argv[0], "flows", argv[1])));
	return 0;
}

static int cmd_add_flows(int argc, char **argv)
{
	need(argc, 2, 2, "add-flows");
	done(call("flow-add", json_pack("{s:s, s:o}", "bridge", argv[0], "flows",
					read_flows(argv[1]))));
	return 0;
}

static int cmd_mod_flows(int argc, char **argv)
{
	bool strict = take_strict(&argc, argv);

	need(argc, 2, 2, "mod-flows");
	done(call("flow-mod", json_pack("{s:s, s:s, s:b}", "bridge", argv[0], "flow", argv[1],
					"strict", strict)));
	return 0;
}

static int cmd_del_flows(int argc, char **argv)
{
	bool strict = take_strict(&argc, argv);

	need(argc, 1, 2, "del-flows");
	done(call("flow-del", json_pack("{s:s, s:s, s:b}", "bridge", argv[0], "match",
					argc == 2 ? argv[1] : "", "strict", strict)));
	return 0;
}

static int cmd_dump_flows(int argc, char **argv)
{
	need(argc, 1, 2, "dump-flows");
	show(call("flow-dump", json_pack("{s:s, s:s}", "bridge", argv[0], "match",
					 argc == 2 ? argv[1] : "")), print_flows);
	return 0;
}

static int cmd_dump_tables(int argc, char **argv)
{
	need(argc, 1, 1, "dump-tables");
	show(call("table-dump", json_pack("{s:s}", "bridge", argv[0])), print_tables);
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	need(argc, 2, 2, "trace");
	show(call("trace", json_pack("{s:s, s:s}", "bridge", argv[0], "packet", argv[1])),
	     print_trace);
	return 0;
}

static int cmd_fdb_show(int argc, char **argv)
{
	need(argc, 1, 1, "fdb-show");
	show(call("fdb-show", json_pack("{s:s}", "bridge", argv[0])), print_fdb);
	return 0;
}

static int cmd_add_meter(int argc, char **argv)
{
	need(argc, 2, 2, "add-meter");
	json_decref(call("meter-add", json_pack("{s:s, s:s}", "bridge", argv[0], "meter",
					     argv[1])));
	return 0;
}

static int cmd_del_meters(int argc, char **argv)
{
	json_t *args;

	need(argc, 1, 2, "del-meters");
	args = json_pack("{s:s}", "bridge", argv[0]);
	if (argc == 2)
		json_object_set_new(args, "meter", json_string(argv[1]));
	json_decref(call("meter-del", args));
	return 0;
}

static int cmd_dump_meters(int argc, char **argv)
{
	need(argc, 1, 1, "dump-meters");
	show(call("meter-dump", json_pack("{s:s}", "bridge", argv[0])), print_meters);
	return 0;
}

#define BRIDGES "Bridges (switch mode; flows in ovs-ofctl syntax, see docs/switch.md)"

static const struct cli_command bridge_commands[] = {
	{ "bridge", cmd_bridge, BRIDGES,
"  bridge add NAME [mac_age=SECONDS] [mac_limit=N] [default_flow=on|off]\n"
"                          comes with priority=0,actions=normal (as in OVS)\n"
"                          unless default_flow=off\n"
"  bridge set NAME [mac_age=SECONDS] [mac_limit=N]\n"
"                          MAC ageing, addresses learnt per port; under traffic\n"
"  bridge del NAME         refused while it has ports (bridge port-del first)\n"
"  bridge list\n"
"  bridge show NAME\n"
"  bridge port-add BRIDGE PORT [ofport=N] [tag=VLAN | trunks=VLAN,...] [mac_limit=N]\n"
"                  [core=CPU]   mac_limit: addresses learnt on it (default 1024)\n"
"  bridge port-del BRIDGE PORT\n"
"  bridge pin BRIDGE PORT CPU\n"
"  bridge unpin BRIDGE PORT\n" },
	{ "add-flow", cmd_add_flow, BRIDGES, "  add-flow BRIDGE FLOW\n" },
	{ "add-flows", cmd_add_flows, BRIDGES,
"  add-flows BRIDGE FILE   one flow per line ('-' = stdin); all or none\n" },
	{ "mod-flows", cmd_mod_flows, BRIDGES, "  mod-flows BRIDGE FLOW [--strict]\n" },
	{ "del-flows", cmd_del_flows, BRIDGES, "  del-flows BRIDGE [MATCH] [--strict]\n" },
	{ "dump-flows", cmd_dump_flows, BRIDGES, "  dump-flows BRIDGE [MATCH]\n" },
	{ "dump-tables", cmd_dump_tables, BRIDGES, "  dump-tables BRIDGE\n" },
	{ "trace", cmd_trace, BRIDGES,
"  trace BRIDGE PACKET     e.g. 'in_port=vm1,tcp,nw_dst=10.0.0.2,tp_dst=80'\n" },
	{ "fdb-show", cmd_fdb_show, BRIDGES, "  fdb-show BRIDGE         the MAC learning table of `normal`\n" },
	{ "add-meter", cmd_add_meter, BRIDGES,
"  add-meter BRIDGE METER  e.g. 'meter=1,pktps,band=type=drop,rate=1000'\n" },
	{ "del-meters", cmd_del_meters, BRIDGES, "  del-meters BRIDGE [ID]\n" },
	{ "dump-meters", cmd_dump_meters, BRIDGES, "  dump-meters BRIDGE\n" },
};

CLI_REGISTER(bridge_commands)
